import { describe, expect, it } from 'vitest';
import type { ReviewFinding } from '@orchestrate/core';
import { fileDiffs, parsePatch, type FileDiff } from '../src/diff-hunks.js';
import { placeFinding } from '../src/placement.js';

/** A finding on `file` lines `line`..`endLine`. */
function finding(file: string, line: number, endLine = line, extra: Partial<ReviewFinding> = {}): ReviewFinding {
  return {
    file,
    line,
    endLine,
    severity: 'warning',
    ruleId: 'r',
    message: 'm',
    source: 'rule',
    fingerprint: '0'.repeat(32),
    code: [],
    ...extra,
  };
}

const diffs = fileDiffs([
  {
    path: 'a.ts',
    previousPath: null,
    status: 'modified',
    // RIGHT side: hunk 1 = lines 1..6 (added 3, 4); hunk 2 = lines 20..23 (added 22); hunk 3 = 30..31, context only.
    patch: [
      '@@ -1,5 +1,6 @@',
      ' 1',
      ' 2',
      '-old 3',
      '+3',
      '+4',
      ' 5',
      ' 6',
      '@@ -19,3 +20,4 @@',
      ' 20',
      ' 21',
      '+22',
      ' 23',
      '@@ -28,3 +30,2 @@',
      ' 30',
      '-gone',
      ' 31',
    ].join('\n'),
  },
  { path: 'big.json', previousPath: null, status: 'modified', patch: null },
]);
const fix = { replacement: 'x' };

describe('placeFinding', () => {
  it('places a range inside one hunk whole, as a multi-line comment, with a suggestion iff it has a fix', () => {
    expect(placeFinding(finding('a.ts', 2, 5, { fix }), diffs)).toEqual({
      ok: true,
      line: 5,
      startLine: 2,
      suggestion: true,
    });
    expect(placeFinding(finding('a.ts', 2, 5), diffs)).toEqual({ ok: true, line: 5, startLine: 2, suggestion: false });
    expect(placeFinding(finding('a.ts', 4, 4, { fix }), diffs)).toEqual({ ok: true, line: 4, suggestion: true });
  });

  it('anchors a range that crosses hunks on its first added line, one line, no suggestion', () => {
    expect(placeFinding(finding('a.ts', 5, 22, { fix }), diffs)).toEqual({ ok: true, line: 22, suggestion: false });
    expect(placeFinding(finding('a.ts', 2, 25, { fix }), diffs)).toEqual({ ok: true, line: 3, suggestion: false });
    // From outside any hunk into one.
    expect(placeFinding(finding('a.ts', 10, 22), diffs)).toEqual({ ok: true, line: 22, suggestion: false });
  });

  it('does not place a finding on context lines only, between hunks, or past the file', () => {
    expect(placeFinding(finding('a.ts', 1, 2), diffs)).toEqual({ ok: false, reason: 'no-changed-line' });
    expect(placeFinding(finding('a.ts', 30, 31), diffs)).toEqual({ ok: false, reason: 'no-changed-line' });
    expect(placeFinding(finding('a.ts', 10, 12), diffs)).toEqual({ ok: false, reason: 'no-changed-line' });
    expect(placeFinding(finding('a.ts', 500), diffs)).toEqual({ ok: false, reason: 'no-changed-line' });
  });

  it('says why when the file is not in the diff or GitHub gave no patch', () => {
    expect(placeFinding(finding('other.ts', 3), diffs)).toEqual({ ok: false, reason: 'file-not-in-diff' });
    expect(placeFinding(finding('big.json', 3), diffs)).toEqual({ ok: false, reason: 'patch-unavailable' });
  });

  it('reads a range that ends before it starts, or bad line numbers, safely and offers no fix for it', () => {
    expect(placeFinding(finding('a.ts', 4, 2, { fix }), diffs)).toEqual({ ok: true, line: 4, suggestion: false });
    expect(placeFinding(finding('a.ts', 0, 4), diffs)).toEqual({ ok: false, reason: 'no-changed-line' });
    expect(placeFinding(finding('a.ts', 3.5, 4), diffs)).toEqual({ ok: false, reason: 'no-changed-line' });
    expect(placeFinding(finding('a.ts', Number.NaN, 4), diffs)).toEqual({ ok: false, reason: 'no-changed-line' });
  });

  it('never trusts an added line outside its hunk in a hand-built diff', () => {
    const odd = new Map<string, FileDiff>([
      ['x.ts', { path: 'x.ts', hunks: [{ start: 5, end: 6, added: new Set([9]) }], patchMissing: false }],
    ]);
    expect(placeFinding(finding('x.ts', 1, 10), odd)).toEqual({ ok: false, reason: 'no-changed-line' });
  });
});

/** A small seeded generator (mulberry32): the same failures on every run, and the seed says which case failed. */
function random(seed: number) {
  let s = seed >>> 0;
  return (n: number): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** A random patch and, independently of the parser, its RIGHT-side hunks: [start, end] and the added lines. */
function randomPatch(rand: (n: number) => number) {
  const lines: string[] = [];
  const truth: { start: number; end: number; added: Set<number> }[] = [];
  let oldLine = 1 + rand(5);
  let newLine = oldLine + rand(3);
  for (let h = rand(5); h >= 0; h--) {
    const body: string[] = [];
    const added = new Set<number>();
    let oldCount = 0;
    let newCount = 0;
    for (let n = 1 + rand(12); n > 0; n--) {
      const kind = rand(4);
      // Content that looks like headers must never confuse the parser.
      const text = ['x', '++ b/f', '@@ -1 +9,9 @@', '-- a/f', ''][rand(5)]!;
      if (kind === 0) {
        body.push(`-${text}`);
        oldCount++;
      } else if (kind === 1) {
        body.push(`+${text}`);
        added.add(newLine + newCount);
        newCount++;
      } else {
        body.push(` ${text}`);
        oldCount++;
        newCount++;
      }
      if (rand(20) === 0) body.push('\\ No newline at end of file');
    }
    lines.push(`@@ -${oldLine},${oldCount} +${newLine},${newCount} @@ ctx`, ...body);
    if (newCount > 0) truth.push({ start: newLine, end: newLine + newCount - 1, added });
    oldLine += oldCount + 1 + rand(10);
    newLine += newCount + 1 + rand(10);
  }
  return { patch: lines.join('\n'), truth };
}

describe('placeFinding over random patches (property)', () => {
  it('places every finding only on an added RIGHT-side line, a range only inside one hunk, and misses none', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const rand = random(seed);
      const { patch, truth } = randomPatch(rand);
      expect(
        parsePatch(patch).map((h) => ({ ...h, added: [...h.added].sort((a, b) => a - b) })),
        `seed ${seed}`,
      ).toEqual(truth.map((h) => ({ ...h, added: [...h.added].sort((a, b) => a - b) })));
      const diffs = fileDiffs([{ path: 'f.ts', previousPath: null, status: 'modified', patch }]);
      for (let k = 0; k < 25; k++) {
        const line = 1 + rand(120);
        const endLine = rand(6) === 0 ? line - rand(3) : line + rand(rand(3) === 0 ? 40 : 4);
        const f = finding('f.ts', line, endLine, rand(2) ? { fix } : {});
        const p = placeFinding(f, diffs);
        const end = Math.max(line, endLine);
        const anyAdded = truth.some((h) => [...h.added].some((n) => n >= line && n <= end));
        expect(p.ok, `seed ${seed}, lines ${line}-${endLine}`).toBe(anyAdded);
        if (!p.ok) continue;
        const hunk = truth.find((h) => h.start <= p.line && p.line <= h.end);
        expect(hunk, `seed ${seed}`).toBeDefined();
        const from = p.startLine ?? p.line;
        expect(from >= hunk!.start && from <= p.line, `seed ${seed}`).toBe(true);
        expect(
          [...hunk!.added].some((n) => n >= from && n <= p.line),
          `seed ${seed}`,
        ).toBe(true);
        if (p.startLine === undefined) expect(hunk!.added.has(p.line), `seed ${seed}`).toBe(true);
        if (p.suggestion) expect([from, p.line], `seed ${seed}`).toEqual([f.line, f.endLine]);
        expect(from >= line && p.line <= end, `seed ${seed}`).toBe(true);
      }
    }
  });
});
