import { describe, expect, it } from 'vitest';
import { textMemo } from '../src/memo.js';

describe('textMemo', () => {
  it('computes once per argument list, keeps lists that join alike apart, and starts over past its bound', () => {
    const calls: string[] = [];
    const f = textMemo((a: string, b: string) => {
      calls.push(`${a}|${b}`);
      return a.length + b.length;
    }, 40);
    expect(f('ab', 'c')).toBe(3);
    expect(f('ab', 'c')).toBe(3);
    expect(f('a', 'bc')).toBe(3);
    expect(calls).toEqual(['ab|c', 'a|bc']);
    f('x'.repeat(30), 'y');
    f('ab', 'c');
    expect(calls.length).toBe(4);
  });
});
