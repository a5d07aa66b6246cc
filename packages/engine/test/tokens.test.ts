import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { capTokens, estimateTokens, tokensAtMost } from '../src/tokens.js';

describe('tokens', () => {
  it("counts with the o200k tokenizer, as the library's own o200k module does", () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('hello world')).toBe(2);
    for (const text of [
      'export function add(a: number, b: number): number {}',
      'Grüße, 世界! 🎉',
      ' \n\t'.repeat(50),
    ]) {
      expect(estimateTokens(text)).toBe(countTokens(text));
    }
  });

  it('counts special-token text as plain text, as the API bills it, instead of throwing', () => {
    const text = 'const stop = "<|endoftext|>"; // <|im_start|>';
    expect(() => countTokens(text)).toThrow(/special token/i);
    expect(estimateTokens(text)).toBe(countTokens(text, { disallowedSpecial: new Set() }));
    expect(estimateTokens(text)).toBeGreaterThan(estimateTokens('const stop = "";'));
  });

  it('cuts a context pack to the cap and marks the cut; leaves a short one alone', () => {
    const text = Array.from({ length: 400 }, (_, i) => `const value${i} = compute(${i}, "${'x'.repeat(i % 7)}");`).join(
      '\n',
    );
    const capped = capTokens(text, 300);
    expect(capped.cut).toBe(true);
    expect(estimateTokens(capped.text)).toBeLessThanOrEqual(300);
    expect(capped.text).toContain('cut to fit the context budget');
    expect(text.startsWith(capped.text.split('\n/*')[0]!)).toBe(true);
    expect(capTokens('short', 300)).toEqual({ text: 'short', cut: false });
  });

  it("bounds a text's tokens from above without counting them, however the text is made", () => {
    const texts = [
      '',
      'a',
      'export function add(a: number, b: number): number { return a + b; }',
      ' '.repeat(500),
      '\n\n\t\r\n',
      'Grüße, 世界! Καλημέρα — ☃ 🎉🎉🎉 👩‍👩‍👧‍👦',
      '\u0000\u0001\u007f\u0080\uffff',
      String.fromCodePoint(...Array.from({ length: 300 }, (_, i) => 0x4e00 + ((i * 7919) % 20000))),
    ];
    for (const text of texts)
      expect(tokensAtMost(text), JSON.stringify(text.slice(0, 20))).toBeGreaterThanOrEqual(estimateTokens(text));
    expect(tokensAtMost('hello world')).toBe(11);
  });
});
