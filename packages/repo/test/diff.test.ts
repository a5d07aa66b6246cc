import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempRepos } from '../../../test/helpers/repo.js';
import { changedLines, defaultBranch, mergeBase, parseUnifiedDiff } from '../src/index.js';

const repos = tempRepos(afterEach);

/** A temp repository on `branch` with helpers to write, remove and commit files. */
/** An empty temp repository on `branch`, with helpers to write, commit and remove files. */
function makeRepo(branch = 'main') {
  const repo = repos.make({}, { branch, prefix: 'repo-diff-' });
  return { dir: repo.dir, run: repo.git, write: repo.write, commit: repo.commit, remove: repo.remove };
}

const numbered = (n: number, prefix = 'line') => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);
const text = (lines: string[]) => lines.join('\n') + '\n';
const asObject = (m: Map<string, unknown>) =>
  Object.fromEntries([...m.entries()].sort(([a], [b]) => a.localeCompare(b)));

describe('parseUnifiedDiff', () => {
  it('reads new-side ranges from hunk headers, with omitted counts meaning 1 and pure deletions giving nothing', () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts',
      'index 1111111..2222222 100644',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -2 +2 @@ export const a = 1;',
      '-old',
      '+new',
      '@@ -5,0 +6,3 @@',
      '+x',
      '+y',
      '+z',
      '@@ -10,2 +12,0 @@',
      '-gone',
      '-gone too',
      '',
    ].join('\n');
    expect(asObject(parseUnifiedDiff(diff))).toEqual({
      'src/a.ts': [
        { start: 2, end: 2 },
        { start: 6, end: 8 },
      ],
    });
  });

  it('never takes an added line that looks like a header for one', () => {
    const diff = [
      'diff --git a/a.txt b/a.txt',
      '--- a/a.txt',
      '+++ b/a.txt',
      '@@ -1,0 +1,3 @@',
      '+++ b/evil.txt',
      '+@@ -1 +100,5 @@',
      '+diff --git a/x b/x',
      '\\ No newline at end of file',
      '',
    ].join('\n');
    expect(asObject(parseUnifiedDiff(diff))).toEqual({ 'a.txt': [{ start: 1, end: 3 }] });
  });

  it('leaves out deleted files and unquotes C-quoted and tab-terminated names', () => {
    const diff = [
      'diff --git a/old.ts b/old.ts',
      'deleted file mode 100644',
      '--- a/old.ts',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
      '-a',
      '-b',
      'diff --git "a/q\\"t\\303\\251.ts" "b/q\\"t\\303\\251.ts"',
      '--- "a/q\\"t\\303\\251.ts"',
      '+++ "b/q\\"t\\303\\251.ts"',
      '@@ -0,0 +1 @@',
      '+x',
      'diff --git a/my file.ts b/my file.ts',
      '--- a/my file.ts\t',
      '+++ b/my file.ts\t',
      '@@ -1 +1 @@',
      '-a',
      '+b',
      '',
    ].join('\n');
    expect(asObject(parseUnifiedDiff(diff))).toEqual({
      'my file.ts': [{ start: 1, end: 1 }],
      'q"té.ts': [{ start: 1, end: 1 }],
    });
  });
});

describe('changedLines', () => {
  it('maps each changed file at head to its added and modified lines; renames use the new path', async () => {
    const r = makeRepo();
    r.write('src/a.ts', text(numbered(10)));
    r.write('src/gone.ts', text(numbered(3)));
    r.write('src/old-name.ts', text(numbered(20, 'stable content')));
    r.write('src/same.ts', text(numbered(3)));
    r.write('src/moved.ts', text(numbered(5)));
    const base = r.commit('base');
    const a = numbered(10);
    a[1] = 'changed 2';
    a.splice(4, 2, 'changed 5', 'changed 6', 'inserted 7');
    a.splice(9, 1); // was line 9 before the insert: a pure deletion
    r.write('src/a.ts', text(a));
    r.remove('src/gone.ts');
    r.remove('src/old-name.ts');
    const renamed = numbered(20, 'stable content');
    renamed[9] = 'edited after the rename';
    r.write('src/new-name.ts', text(renamed));
    r.remove('src/moved.ts');
    r.write('lib/moved.ts', text(numbered(5))); // a pure rename: no new-side lines
    r.write('src/added file.ts', text(numbered(3, 'fresh')));
    const head = r.commit('head');

    const changed = await changedLines(r.dir, base, head);
    expect(asObject(changed)).toEqual({
      'src/a.ts': [
        { start: 2, end: 2 },
        { start: 5, end: 7 },
      ],
      'src/new-name.ts': [{ start: 10, end: 10 }],
      'src/added file.ts': [{ start: 1, end: 3 }],
    });
  });

  it('is not changed by the user’s diff configuration (no prefix on a `b/` directory, external diff, textconv, relative)', async () => {
    const r = makeRepo();
    r.write('b/a.ts', text(numbered(3)));
    const base = r.commit('base');
    r.write('b/a.ts', text(['line 1', 'two', 'line 3']));
    const head = r.commit('head');
    r.run('config', 'diff.noprefix', 'true');
    r.run('config', 'diff.mnemonicPrefix', 'true');
    r.run('config', 'diff.external', 'false');
    r.run('config', 'diff.relative', 'true');
    r.run('config', 'diff.ts.textconv', 'sed s/^/X/');
    r.write('.gitattributes', '*.ts diff=ts\n');
    expect(asObject(await changedLines(r.dir, base, head))).toEqual({ 'b/a.ts': [{ start: 2, end: 2 }] });
  });

  it('never reads a revision as an option', async () => {
    const r = makeRepo();
    r.write('a.ts', 'x\n');
    r.commit('base');
    const target = path.join(r.dir, 'written-by-git.txt');
    await expect(changedLines(r.dir, `--output=${target}`, 'HEAD')).rejects.toMatchObject({ code: 'E_GIT' });
    expect(existsSync(target)).toBe(false);
  });
});

describe('mergeBase', () => {
  it('finds the fork point of a branch', async () => {
    const r = makeRepo();
    r.write('a.ts', '1\n');
    const fork = r.commit('fork');
    r.run('checkout', '--quiet', '-b', 'feature');
    r.write('a.ts', '2\n');
    r.commit('feature work');
    r.run('checkout', '--quiet', 'main');
    r.write('b.ts', '3\n');
    r.commit('main work');
    expect(await mergeBase(r.dir, 'main', 'feature')).toBe(fork);
  });

  it('returns null for unrelated histories and throws E_GIT for an unknown revision', async () => {
    const r = makeRepo();
    r.write('a.ts', '1\n');
    r.commit('one');
    r.run('checkout', '--quiet', '--orphan', 'other');
    r.write('b.ts', '2\n');
    r.commit('unrelated');
    expect(await mergeBase(r.dir, 'main', 'other')).toBeNull();
    await expect(mergeBase(r.dir, 'main', 'no-such-branch')).rejects.toMatchObject({ code: 'E_GIT' });
  });
});

describe('defaultBranch', () => {
  it('prefers what origin/HEAD points at', async () => {
    const r = makeRepo();
    r.commit('one');
    r.run('update-ref', 'refs/remotes/origin/develop', 'HEAD');
    r.run('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/develop');
    expect(await defaultBranch(r.dir)).toBe('origin/develop');
  });

  it('falls back to main when origin/HEAD is dangling, then to master, else null', async () => {
    const withMain = makeRepo('main');
    withMain.commit('one');
    withMain.run('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/gone');
    expect(await defaultBranch(withMain.dir)).toBe('main');

    const withMaster = makeRepo('master');
    withMaster.commit('one');
    expect(await defaultBranch(withMaster.dir)).toBe('master');

    const neither = makeRepo('trunk');
    neither.commit('one');
    expect(await defaultBranch(neither.dir)).toBeNull();
  });
});
