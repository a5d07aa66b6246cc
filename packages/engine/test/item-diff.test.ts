// A job's unified diff, made from its edits: context, inserted doc comments, nearby edits in one hunk, new files, the cap.
import { describe, expect, it } from 'vitest';
import { MAX_ITEM_DIFF_CHARS } from '@orchestrate/core';
import { itemDiff } from '../src/job/item-diff.js';

const TEXT = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
const at = (line: number) => TEXT.indexOf(`line ${line}\n`);

describe('itemDiff', () => {
  it('shows an inserted doc comment as added lines between context lines', () => {
    const file = { path: 'src/a.ts', text: TEXT };
    const diff = itemDiff({ file, edits: [{ start: at(10), end: at(10), text: '/** Ten. */\n' }], newFiles: [] });
    expect(diff).toBe(
      '--- a/src/a.ts\n+++ b/src/a.ts\n@@ -7,7 +7,8 @@\n line 7\n line 8\n line 9\n+/** Ten. */\n line 10\n line 11\n line 12\n line 13\n',
    );
  });

  it('puts nearby edits in one hunk and far ones in two, and replaces lines', () => {
    const file = { path: 'a.ts', text: TEXT };
    const edits = [
      { start: at(2), end: at(3) - 1, text: 'two' },
      { start: at(4), end: at(4), text: '// four\n' },
      { start: at(18), end: at(19) - 1, text: 'eighteen' },
    ];
    const diff = itemDiff({ file, edits, newFiles: [] });
    expect(diff.match(/^@@/gm)).toHaveLength(2);
    expect(diff).toContain('@@ -1,7 +1,8 @@\n line 1\n-line 2\n+two\n line 3\n+// four\n line 4\n');
    expect(diff).toContain('-line 18\n+eighteen\n');
  });

  it('diffs a new file whole, and cuts a long diff at a line end', () => {
    const small = itemDiff({
      file: { path: 'a.ts', text: '' },
      edits: [],
      newFiles: [{ path: 't.test.ts', text: 'a\nb\n' }],
    });
    expect(small).toBe('--- /dev/null\n+++ b/t.test.ts\n@@ -0,0 +1,2 @@\n+a\n+b\n');
    const big = 'x'.repeat(100) + '\n';
    const long = itemDiff({
      file: { path: 'a', text: '' },
      edits: [],
      newFiles: [{ path: 'b', text: big.repeat(200) }],
    });
    expect(long.length).toBeLessThanOrEqual(MAX_ITEM_DIFF_CHARS);
    expect(long).toMatch(/diff cut/);
  });

  it('is empty when nothing changed', () => {
    expect(itemDiff({ file: { path: 'a', text: TEXT }, edits: [], newFiles: [] })).toBe('');
  });
});
