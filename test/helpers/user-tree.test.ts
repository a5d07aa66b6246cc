import { appendFileSync, chmodSync, symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, type TempRepo } from './repo.js';
import { bytesChanged, changedParts, snapshotUserTree } from './user-tree.js';

const IDENTITY = ['-c', 'user.name=T', '-c', 'user.email=t@e'];

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

describe('snapshotUserTree / bytesChanged', () => {
  it('is stable when nothing changes, and ignores .git internals and .orchestrate/', () => {
    repo = makeRepo({ 'src/a.ts': 'export const a = 1;\n' });
    const before = snapshotUserTree(repo.dir);
    appendFileSync(path.join(repo.dir, '.git', 'info', 'exclude'), '/.orchestrate/\n'); // as a run does
    repo.write('.orchestrate/runs/x/report.json', '{}');
    repo.git('branch', 'other'); // refs are not the user's tree
    const after = snapshotUserTree(repo.dir);
    expect(changedParts(before, after)).toEqual([]);
    expect(bytesChanged(before, after)).toBe(0);
    expect(after.head).toMatch(/^[0-9a-f]{40}$/);
    expect(after.symbolicHead).toBe('refs/heads/main');
  });

  it.each([
    [
      'a working-tree edit',
      (r: TempRepo) => r.write('src/a.ts', 'export const a = 2;\n'),
      ['status', 'files:src/a.ts'],
    ],
    ['an untracked file', (r: TempRepo) => r.write('new.txt', 'x'), ['status', 'files:new.txt']],
    [
      'a staged change',
      (r: TempRepo) => {
        r.write('src/a.ts', 'export const a = 3;\n');
        r.git('add', 'src/a.ts');
      },
      ['status', 'staged', 'indexSha256', 'files:src/a.ts'],
    ],
    ['a new commit', (r: TempRepo) => r.git(...IDENTITY, 'commit', '--quiet', '--allow-empty', '-m', 'x'), ['head']],
    ['a branch switch', (r: TempRepo) => r.git('checkout', '--quiet', '-b', 'side'), ['symbolicHead']],
    [
      'a stash',
      (r: TempRepo) => {
        r.write('src/a.ts', 'export const a = 4;\n');
        r.git(...IDENTITY, 'stash', '--quiet');
      },
      ['indexSha256', 'stash'],
    ],
    ['a mode change', (r: TempRepo) => chmodSync(path.join(r.dir, 'src/a.ts'), 0o755), ['status', 'files:src/a.ts']],
    [
      'a symlink retargeted',
      (r: TempRepo) => {
        unlinkSync(path.join(r.dir, 'link'));
        symlinkSync('elsewhere', path.join(r.dir, 'link'));
      },
      ['status', 'files:link'],
    ],
  ] as const)('sees %s', (_name, change, parts) => {
    repo = makeRepo({ 'src/a.ts': 'export const a = 1;\n' });
    symlinkSync('src/a.ts', path.join(repo.dir, 'link'));
    repo.git('add', 'link');
    repo.git(...IDENTITY, 'commit', '--quiet', '-m', 'link');
    const before = snapshotUserTree(repo.dir);
    change(repo);
    const after = snapshotUserTree(repo.dir);
    expect(changedParts(before, after)).toEqual(expect.arrayContaining([...parts]));
    expect(bytesChanged(before, after)).toBeGreaterThan(0);
  });
});
