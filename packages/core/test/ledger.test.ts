import { describe, expect, it } from 'vitest';
import { DEFAULTS, UsageLedger, priceUsage } from '../src/index.js';

describe('pricing', () => {
  it('bills cached input at the cached rate and the rest at the input rate', () => {
    const usd = priceUsage(
      { requests: 1, inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 1_000_000 },
      DEFAULTS.prices['gpt-5.4-nano'],
    );
    expect(usd).toBeCloseTo(0.6 * 0.2 + 0.4 * 0.02 + 1.25, 9);
  });
  it('prices an unknown model at 0', () => {
    expect(priceUsage({ requests: 1, inputTokens: 10, cachedInputTokens: 0, outputTokens: 10 }, undefined)).toBe(0);
  });
});

describe('UsageLedger', () => {
  it('counts per model and sums', () => {
    const ledger = new UsageLedger({ ...DEFAULTS.prices }, null);
    ledger.record('gpt-5.4-nano', { requests: 1, inputTokens: 100, cachedInputTokens: 0, outputTokens: 10 });
    ledger.record('gpt-5.4-nano', { requests: 1, inputTokens: 50, cachedInputTokens: 20, outputTokens: 5 });
    ledger.record('gpt-5.4-mini', { requests: 1, inputTokens: 10, cachedInputTokens: 0, outputTokens: 1 });
    expect(ledger.byModel()['gpt-5.4-nano']).toMatchObject({
      requests: 2,
      inputTokens: 150,
      cachedInputTokens: 20,
      outputTokens: 15,
    });
    expect(ledger.total()).toMatchObject({ requests: 3, inputTokens: 160 });
  });

  it('refuses a reservation that would cross the budget, counting what is in flight', () => {
    const ledger = new UsageLedger({ m: { input: 1, cachedInput: 0.1, output: 10 } }, 0.001);
    const worst = ledger.worstCase('m', 100, 50); // 0.0001 + 0.0005
    expect(worst).toBeCloseTo(0.0006, 9);
    const a = ledger.reserve('m', 100, 50);
    expect(a).not.toBeNull();
    expect(ledger.reserve('m', 100, 50)).toBeNull(); // 0.0012 > 0.001 while `a` is in flight
    expect(ledger.budgetReached).toBe(true);
    ledger.record('m', { requests: 1, inputTokens: 100, cachedInputTokens: 0, outputTokens: 10 }); // 0.0002 actual
    ledger.release(a!);
    expect(ledger.reserve('m', 100, 50)).not.toBeNull(); // 0.0002 + 0.0006 <= 0.001
    expect(ledger.spentUsd()).toBeLessThanOrEqual(0.001);
  });

  it('reserves input at the cache-write rate when it is dearer: a call whose input is all cache writes stays covered', () => {
    // Claude's cache writes cost 1.25× input: 10k tokens at $1/M input are $0.0100, as writes $0.0125.
    const ledger = new UsageLedger({ c: { input: 1, cachedInput: 0.1, cacheWrite: 1.25, output: 5 } }, null);
    expect(ledger.worstCase('c', 10_000, 0)).toBeCloseTo(0.0125, 9);
    const spent = ledger.record('c', {
      requests: 1,
      inputTokens: 10_000,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 10_000,
      outputTokens: 0,
    });
    expect(spent).toBeLessThanOrEqual(ledger.worstCase('c', 10_000, 0));
    // A cache write cheaper than input (or none) leaves the input rate.
    const cheap = new UsageLedger({ d: { input: 1, cachedInput: 0.1, cacheWrite: 0.5, output: 5 } }, null);
    expect(cheap.worstCase('d', 10_000, 0)).toBeCloseTo(0.01, 9);
    expect(
      new UsageLedger({ e: { input: 1, cachedInput: 0.1, output: 5 } }, null).worstCase('e', 10_000, 0),
    ).toBeCloseTo(0.01, 9);
  });
});
