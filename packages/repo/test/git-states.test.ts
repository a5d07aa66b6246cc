// Odd git states a run must meet before it spends anything: refs that block the run branch, a worktree folder that is
// taken, a repository git refuses as someone else's, line-ending settings that would rewrite a file, and where run
// worktrees live.
import { chownSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempRepos } from '../../../test/helpers/repo.js';
import {
  addWorktree,
  commitFiles,
  findRepoRoot,
  gitFailure,
  preflightRun,
  removeWorktree,
  runWorktreeCandidates,
  runWorktreeDir,
  worktreesHome,
} from '../src/index.js';

const repos = tempRepos(afterEach);

/** A temp folder (no git), removed after the test. */
const tempDir = (): string => repos.make({}, { git: false, prefix: 'repo-states-' }).dir;

const IDENTITY = ['-c', 'user.name=T', '-c', 'user.email=t@e'];

/** A temp repository with `files` committed; `config` is set after the first commit, as a user who turns it on later would. */
function makeRepo(
  files: Record<string, string> = { 'src/a.ts': 'export const a = 1;\n' },
  config: Array<[string, string]> = [],
) {
  const repo = repos.make(files, { prefix: 'repo-states-', config });
  return { dir: repo.dir, run: repo.git };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => e.code ?? String(e),
  );

describe('preflightRun: what the run branch and worktree need, checked before any model call', () => {
  it('a branch named `orchestrate` blocks orchestrate/<id>: E_BRANCH_BLOCKED naming the rename, nothing created', async () => {
    const { dir, run } = makeRepo();
    run('branch', 'orchestrate');
    const worktree = path.join(tempDir(), 'wt');
    const err = await preflightRun(dir, { branch: 'orchestrate/20260101-000000-abcd', worktree }).catch(
      (e: Error & { code: string }) => e,
    );
    expect(err).toMatchObject({ code: 'E_BRANCH_BLOCKED', userFacing: true });
    expect((err as Error).message).toContain('git branch -m orchestrate');
    expect(run('for-each-ref', '--format=%(refname)').trim().split('\n').sort()).toEqual([
      'refs/heads/main',
      'refs/heads/orchestrate',
    ]);
  });

  it('a ref inside the branch name, an invalid name and an existing branch each have their code', async () => {
    const { dir, run } = makeRepo();
    const worktree = path.join(tempDir(), 'wt');
    run('branch', 'orchestrate/r1/x');
    expect(await codeOf(preflightRun(dir, { branch: 'orchestrate/r1', worktree }))).toBe('E_BRANCH_BLOCKED');
    expect(await codeOf(preflightRun(dir, { branch: 'orchestrate/bad..id', worktree }))).toBe('E_BRANCH_BLOCKED');
    run('branch', 'orchestrate/r2');
    expect(await codeOf(preflightRun(dir, { branch: 'orchestrate/r2', worktree }))).toBe('E_BRANCH_EXISTS');
    expect(await codeOf(preflightRun(dir, { branch: 'orchestrate/r3', worktree }))).toBe('resolved');
  });

  it('a worktree folder that is taken is E_WORKTREE_BLOCKED; a detached HEAD is fine', async () => {
    const { dir, run } = makeRepo();
    run('checkout', '--quiet', '--detach');
    const worktree = path.join(tempDir(), 'wt');
    expect(await codeOf(preflightRun(dir, { branch: 'orchestrate/r1', worktree }))).toBe('resolved');
    mkdirSync(worktree);
    expect(await codeOf(preflightRun(dir, { branch: 'orchestrate/r1', worktree }))).toBe('resolved');
    writeFileSync(path.join(worktree, 'left-over'), '');
    expect(await codeOf(preflightRun(dir, { branch: 'orchestrate/r1', worktree }))).toBe('E_WORKTREE_BLOCKED');
  });
});

describe('a repository git refuses as owned by someone else (safe.directory)', () => {
  it("maps git's dubious-ownership refusal to E_UNSAFE_REPO with the safe.directory command", () => {
    const stderr =
      "fatal: detected dubious ownership in repository at '/srv/app'\nTo add an exception for this directory, call:\n\n\tgit config --global --add safe.directory /srv/app\n";
    const err = gitFailure(['rev-parse', '--show-toplevel'], 128, stderr);
    expect(err).toMatchObject({ code: 'E_UNSAFE_REPO', userFacing: true });
    expect(err.message).toContain('git config --global --add safe.directory /srv/app');
    expect(gitFailure(['status'], 128, 'fatal: something else\n')).toMatchObject({ code: 'E_GIT' });
  });

  it.runIf(process.getuid?.() === 0)(
    'a real repository owned by another uid is E_UNSAFE_REPO, not E_NOT_GIT_REPO (as root)',
    async () => {
      const { dir } = makeRepo();
      const chownAll = (p: string) => {
        chownSync(p, 4242, 4242);
        if (statSync(p).isDirectory()) for (const e of readdirSync(p)) chownAll(path.join(p, e));
      };
      chownAll(dir);
      const err = await findRepoRoot(dir).catch((e: Error & { code: string }) => e);
      expect(err).toMatchObject({ code: 'E_UNSAFE_REPO' });
      expect((err as Error).message).toContain(`safe.directory ${dir}`);
    },
  );
});

describe('line endings: a commit holds only the edit', () => {
  const LF = 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\n';

  async function editAndCommit(dir: string, run: (...a: string[]) => string, file: string, text: string) {
    const base = run('rev-parse', 'HEAD').trim();
    const wt = path.join(tempDir(), 'wt');
    await addWorktree(dir, wt, 'orchestrate/r1', base, { checkout: false });
    mkdirSync(path.dirname(path.join(wt, file)), { recursive: true });
    writeFileSync(path.join(wt, file), text);
    const sha = await commitFiles(wt, [file], 'docs: a\n');
    await removeWorktree(dir, wt);
    return { base, sha };
  }

  it('core.autocrlf=true with core.safecrlf=true (LF in the repository): the edit is committed, LF kept', async () => {
    const { dir, run } = makeRepo({ 'src/a.ts': LF }, [
      ['core.autocrlf', 'true'],
      ['core.safecrlf', 'true'],
    ]);
    const { base, sha } = await editAndCommit(dir, run, 'src/a.ts', `/** A. */\n${LF}`);
    expect(run('show', `${sha}:src/a.ts`)).toBe(`/** A. */\n${LF}`);
    expect(run('diff', '--numstat', base, sha).trim()).toBe('1\t0\tsrc/a.ts');
  });

  it('a CRLF file under `* text=auto` (committed before the attribute): not renormalized, only the edit', async () => {
    const crlf = LF.replace(/\n/g, '\r\n');
    const { dir, run } = makeRepo({ 'src/a.ts': crlf });
    writeFileSync(path.join(dir, '.gitattributes'), '* text=auto\n');
    run('add', '.gitattributes');
    run(...IDENTITY, 'commit', '--quiet', '-m', 'attributes');
    const { base, sha } = await editAndCommit(dir, run, 'src/a.ts', `/** A. */\r\n${crlf}`);
    expect(run('diff', '--numstat', base, sha).trim()).toBe('1\t0\tsrc/a.ts');
  });

  it('keeps an executable file executable', async () => {
    const { dir, run } = makeRepo({ 'bin/run.sh': '#!/bin/sh\necho hi\n' });
    run('update-index', '--chmod=+x', 'bin/run.sh');
    run(...IDENTITY, 'commit', '--quiet', '-m', 'x');
    const { sha } = await editAndCommit(dir, run, 'bin/run.sh', '#!/bin/sh\n# says hi\necho hi\n');
    expect(run('ls-tree', sha, 'bin/run.sh')).toMatch(/^100755 /);
  });
});

describe('where run worktrees live', () => {
  it('outside the repository and outside .git/, one folder per repository, found again by resume and undo', async () => {
    const { dir, run } = makeRepo();
    const home = tempDir();
    const env = { ORCHESTRATE_WORKTREES: home };
    expect(worktreesHome(env)).toBe(home);
    expect(worktreesHome({ XDG_CACHE_HOME: '/c' })).toBe(path.join('/c', 'orchestrate', 'worktrees'));
    const wt = await runWorktreeDir(dir, 'r1');
    expect(wt.startsWith(dir + path.sep)).toBe(false);
    expect(wt).not.toMatch(/[/\\]\.git[/\\]/);
    expect(path.basename(wt)).toBe('r1');
    const other = makeRepo();
    expect(path.dirname(await runWorktreeDir(other.dir, 'r1'))).not.toBe(path.dirname(wt));
    // A cache folder inside the repository (HOME is the checkout) never puts the worktree in the user's tree.
    const inRepo = await runWorktreeDir(dir, 'r1', { XDG_CACHE_HOME: path.join(dir, '.cache') });
    expect(path.relative(dir, inRepo).startsWith('..')).toBe(true);
    // A worktree made under another home is still found by its branch; the user's own worktree on the branch is not.
    const elsewhere = path.join(await runWorktreeDir(dir, 'r1', env));
    await addWorktree(dir, elsewhere, 'orchestrate/r1', 'HEAD', { checkout: false });
    expect(await runWorktreeCandidates(dir, 'r1')).toContain(elsewhere);
    await removeWorktree(dir, elsewhere);
    const users = path.join(tempDir(), 'mine');
    run('worktree', 'add', '--quiet', users, 'orchestrate/r1');
    expect(await runWorktreeCandidates(dir, 'r1')).not.toContain(users);
  });
});

describe('removeWorktree: nothing is left in the worktrees folder', () => {
  it("removes the repository's folder once its last run worktree is gone, and keeps it while another is there", async () => {
    const { dir } = makeRepo();
    const env = { ORCHESTRATE_WORKTREES: tempDir() };
    const first = await runWorktreeDir(dir, 'r1', env);
    const second = await runWorktreeDir(dir, 'r2', env);
    await addWorktree(dir, first, 'orchestrate/r1', 'HEAD', { checkout: false });
    await addWorktree(dir, second, 'orchestrate/r2', 'HEAD', { checkout: false });
    await removeWorktree(dir, first);
    expect(existsSync(first)).toBe(false);
    expect(existsSync(second)).toBe(true);
    await removeWorktree(dir, second);
    expect(existsSync(path.dirname(second))).toBe(false);
    expect(readdirSync(env.ORCHESTRATE_WORKTREES)).toEqual([]);
  });
});
