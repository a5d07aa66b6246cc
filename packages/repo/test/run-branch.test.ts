import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  deleteRunBranch,
  foreignRunCommits,
  isShallowClone,
  mergedIntoHead,
  resolveCommit,
  runBranch,
  showFileAt,
  trackedPathsAt,
  worktreesOnBranch,
} from '../src/index.js';

const cleanups: string[] = [];
afterEach(() => {
  for (const d of cleanups.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp repository with one commit on main (src/a.ts) and a run branch with one run commit and one foreign one. */
function makeRepo() {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'repo-run-branch-')));
  cleanups.push(dir);
  const run = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  run('init', '--quiet', '--initial-branch=main');
  run('config', 'user.name', 't');
  run('config', 'user.email', 't@t');
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src/a.ts'), 'export const a = 1;\n');
  run('add', '-A');
  run('commit', '--quiet', '-m', 'init');
  const base = run('rev-parse', 'HEAD');
  run('switch', '--quiet', '-c', runBranch('r1'));
  run('commit', '--quiet', '--allow-empty', '-m', 'docs\n\nOrchestrate-Run: r1');
  run('commit', '--quiet', '--allow-empty', '-m', 'mine');
  const tip = run('rev-parse', 'HEAD');
  run('switch', '--quiet', 'main');
  return { dir, base, tip };
}

describe('run-branch helpers', () => {
  it('names the branch, resolves refs and reads files at a commit', async () => {
    const { dir, base, tip } = makeRepo();
    expect(runBranch('r1')).toBe('orchestrate/r1');
    expect(await resolveCommit(dir, 'HEAD')).toBe(base);
    expect(await resolveCommit(dir, runBranch('r1'))).toBe(tip);
    expect(await resolveCommit(dir, 'no-such-ref')).toBeNull();
    expect(await showFileAt(dir, base, 'src/a.ts')).toBe('export const a = 1;\n');
    expect(await showFileAt(dir, base, 'src/missing.ts')).toBeNull();
    expect(await trackedPathsAt(dir, base)).toEqual(['src/a.ts']);
    expect(await isShallowClone(dir)).toBe(false);
  });

  it('finds the commits the run did not make, merges and checkouts, and deletes the branch', async () => {
    const { dir, base, tip } = makeRepo();
    expect(await foreignRunCommits(dir, 'r1', base)).toEqual([tip]);
    expect(await foreignRunCommits(dir, 'r1', null)).toHaveLength(2);
    expect(await mergedIntoHead(dir, runBranch('r1'))).toBe(false);
    expect(await worktreesOnBranch(dir, runBranch('r1'))).toEqual([]);
    expect(await worktreesOnBranch(dir, 'main')).toEqual([dir]);
    await deleteRunBranch(dir, runBranch('r1'));
    expect(await resolveCommit(dir, runBranch('r1'))).toBeNull();
    await expect(deleteRunBranch(dir, runBranch('r1'))).rejects.toThrow();
  });
});
