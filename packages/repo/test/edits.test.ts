import { describe, expect, it } from 'vitest';
import { applyEdits, type Edit } from '../src/index.js';

const SOURCE = ['function a() {}', 'function b() {}', 'function c() {}', ''].join('\n');

/** An insertion of `text` before `anchor` (first occurrence), guarded by the anchor's line. */
function insertBefore(owner: string, anchor: string, text: string, source = SOURCE): Edit {
  const start = source.indexOf(anchor);
  if (start < 0) throw new Error(`no ${anchor}`);
  return { owner, start, end: start, text, expect: anchor };
}

/** A replacement of the first occurrence of `target` with `text`. */
function replace(owner: string, target: string, text: string, source = SOURCE): Edit {
  const start = source.indexOf(target);
  if (start < 0) throw new Error(`no ${target}`);
  return { owner, start, end: start + target.length, text, expect: target };
}

const sorted = (xs: string[]) => [...xs].sort();

describe('applyEdits', () => {
  it('returns the source unchanged for no edits', () => {
    expect(applyEdits(SOURCE, [])).toEqual({ text: SOURCE, applied: [], stale: [] });
  });

  it('applies several edits in one file at their original offsets, whatever order they come in', () => {
    const edits = [
      insertBefore('j-b', 'function b', '/** B. */\n'),
      replace('j-c', 'function c() {}', 'function c(): void {\n  return;\n}'),
      insertBefore('j-a', 'function a', '/**\n * A, a longer comment.\n */\n'),
    ];
    const expected = [
      '/**\n * A, a longer comment.\n */\nfunction a() {}',
      '/** B. */\nfunction b() {}',
      'function c(): void {\n  return;\n}',
      '',
    ].join('\n');
    for (const order of [edits, [...edits].reverse(), [edits[1]!, edits[0]!, edits[2]!]]) {
      const result = applyEdits(SOURCE, order);
      expect(result.text).toBe(expected);
      expect(sorted(result.applied)).toEqual(['j-a', 'j-b', 'j-c']);
      expect(result.stale).toEqual([]);
    }
  });

  it('applies adjacent edits (one ends where the next starts)', () => {
    const result = applyEdits('abcdef', [
      { owner: 'x', start: 0, end: 3, text: 'ABC', expect: 'abc' },
      { owner: 'y', start: 3, end: 6, text: 'DEF', expect: 'def' },
    ]);
    expect(result.text).toBe('ABCDEF');
    expect(sorted(result.applied)).toEqual(['x', 'y']);
  });

  it('applies an insertion at the end of the text', () => {
    const result = applyEdits('abc', [{ owner: 'x', start: 3, end: 3, text: '!', expect: '' }]);
    expect(result).toEqual({ text: 'abc!', applied: ['x'], stale: [] });
  });

  it('reports an edit whose expected text no longer matches, and still applies the others', () => {
    const edits = [
      insertBefore('fresh', 'function c', '/** C. */\n'),
      insertBefore('old', 'function b', '/** B. */\n'),
    ];
    const changed = SOURCE.replace('function b', 'function x'); // same length: c's offset still holds
    const result = applyEdits(changed, edits);
    expect(result.text).toBe(changed.replace('function c', '/** C. */\nfunction c'));
    expect(result.applied).toEqual(['fresh']);
    expect(result.stale.map((s) => s.owner)).toEqual(['old']);
    expect(result.stale[0]!.reason).toEqual(expect.any(String));
  });

  it('checks the whole expected text, including the anchor beyond the replaced span', () => {
    const edit: Edit = { owner: 'j', start: 0, end: 0, text: '/** A. */\n', expect: 'function a() {}' };
    expect(applyEdits(SOURCE, [edit]).applied).toEqual(['j']);
    const moved = SOURCE.replace('function a() {}', 'function a(x) {}');
    const result = applyEdits(moved, [edit]);
    expect(result.text).toBe(moved);
    expect(result.stale.map((s) => s.owner)).toEqual(['j']);
  });

  it('reports an edit whose expected text is shorter than the span it replaces', () => {
    const result = applyEdits('abcdef', [{ owner: 'short', start: 0, end: 4, text: 'X', expect: 'ab' }]);
    expect(result).toEqual({ text: 'abcdef', applied: [], stale: [{ owner: 'short', reason: expect.any(String) }] });
  });

  it('applies the first of two overlapping edits and reports the second', () => {
    const result = applyEdits('abcdefgh', [
      { owner: 'first', start: 1, end: 4, text: 'X', expect: 'bcd' },
      { owner: 'second', start: 3, end: 6, text: 'Y', expect: 'def' },
    ]);
    expect(result.text).toBe('aXefgh');
    expect(result.applied).toEqual(['first']);
    expect(result.stale.map((s) => s.owner)).toEqual(['second']);
  });

  it('reports an edit nested inside another and never applies both', () => {
    const result = applyEdits('abcdefgh', [
      { owner: 'outer', start: 1, end: 7, text: 'X', expect: 'bcdefg' },
      { owner: 'inner', start: 3, end: 4, text: 'Y', expect: 'd' },
      { owner: 'after', start: 7, end: 8, text: 'Z', expect: 'h' },
    ]);
    expect(result.text).toBe('aXZ');
    expect(sorted(result.applied)).toEqual(['after', 'outer']);
    expect(result.stale.map((s) => s.owner)).toEqual(['inner']);
  });

  it('reports the second of two insertions at the same offset (their order would be arbitrary)', () => {
    const result = applyEdits('abc', [
      { owner: 'one', start: 1, end: 1, text: '1', expect: 'b' },
      { owner: 'two', start: 1, end: 1, text: '2', expect: 'b' },
    ]);
    expect(result.text).toBe('a1bc');
    expect(result.applied).toEqual(['one']);
    expect(result.stale.map((s) => s.owner)).toEqual(['two']);
  });

  it('reports out-of-bounds and inverted spans instead of throwing or corrupting the text', () => {
    const bad: Edit[] = [
      { owner: 'negative', start: -1, end: 0, text: 'X', expect: '' },
      { owner: 'past-end', start: 2, end: 10, text: 'X', expect: 'c' },
      { owner: 'beyond', start: 5, end: 5, text: 'X', expect: '' },
      { owner: 'inverted', start: 2, end: 1, text: 'X', expect: 'c' },
    ];
    const result = applyEdits('abc', [...bad, { owner: 'good', start: 0, end: 1, text: 'A', expect: 'a' }]);
    expect(result.text).toBe('Abc');
    expect(result.applied).toEqual(['good']);
    expect(sorted(result.stale.map((s) => s.owner))).toEqual(['beyond', 'inverted', 'negative', 'past-end']);
  });
});
