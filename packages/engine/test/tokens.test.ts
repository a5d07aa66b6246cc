import { describe, expect, it } from 'vitest';
import { capTokens, estimateTokens } from '../src/tokens.js';

describe('tokens', () => {
  it('counts with the o200k tokenizer', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('hello world')).toBe(2);
  });

  it('cuts a context pack to the cap and marks the cut; leaves a short one alone', () => {
    const text = Array.from({ length: 400 }, (_, i) => `const value${i} = compute(${i}, "${'x'.repeat(i % 7)}");`).join('\n');
    const capped = capTokens(text, 300);
    expect(capped.cut).toBe(true);
    expect(estimateTokens(capped.text)).toBeLessThanOrEqual(300);
    expect(capped.text).toContain('cut to fit the context budget');
    expect(text.startsWith(capped.text.split('\n/*')[0]!)).toBe(true);
    expect(capTokens('short', 300)).toEqual({ text: 'short', cut: false });
  });
});
