import { describe, expect, it } from 'vitest';
import { UsageLedger, type BudgetReached } from '../src/index.js';

const PRICES = { m: { input: 1, cachedInput: 0.1, output: 10 }, n: { input: 2, cachedInput: 0.2, output: 20 } };

describe('UsageLedger onReached', () => {
  it('tells once, on the first refused reservation, with the model, the spend and the budget', () => {
    const told: BudgetReached[] = [];
    const ledger = new UsageLedger(PRICES, 0.001, { onReached: (info) => told.push(info) });
    const a = ledger.reserve('m', 100, 50); // 0.0006 of 0.001
    expect(a).not.toBeNull();
    expect(told).toEqual([]);
    ledger.record('m', { requests: 1, inputTokens: 100, cachedInputTokens: 0, outputTokens: 10 }); // 0.0002
    expect(ledger.reserve('n', 100, 50)).toBeNull(); // 0.0012 more does not fit
    expect(told).toEqual([{ model: 'n', spentUsd: 0.0002, budgetUsd: 0.001 }]);
    // Later refusals do not tell again, whichever model asks, even after a reservation fits once more.
    expect(ledger.reserve('m', 100, 50)).toBeNull();
    ledger.release(a!);
    expect(ledger.reserve('m', 100, 50)).not.toBeNull();
    expect(ledger.reserve('m', 1000, 500)).toBeNull();
    expect(told).toHaveLength(1);
    expect(ledger.budgetReached).toBe(true);
  });

  it('never tells without a budget, nor while every reservation fits', () => {
    let told = 0;
    const free = new UsageLedger(PRICES, null, { onReached: () => told++ });
    for (let i = 0; i < 5; i++) expect(free.reserve('m', 1e6, 1e6)).not.toBeNull();
    const roomy = new UsageLedger(PRICES, 10, { onReached: () => told++ });
    expect(roomy.reserve('m', 100, 50)).not.toBeNull();
    expect(told).toBe(0);
    expect(free.budgetReached || roomy.budgetReached).toBe(false);
  });

  it('still works without options (the two-argument form)', () => {
    const ledger = new UsageLedger(PRICES, 0);
    expect(ledger.reserve('m', 1, 1)).toBeNull();
    expect(ledger.budgetReached).toBe(true);
  });
});
