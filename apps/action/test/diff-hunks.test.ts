import { describe, expect, it } from 'vitest';
import { fileDiffs, parsePatch, type Hunk } from '../src/diff-hunks.js';
import type { PullFile } from '../src/github/api.js';

/** Hunks as plain data, `added` sorted, for toEqual. */
const plain = (hunks: Hunk[]) =>
  hunks.map((h) => ({ start: h.start, end: h.end, added: [...h.added].sort((a, b) => a - b) }));
const patch = (...lines: string[]) => lines.join('\n');

describe('parsePatch', () => {
  it('reads the RIGHT side of several hunks: context and added lines, deleted lines skipped', () => {
    const hunks = parsePatch(
      patch(
        '@@ -1,4 +1,5 @@ export function a() {',
        ' one',
        '-two',
        '+TWO',
        '+two and a half',
        ' three',
        ' four',
        '@@ -20,3 +21,2 @@',
        ' twenty',
        '-gone',
        ' twenty-two',
      ),
    );
    expect(plain(hunks)).toEqual([
      { start: 1, end: 5, added: [2, 3] },
      { start: 21, end: 22, added: [] },
    ]);
  });

  it('counts `\\ No newline at end of file` on neither side', () => {
    const hunks = parsePatch(
      patch('@@ -1,2 +1,2 @@', ' keep', '-old', '\\ No newline at end of file', '+new', '\\ No newline at end of file'),
    );
    expect(plain(hunks)).toEqual([{ start: 1, end: 2, added: [2] }]);
  });

  it('reads an added file (omitted counts mean 1) and a one-line file', () => {
    expect(plain(parsePatch(patch('@@ -0,0 +1,3 @@', '+a', '+b', '+c')))).toEqual([
      { start: 1, end: 3, added: [1, 2, 3] },
    ]);
    expect(plain(parsePatch(patch('@@ -1 +1 @@', '-a', '+b')))).toEqual([{ start: 1, end: 1, added: [1] }]);
  });

  it('leaves out deletion-only hunks and gives nothing for a deleted file or an empty patch', () => {
    expect(plain(parsePatch(patch('@@ -3,2 +2,0 @@', '-x', '-y', '@@ -9 +8 @@', '-p', '+q')))).toEqual([
      { start: 8, end: 8, added: [8] },
    ]);
    expect(parsePatch(patch('@@ -1,2 +0,0 @@', '-a', '-b'))).toEqual([]);
    expect(parsePatch('')).toEqual([]);
  });

  it('never takes a content line that looks like a header for one', () => {
    const hunks = parsePatch(
      patch(
        '@@ -1,0 +1,4 @@',
        '+++ b/evil.txt',
        '+@@ -1 +100,5 @@',
        '+diff --git a/x b/x',
        '+--- a/x',
        '@@ -5,2 +9,2 @@',
        '-@@ -1 +500,5 @@',
        '+@@ -1 +600,5 @@',
        ' --- a/y',
      ),
    );
    expect(plain(hunks)).toEqual([
      { start: 1, end: 4, added: [1, 2, 3, 4] },
      { start: 9, end: 10, added: [9] },
    ]);
  });

  it('skips the file header of a `git diff` (a rename with edits) and reads its hunk', () => {
    const hunks = parsePatch(
      patch(
        'diff --git a/old.ts b/new.ts',
        'similarity index 90%',
        'rename from old.ts',
        'rename to new.ts',
        'index 1111111..2222222 100644',
        '--- a/old.ts',
        '+++ b/new.ts',
        '@@ -10,3 +10,3 @@',
        ' a',
        '-b',
        '+B',
        ' c',
        '',
      ),
    );
    expect(plain(hunks)).toEqual([{ start: 10, end: 12, added: [11] }]);
  });

  it('ignores lines past a hunk’s counts and stops trusting a hunk at a line that fits no count', () => {
    // The trailing `+stray` is past the counts: it belongs to no hunk.
    expect(plain(parsePatch(patch('@@ -1 +1,2 @@', ' a', '+b', '+stray')))).toEqual([{ start: 1, end: 2, added: [2] }]);
    // `+x` when only an old line is owed: the header lied; keep what was read, nothing after.
    expect(plain(parsePatch(patch('@@ -1,2 +1,2 @@', ' a', '+b', '+x', '+y')))).toEqual([
      { start: 1, end: 2, added: [2] },
    ]);
    // A hunk cut short by the next header keeps the lines it had.
    expect(plain(parsePatch(patch('@@ -1,5 +1,5 @@', ' a', '+b', '@@ -20 +20 @@', '-c', '+d')))).toEqual([
      { start: 1, end: 2, added: [2] },
      { start: 20, end: 20, added: [20] },
    ]);
  });

  it('takes CRLF line ends and a context line whose leading space was trimmed', () => {
    expect(plain(parsePatch('@@ -1,3 +1,3 @@\r\n a\r\n\r\n-b\r\n+B\r\n'))).toEqual([{ start: 1, end: 3, added: [3] }]);
  });

  it('ignores a malformed header', () => {
    expect(parsePatch(patch('@@ -a +b @@', '+x'))).toEqual([]);
  });
});

describe('fileDiffs', () => {
  const file = (path: string, status: string, p: string | null, previousPath: string | null = null): PullFile => ({
    path,
    previousPath,
    status,
    patch: p,
  });

  it('keys files by their head path, marks missing patches, keeps removed files without hunks', () => {
    const diffs = fileDiffs([
      file('src/new-name.ts', 'renamed', patch('@@ -3 +3 @@', '-a', '+b'), 'src/old-name.ts'),
      file('logo.png', 'added', null),
      file('gone.ts', 'removed', null),
      file('moved.ts', 'renamed', '', 'was.ts'),
    ]);
    expect([...diffs.keys()].sort()).toEqual(['gone.ts', 'logo.png', 'moved.ts', 'src/new-name.ts']);
    expect(plain(diffs.get('src/new-name.ts')!.hunks)).toEqual([{ start: 3, end: 3, added: [3] }]);
    expect(diffs.get('logo.png')).toEqual({ path: 'logo.png', hunks: [], patchMissing: true });
    expect(diffs.get('gone.ts')).toEqual({ path: 'gone.ts', hunks: [], patchMissing: false });
    expect(diffs.get('moved.ts')).toEqual({ path: 'moved.ts', hunks: [], patchMissing: false });
    expect(diffs.has('src/old-name.ts')).toBe(false);
  });

  it('never lets a removed entry replace a file with a head side under the same path', () => {
    const diffs = fileDiffs([file('a.ts', 'added', patch('@@ -0,0 +1 @@', '+x')), file('a.ts', 'removed', null)]);
    expect(diffs.get('a.ts')!.hunks).toHaveLength(1);
  });
});
