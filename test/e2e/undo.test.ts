import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseReport, runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { IDENTITY, SOURCE, repoWithRun } from '../helpers/run-repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

const hasBranch = (r: TempRepo, branch: string) => r.git('branch', '--list', branch).trim() !== '';
const undo = (r: TempRepo, ...args: string[]) => runCli(['undo', ...args, '-C', r.dir]);

describe('orchestrate undo', () => {
  it("deletes the run's branch, and leaves the user's tree alone", async () => {
    const { r, id, branch } = await repoWithRun();
    repo = r;
    repo.write('src/a.ts', `${SOURCE}// uncommitted\n`);
    const before = repo.snapshot();
    const result = await undo(repo, id);
    expect(result.exitCode).toBe(0);
    expect(hasBranch(repo, branch)).toBe(false);
    expect(repo.snapshot()).toBe(before);
    // Undone once: nothing is left to undo.
    expect((await undo(repo, id)).exitCode).toBe(2);
  });

  it('removes a worktree left behind (a crashed run) together with the branch; -C before the subcommand works too', async () => {
    const { r, id, branch } = await repoWithRun();
    repo = r;
    const worktree = path.join(repo.dir, '.git', 'orchestrate', 'worktrees', id);
    repo.git('worktree', 'add', '--quiet', worktree, branch);
    expect(repo.git('worktree', 'list')).toContain(worktree);
    const result = await runCli(['-C', repo.dir, 'undo', id]);
    expect(result.exitCode).toBe(0);
    expect(hasBranch(repo, branch)).toBe(false);
    expect(existsSync(worktree)).toBe(false);
    expect(repo.git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  it('refuses when the branch holds a commit the run did not make; --force deletes it', async () => {
    const { r, id, branch } = await repoWithRun();
    repo = r;
    repo.git('checkout', '--quiet', branch);
    repo.write('notes.md', 'mine\n');
    repo.git('add', 'notes.md');
    repo.git(...IDENTITY, 'commit', '--quiet', '-m', 'my own work on the run branch');
    repo.git('checkout', '--quiet', 'main');
    const tip = repo.git('rev-parse', branch);

    const refused = await undo(repo, id);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('E_USAGE');
    expect(repo.git('rev-parse', branch)).toBe(tip);

    expect((await undo(repo, id, '--force')).exitCode).toBe(0);
    expect(hasBranch(repo, branch)).toBe(false);
  });

  it('refuses when the branch was merged into the current branch; --force deletes it and keeps the merge', async () => {
    const { r, id, branch } = await repoWithRun();
    repo = r;
    repo.git(...IDENTITY, 'merge', '--quiet', '--no-edit', branch);
    const merged = repo.git('rev-parse', 'HEAD');

    const refused = await undo(repo, id);
    expect(refused.exitCode).toBe(2);
    expect(hasBranch(repo, branch)).toBe(true);

    expect((await undo(repo, id, '--force')).exitCode).toBe(0);
    expect(hasBranch(repo, branch)).toBe(false);
    expect(repo.git('rev-parse', 'HEAD')).toBe(merged);
    expect(repo.read('src/a.ts')).toContain('/**');
  });

  it('refuses, even with --force, while the branch is checked out', async () => {
    const { r, id, branch } = await repoWithRun();
    repo = r;
    repo.git('checkout', '--quiet', branch);
    for (const args of [[id], [id, '--force']]) {
      const result = await undo(repo, ...args);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('E_USAGE');
      expect(hasBranch(repo, branch)).toBe(true);
    }
  });

  it.each([['20990101-000000-beef'], ['../../etc'], ['a b']])(
    'an unknown or malformed run id (%j) is a usage error, exit 2',
    async (id) => {
      repo = makeRepo({ 'src/a.ts': SOURCE });
      const before = repo.snapshot();
      const result = await undo(repo, id);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('E_USAGE');
      expect(repo.snapshot()).toBe(before);
    },
  );
});
