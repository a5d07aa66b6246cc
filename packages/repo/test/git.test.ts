import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempRepos } from '../../../test/helpers/repo.js';
import { GitError } from '@orchestrate/core';
import {
  addWorktree,
  branchExists,
  checkOutWorktree,
  commitFiles,
  currentBranch,
  ensureExcluded,
  findRepoRoot,
  git,
  gitBuffer,
  headCommit,
  isDirty,
  removeWorktree,
} from '../src/index.js';

const repos = tempRepos(afterEach);

/** A temp folder (no git), removed after the test. */
const tempDir = (): string => repos.make({}, { git: false, prefix: 'repo-git-' }).dir;

/** A temp repository; with `commit`, one commit holding src/a.ts. */
function makeRepo(commit = true) {
  const repo = repos.make(commit ? { 'src/a.ts': 'export const a = 1;\n' } : {}, { prefix: 'repo-git-' });
  return { dir: repo.dir, run: repo.git };
}

/** Calls `fn` and returns the `code` of what it throws (fails when it does not throw). */
async function codeOf(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  throw new Error('expected a rejection');
}

describe('findRepoRoot / headCommit', () => {
  it('finds the top level from a subdirectory', async () => {
    const { dir } = makeRepo();
    expect(await findRepoRoot(path.join(dir, 'src'))).toBe(dir);
  });

  it('rejects a directory outside any repository with E_NOT_GIT_REPO', async () => {
    expect(await codeOf(() => findRepoRoot(tempDir()))).toBe('E_NOT_GIT_REPO');
  });

  it('rejects a missing directory with E_USAGE', async () => {
    expect(await codeOf(() => findRepoRoot(path.join(tempDir(), 'does-not-exist')))).toBe('E_USAGE');
  });

  it('returns the HEAD commit, and E_NO_COMMITS in a repository without commits', async () => {
    const { dir, run } = makeRepo();
    expect(await headCommit(dir)).toBe(run('rev-parse', 'HEAD').trim());
    expect(await codeOf(() => headCommit(makeRepo(false).dir))).toBe('E_NO_COMMITS');
  });

  it('reports a failed git command as E_GIT', async () => {
    expect(await codeOf(() => git(makeRepo().dir, ['rev-parse', '--verify', '--quiet', 'no-such-ref']))).toBe('E_GIT');
  });

  it('runs git with stdin closed unless given input, and hands input and binary output through unchanged', async () => {
    const { dir } = makeRepo();
    // A command that reads stdin gets end-of-file at once instead of waiting on the terminal.
    expect((await git(dir, ['hash-object', '--stdin'])).trim()).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13, 0]);
    writeFileSync(path.join(dir, 'blob.bin'), bytes);
    const sha = (await git(dir, ['hash-object', '-w', 'blob.bin'])).trim();
    expect(await gitBuffer(dir, ['cat-file', 'blob', sha])).toEqual(bytes);
    expect(await git(dir, ['hash-object', '--stdin'], 'héllo\n')).toBe(
      `${execFileSync('git', ['hash-object', '--stdin'], { cwd: dir, input: 'héllo\n', encoding: 'utf8' })}`,
    );
  });

  it("hands the user's GIT_* variables to git, keeps the exit code of a silent failure, and prints no warning", async () => {
    const { dir } = makeRepo();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    Object.assign(process.env, {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'orchestrate.probe',
      GIT_CONFIG_VALUE_0: 'yes',
    });
    try {
      expect((await git(dir, ['config', 'orchestrate.probe'])).trim()).toBe('yes');
      expect(
        (await git(dir, ['-c', 'core.hooksPath=/dev/null', '-c', 'commit.gpgsign=false', 'rev-parse', 'HEAD'])).trim(),
      ).toMatch(/^[0-9a-f]{40}$/);
      const silent = await git(dir, ['config', 'no.such-key']).catch((e: unknown) => e);
      expect(silent).toMatchObject({ code: 'E_GIT', exitCode: 1, stderr: '' });
    } finally {
      for (const key of ['GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0']) delete process.env[key];
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('reports a git that cannot be started as E_GIT with the reason, not a crash', async () => {
    const { dir } = makeRepo();
    const saved = process.env.PATH;
    process.env.PATH = path.join(dir, 'no-such-bin');
    try {
      const err = await git(dir, ['status']).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(GitError);
      expect((err as GitError).exitCode).toBe(-1);
      expect((err as GitError).stderr).toMatch(/^git could not be run: .*ENOENT/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('reports a lock file in the way as E_GIT_LOCKED, a user-facing error naming the lock and what to do', async () => {
    const { dir, run } = makeRepo();
    run('branch', 'doomed');
    const lock = path.join(dir, '.git', 'packed-refs.lock');
    writeFileSync(lock, '');
    const error = await git(dir, ['-c', 'core.x=1', 'branch', '-D', 'doomed']).then(
      () => null,
      (e: unknown) => e as GitError,
    );
    expect(error).toBeInstanceOf(GitError);
    expect(error).toMatchObject({ code: 'E_GIT_LOCKED', userFacing: true, lockFile: lock, exitCode: 1 });
    expect(error!.message).toMatch(/^git branch could not lock the repository: another git process/);
    expect(error!.message).toContain(`delete ${lock}`);
    expect(readFileSync(lock, 'utf8')).toBe('');
    expect(run('branch', '--list', 'doomed').trim()).toBe('doomed');
    // Any other failure stays an internal E_GIT.
    rmSync(lock);
    const other = await git(dir, ['branch', '-D', 'no-such-branch']).catch((e: unknown) => e as GitError);
    expect(other).toMatchObject({ code: 'E_GIT', userFacing: false, lockFile: null });
  });
});

describe('branches and status', () => {
  it('reports the current branch, detached HEAD and dirtiness (tracked files only)', async () => {
    const { dir, run } = makeRepo();
    expect(await currentBranch(dir)).toBe('main');
    expect(await isDirty(dir)).toBe(false);
    writeFileSync(path.join(dir, 'untracked.ts'), 'x');
    expect(await isDirty(dir)).toBe(false);
    writeFileSync(path.join(dir, 'src/a.ts'), 'changed');
    expect(await isDirty(dir)).toBe(true);
    run('checkout', '--quiet', '--detach');
    expect(await currentBranch(dir)).toBeNull();
    expect(await branchExists(dir, 'main')).toBe(true);
    expect(await branchExists(dir, 'nope')).toBe(false);
  });
});

describe('addWorktree / commitFiles', () => {
  /** Everything of the user's that a run must not touch. */
  function userState(dir: string, run: (...a: string[]) => string) {
    return {
      index: readFileSync(path.join(dir, '.git/index')).toString('base64'),
      status: run('--no-optional-locks', 'status', '--porcelain', '--untracked-files=all'), // never refreshes the index
      head: run('rev-parse', 'HEAD'),
      branch: run('symbolic-ref', 'HEAD'),
      file: readFileSync(path.join(dir, 'src/a.ts'), 'utf8'),
    };
  }

  async function commitInWorktree(dir: string, run: (...a: string[]) => string) {
    const base = run('rev-parse', 'HEAD').trim();
    const wt = path.join(dir, '.orchestrate', 'runs', 'r1', 'worktree');
    await addWorktree(dir, wt, 'orchestrate/r1', base);
    writeFileSync(path.join(wt, 'src/a.ts'), '/** A. */\nexport const a = 1;\n');
    const sha = await commitFiles(wt, ['src/a.ts'], 'docs: add a doc comment\n\nBody line.\n');
    return { base, wt, sha };
  }

  it('commits on the new branch without touching the main working tree, index or HEAD', async () => {
    const { dir, run } = makeRepo();
    writeFileSync(path.join(dir, 'src/a.ts'), 'export const a = "user edit";\n'); // the user has work in progress
    writeFileSync(path.join(dir, 'notes.txt'), 'untracked\n');
    await ensureExcluded(dir);
    const before = userState(dir, run);
    const { base, sha } = await commitInWorktree(dir, run);
    expect(userState(dir, run)).toEqual(before);
    expect(run('rev-parse', 'orchestrate/r1').trim()).toBe(sha);
    expect(run('rev-parse', `${sha}^`).trim()).toBe(base);
    expect(run('show', `${sha}:src/a.ts`)).toBe('/** A. */\nexport const a = 1;\n');
    expect(run('log', '-1', '--format=%B', sha).trim()).toBe('docs: add a doc comment\n\nBody line.');
    expect(run('diff', '--name-only', base, sha).trim()).toBe('src/a.ts');
  });

  it("uses the repository's identity when it has one", async () => {
    const { dir, run } = makeRepo();
    run('config', 'user.name', 'Repo Person');
    run('config', 'user.email', 'repo@example.com');
    const { sha } = await commitInWorktree(dir, run);
    expect(run('log', '-1', '--format=%an <%ae>', sha).trim()).toBe('Repo Person <repo@example.com>');
  });

  it('commits when no git identity is configured anywhere', async () => {
    const { dir, run } = makeRepo();
    const home = tempDir();
    // No global/system config, no identity variables, and git may not guess one from the host name.
    const set = {
      HOME: home,
      XDG_CONFIG_HOME: home,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'user.useConfigOnly',
      GIT_CONFIG_VALUE_0: 'true',
    };
    const unset = [
      'GIT_CONFIG_GLOBAL',
      'GIT_AUTHOR_NAME',
      'GIT_AUTHOR_EMAIL',
      'GIT_COMMITTER_NAME',
      'GIT_COMMITTER_EMAIL',
      'EMAIL',
    ];
    const saved = [...Object.keys(set), ...unset].map((k) => [k, process.env[k]] as const);
    Object.assign(process.env, set);
    for (const k of unset) delete process.env[k];
    try {
      // Make sure the test really has no identity: a plain commit must fail here.
      expect(() => run('commit', '--allow-empty', '--quiet', '-m', 'x')).toThrow();
      const { sha } = await commitInWorktree(dir, run);
      expect(run('rev-parse', 'orchestrate/r1').trim()).toBe(sha);
      expect(run('log', '-1', '--format=%ae', sha).trim()).not.toBe('');
    } finally {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('refuses a branch that already exists with E_BRANCH_EXISTS, creating nothing', async () => {
    const { dir, run } = makeRepo();
    run('branch', 'orchestrate/taken');
    const wt = path.join(dir, '.orchestrate', 'wt');
    expect(await codeOf(() => addWorktree(dir, wt, 'orchestrate/taken', 'HEAD'))).toBe('E_BRANCH_EXISTS');
    expect(await codeOf(() => addWorktree(dir, wt, 'main', 'HEAD'))).toBe('E_BRANCH_EXISTS');
    expect(existsSync(wt)).toBe(false);
    expect(run('worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
  });

  it('makes a worktree without its files (checkout: false): a commit is the base plus the staged files; checkOutWorktree writes them', async () => {
    const { dir, run } = makeRepo();
    mkdirSync(path.join(dir, 'lib/deep'), { recursive: true });
    writeFileSync(path.join(dir, 'lib/deep/b.ts'), 'export const b = 2;\n');
    writeFileSync(path.join(dir, 'README.md'), '# r\n');
    run('add', '-A');
    run('-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '--quiet', '-m', 'more');
    const base = run('rev-parse', 'HEAD').trim();
    const before = userState(dir, run);
    const wt = path.join(dir, '.git', 'orchestrate', 'worktrees', 'r2');
    await addWorktree(dir, wt, 'orchestrate/r2', base, { checkout: false });
    expect(existsSync(path.join(wt, 'src'))).toBe(false);
    expect(existsSync(path.join(wt, 'README.md'))).toBe(false);
    mkdirSync(path.join(wt, 'lib/deep'), { recursive: true });
    writeFileSync(path.join(wt, 'lib/deep/b.ts'), '/** B. */\nexport const b = 2;\n');
    const sha = await commitFiles(wt, ['lib/deep/b.ts'], 'docs: b\n');
    // Only the staged file changed; every other file of the base is in the commit as it was.
    expect(run('diff', '--name-status', base, sha).trim()).toBe('M\tlib/deep/b.ts');
    expect(run('ls-tree', '-r', '--name-only', sha).trim().split('\n').sort()).toEqual([
      'README.md',
      'lib/deep/b.ts',
      'src/a.ts',
    ]);
    expect(run('show', `${sha}:lib/deep/b.ts`)).toBe('/** B. */\nexport const b = 2;\n');
    expect(userState(dir, run)).toEqual(before);
    // Checked out later, the tree holds every file of the index (the commit), with clean status.
    await checkOutWorktree(wt);
    expect(readFileSync(path.join(wt, 'src/a.ts'), 'utf8')).toBe('export const a = 1;\n');
    expect(readFileSync(path.join(wt, 'README.md'), 'utf8')).toBe('# r\n');
    expect(readFileSync(path.join(wt, 'lib/deep/b.ts'), 'utf8')).toBe('/** B. */\nexport const b = 2;\n');
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: wt, encoding: 'utf8' })).toBe('');
    await removeWorktree(dir, wt);
  });

  it('removes a worktree but keeps its branch', async () => {
    const { dir, run } = makeRepo();
    const { wt, sha } = await commitInWorktree(dir, run);
    await removeWorktree(dir, wt);
    expect(existsSync(wt)).toBe(false);
    expect(run('rev-parse', 'orchestrate/r1').trim()).toBe(sha);
  });
});

describe('ensureExcluded', () => {
  const exclude = (dir: string) => readFileSync(path.join(dir, '.git/info/exclude'), 'utf8');
  const count = (text: string) => text.split('\n').filter((l) => l === '/.orchestrate/').length;

  it('adds /.orchestrate/ to .git/info/exclude once and never touches .gitignore', async () => {
    const { dir, run } = makeRepo();
    const original = exclude(dir);
    await ensureExcluded(dir);
    await ensureExcluded(dir);
    const after = exclude(dir);
    expect(count(after)).toBe(1);
    expect(after.startsWith(original)).toBe(true);
    expect(existsSync(path.join(dir, '.gitignore'))).toBe(false);
    mkdirSync(path.join(dir, '.orchestrate'));
    writeFileSync(path.join(dir, '.orchestrate/state.json'), '{}');
    expect(run('status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('keeps an existing .gitignore byte for byte', async () => {
    const { dir } = makeRepo();
    writeFileSync(path.join(dir, '.gitignore'), 'dist\n');
    await ensureExcluded(dir);
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('dist\n');
    expect(count(exclude(dir))).toBe(1);
  });

  it('starts the entry on its own line when the file lacks a final newline or is missing', async () => {
    const { dir } = makeRepo();
    writeFileSync(path.join(dir, '.git/info/exclude'), '*.log');
    await ensureExcluded(dir);
    expect(exclude(dir)).toBe('*.log\n/.orchestrate/\n');
    rmSync(path.join(dir, '.git/info'), { recursive: true });
    await ensureExcluded(dir);
    expect(exclude(dir)).toBe('/.orchestrate/\n');
  });

  it('writes to the common git dir when called from a linked worktree', async () => {
    const { dir, run } = makeRepo();
    const wt = path.join(tempDir(), 'wt');
    await addWorktree(dir, wt, 'side', 'HEAD');
    await ensureExcluded(wt);
    await ensureExcluded(dir);
    expect(count(exclude(dir))).toBe(1);
    expect(run('status', '--porcelain')).toBe('');
  });
});
