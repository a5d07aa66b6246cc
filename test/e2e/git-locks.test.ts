// End-to-end: git lock files and branch collisions through the real CLI. A lock git itself honours stops the run with
// a clear error; a lock orchestrate never needs (your index's) does not; the user's tree is unchanged either way.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { snapshotUserTree } from '../helpers/user-tree.js';
import { changedOn, cleanUpAfterEach, expectUntouched, run, sandbox } from './sandbox.js';

const FIXED_RUN_ID = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'fixed-run-id.mjs');

cleanUpAfterEach();

describe('git locks and branch collisions', () => {
  const SOURCE = {
    'src/a.ts': 'export function area(width: number, height: number): number {\n  return width * height;\n}\n',
  };

  it('a stale .git/index.lock does not stop a run or undo (they never use your index), and stays as it was', async () => {
    const { repo } = sandbox(SOURCE);
    repo.write('src/a.ts', `${SOURCE['src/a.ts']}// staged\n`);
    repo.git('add', 'src/a.ts');
    repo.write('notes.txt', 'untracked\n');
    const lock = path.join(repo.dir, '.git', 'index.lock');
    writeFileSync(lock, 'held by another git process\n');
    const before = snapshotUserTree(repo.dir);

    const { exitCode, stderr, report } = await run(repo, 'add docstrings');
    expect(exitCode, stderr).toBe(0);
    expect(report.status).toBe('completed');
    expect(changedOn(repo, report.branch)).toEqual(['src/a.ts']);
    expect(readFileSync(lock, 'utf8')).toBe('held by another git process\n');
    expectUntouched(repo, before, 'git-locks');

    const undo = await runCli(['undo', report.id, '-C', repo.dir]);
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect(repo.git('branch', '--list', report.branch).trim()).toBe('');
    expect(readFileSync(lock, 'utf8')).toBe('held by another git process\n');
    expectUntouched(repo, before, 'git-locks');
  });

  it('a ref lock that does block git (packed-refs.lock on undo) is E_GIT_LOCKED, exit 2, and changes nothing', async () => {
    const { repo } = sandbox(SOURCE);
    const { exitCode, stderr, report } = await run(repo, 'add docstrings');
    expect(exitCode, stderr).toBe(0);
    const lock = path.join(repo.dir, '.git', 'packed-refs.lock');
    writeFileSync(lock, '');
    const tip = repo.git('rev-parse', report.branch).trim();
    const before = snapshotUserTree(repo.dir);

    const undo = await runCli(['undo', report.id, '-C', repo.dir]);
    expect(undo.exitCode).toBe(2);
    expect(undo.stderr).toContain('[E_GIT_LOCKED]');
    expect(undo.stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
    expect(undo.stderr).toContain(lock);
    expect(undo.stderr).toMatch(/another git process/i);
    expect(undo.stderr).toMatch(/delete /i);
    expect(existsSync(lock)).toBe(true);
    expect(readFileSync(lock, 'utf8')).toBe('');
    expect(repo.git('rev-parse', report.branch).trim()).toBe(tip);
    expectUntouched(repo, before, 'git-locks');

    rmSync(lock); // what the message says to do when no git process is running
    const again = await runCli(['undo', report.id, '-C', repo.dir]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(repo.git('branch', '--list', report.branch).trim()).toBe('');
  });

  it('a branch orchestrate/<run-id> that already exists is E_BRANCH_EXISTS, exit 2, and nothing is created', async () => {
    const { repo } = sandbox(SOURCE);
    // Run ids are `<UTC second>-<2 random bytes>`: the preload fixes the random part, so taking the next two minutes of
    // ids makes the collision certain.
    const head = repo.git('rev-parse', 'HEAD').trim();
    const now = Date.now();
    const taken: string[] = [];
    for (let s = -5; s <= 120; s++) {
      const stamp = new Date(now + s * 1000).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
      taken.push(`orchestrate/${stamp}-beef`);
    }
    execFileSync('git', ['update-ref', '--stdin'], {
      cwd: repo.dir,
      input: taken.map((b) => `create refs/heads/${b} ${head}\n`).join(''),
    });
    const refsBefore = repo.git('for-each-ref');
    const before = snapshotUserTree(repo.dir);

    const result = await runCli(['-C', repo.dir, '--json', 'add docstrings'], {
      NODE_OPTIONS: `--import=${FIXED_RUN_ID}`,
      ORCHESTRATE_TEST_RUN_SUFFIX: 'beef',
    });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain('[E_BRANCH_EXISTS]');
    const error = JSON.parse(result.stdout).error;
    expect(error.code).toBe('E_BRANCH_EXISTS');
    const branch = /(orchestrate\/\d{8}-\d{6}-beef)/.exec(error.message)?.[1];
    expect(taken).toContain(branch);
    expect(error.message).toMatch(/delete/i);
    expect(repo.git('for-each-ref')).toBe(refsBefore);
    expect(repo.git('worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(existsSync(path.join(repo.dir, '.git', 'orchestrate', 'worktrees'))).toBe(false);
    expectUntouched(repo, before, 'git-locks');
  });
});
