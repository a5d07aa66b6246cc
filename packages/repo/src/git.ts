import { existsSync } from 'node:fs';
import { access, appendFile, mkdir, readFile, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { simpleGit } from 'simple-git';
import { EnvironmentError, GitError, UsageError, WorkingTreeError } from '@orchestrate/core';

/** Identity used for run commits when the repository has none configured. */
const FALLBACK_IDENTITY = ['-c', 'user.name=orchestrate', '-c', 'user.email=orchestrate@localhost'];

/** What one git process did. */
interface GitResult {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

/** The most output one git command may print (file contents come through `gitBuffer`). */
const MAX_OUTPUT = 1024 * 1024 * 1024;
const NOTHING = Buffer.alloc(0);
/** simple-git's guards that `allowConfig` / `allowEnvironment` do not open (flags, `GIT_CONFIG_PARAMETERS`). */
const OUR_OWN_ARGUMENTS = {
  allowUnsafeConfigEnvCount: true,
  allowUnsafePack: true,
  allowUnsafeExec: true,
  allowAbbreviatedOptions: true,
  allowUnsafeCustomBinary: true,
};

/**
 * git in a session (and so a process group) of its own where `setsid` exists: a terminal's Ctrl-C signals the whole
 * foreground group, and a git killed by it would turn the graceful stop (calls in flight finish, verified work is
 * committed) into a failed git command. simple-git passes no `detached` spawn option (only uid/gid), so the session
 * comes from util-linux's `setsid`, which execs git in place; elsewhere git runs as it is.
 */
const GIT_BINARY: [string] | [string, string] =
  process.platform === 'linux' && ['/usr/bin/setsid', '/bin/setsid'].some((f) => existsSync(f))
    ? ['setsid', 'git']
    : ['git'];

/**
 * Runs one git process through simple-git (`--no-optional-locks`: a read never writes the index) with stdin from
 * `input` or empty, and collects its output. A git that cannot be started, or prints more than `MAX_OUTPUT`, fails
 * with exit code -1. simple-git is set up for a caller whose every argument is its own, not untrusted input:
 * - its guard against unsafe options and variables (`-c core.hooksPath`, `GIT_CONFIG_*`) is opened, and the user's
 *   `GIT_*` variables reach git as they did (the guard would strip them);
 * - it reports a failure without stderr (`merge-base --is-ancestor` exiting 1) as success and never gives the exit
 *   code: the `errors` hook records exit code and stderr and lets every task resolve, and `git()` decides;
 * - it hands `raw()` stdout as text: the `outputHandler` collects the bytes (binary blobs stay intact) and caps them;
 * - it waits 50 ms after a process that printed nothing (most plumbing writes nothing): an empty chunk once its
 *   listeners are attached tells it output came, so it resolves on `close` like any other;
 * - it leaves stdin open without input: an empty Buffer (not '', which it skips) closes it.
 */
async function runGit(
  cwd: string,
  args: string[],
  input: string | undefined,
  env?: Record<string, string>,
): Promise<GitResult> {
  const childEnv: Record<string, string | undefined> = env ? { ...process.env, ...env } : { ...process.env };
  const out: Buffer[] = [];
  let size = 0;
  let failure: string | null = null;
  let ended: { exitCode: number | null; stdErr: Buffer[] } | null = null;
  try {
    const client = simpleGit({
      baseDir: cwd,
      allowConfig: ['*'],
      allowEnvironment: Object.keys(childEnv),
      unsafe: OUR_OWN_ARGUMENTS,
      binary: GIT_BINARY,
      input: () => (input === undefined ? NOTHING : Buffer.from(input)),
      errors: (_error, result) => {
        ended = result;
        return undefined;
      },
    });
    client.env(childEnv);
    client.outputHandler((_command, stdout) => {
      stdout.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_OUTPUT) out.push(chunk);
        else if (!failure) {
          failure = `git printed more than ${MAX_OUTPUT / 1024 / 1024} MB`;
          (stdout as Readable).destroy();
        }
      });
      queueMicrotask(() => stdout.emit('data', NOTHING));
    });
    await client.raw(['--no-optional-locks', ...args]);
  } catch (e) {
    // simple-git refused before starting git (a missing cwd, a guard): git did not run.
    failure ??= `git could not be run: ${e instanceof Error ? e.message : String(e)}`;
  }
  const result = ended as { exitCode: number | null; stdErr: Buffer[] } | null;
  let stderr = result ? Buffer.concat(result.stdErr).toString('utf8') : '';
  // A process that could not be spawned closes with a negative code, its error's stack as stderr.
  if (result && result.exitCode !== null && result.exitCode < 0 && !failure) {
    failure = `git could not be run: ${stderr.split('\n')[0]!.replace(/^Error: /, '')}`;
    stderr = '';
  }
  if (failure) return { exitCode: -1, stdout: NOTHING, stderr: stderr ? `${failure}\n${stderr}` : failure };
  return { exitCode: result?.exitCode ?? -1, stdout: Buffer.concat(out), stderr };
}

/**
 * The error for a failed git command: GitError with command, exit code and stderr, except when git refuses the
 * repository as owned by another user ("dubious ownership", safe.directory): the user fixes that, so it is
 * E_UNSAFE_REPO with the command that marks the directory safe.
 */
export function gitFailure(
  args: readonly string[],
  exitCode: number | undefined,
  stderr: string,
): GitError | EnvironmentError {
  const dubious = /detected dubious ownership in repository at '([^'\n]+)'/.exec(stderr);
  if (!dubious) return new GitError(args, exitCode, stderr);
  const dir = dubious[1]!;
  return new EnvironmentError(
    'E_UNSAFE_REPO',
    `git refuses to work in ${dir}: it belongs to another user than the one running orchestrate ("dubious ownership"). ` +
      `If you trust it, mark it safe with \`git config --global --add safe.directory ${dir}\` (or run orchestrate as its owner), then run again.`,
  );
}

/** Runs git in `cwd`; the git layer's one failure convention: throw `gitFailure` (GitError with command, exit code, stderr). */
export async function git(cwd: string, args: string[], input?: string, env?: Record<string, string>): Promise<string> {
  const result = await runGit(cwd, args, input, { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...env });
  if (result.exitCode !== 0) throw gitFailure(args, result.exitCode, result.stderr);
  return result.stdout.toString('utf8');
}

/** Runs git and returns stdout as raw bytes (for file contents). */
export async function gitBuffer(cwd: string, args: string[], input?: string): Promise<Buffer> {
  const result = await runGit(cwd, args, input, { LC_ALL: 'C' });
  if (result.exitCode !== 0) throw gitFailure(args, result.exitCode, result.stderr);
  return result.stdout;
}

/** Finds the repository's top-level directory, or explains that `cwd` is not in one. */
export async function findRepoRoot(cwd: string): Promise<string> {
  try {
    await access(cwd);
  } catch {
    throw new UsageError(`Directory not found: ${cwd}. Pass an existing repository with -C <dir>.`);
  }
  try {
    return (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch (err) {
    if (err instanceof EnvironmentError) throw err;
    throw new EnvironmentError(
      'E_NOT_GIT_REPO',
      `${cwd} is not inside a git repository. Run orchestrate in a repository (or create one with \`git init\` and commit your code).`,
    );
  }
}

/** The commit HEAD points at; throws E_NO_COMMITS in a repository without commits. */
export async function headCommit(root: string): Promise<string> {
  try {
    return (await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim();
  } catch (err) {
    if (err instanceof EnvironmentError) throw err;
    throw new EnvironmentError(
      'E_NO_COMMITS',
      'This repository has no commits yet. orchestrate starts every run from HEAD: commit your code first (`git add -A && git commit -m init`).',
    );
  }
}

/** The current branch name, or null on a detached HEAD. */
export async function currentBranch(root: string): Promise<string | null> {
  const name = (await git(root, ['rev-parse', '--abbrev-ref', 'HEAD'])).trim();
  return name === 'HEAD' ? null : name;
}

/** Whether the user's working tree or index has changes (read-only: no index refresh is written). */
export async function isDirty(root: string): Promise<boolean> {
  return (await git(root, ['status', '--porcelain', '--untracked-files=no'])).trim().length > 0;
}

/** Whether a local branch exists. */
export async function branchExists(root: string, branch: string): Promise<boolean> {
  try {
    await git(root, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`]);
    return true;
  } catch {
    return false;
  }
}

const commonDirs = new Map<string, Promise<string>>();

/** The repository's common git directory (shared by all worktrees); asked of git once per directory and process. */
export function gitCommonDir(root: string): Promise<string> {
  let dir = commonDirs.get(root);
  if (!dir) {
    dir = git(root, ['rev-parse', '--git-common-dir']).then((out) => path.resolve(root, out.trim()));
    commonDirs.set(root, dir);
    dir.catch(() => commonDirs.delete(root));
  }
  return dir;
}

/** Adds `.orchestrate/` to `.git/info/exclude` (never `.gitignore`) so run state never shows up as untracked. */
export async function ensureExcluded(root: string, entry = '/.orchestrate/'): Promise<void> {
  const infoDir = path.join(await gitCommonDir(root), 'info');
  const file = path.join(infoDir, 'exclude');
  const current = await readFile(file, 'utf8').catch(() => '');
  if (current.split(/\r?\n/).includes(entry)) return;
  await mkdir(infoDir, { recursive: true });
  await appendFile(file, `${current && !current.endsWith('\n') ? '\n' : ''}${entry}\n`);
}

/**
 * Creates a worktree at `dir` on a new branch `branch` from `base`; fails clearly when the branch exists. With
 * `checkout: false` no file is written: the index holds `base` (so committing staged files commits `base` plus them),
 * and `checkOutWorktree` writes the files when something is to run in the tree. A large repository then costs a run
 * no checkout when nothing runs in its tree (a docstring run only writes the files it edits).
 */
export async function addWorktree(
  root: string,
  dir: string,
  branch: string,
  base: string,
  options: { checkout?: boolean } = {},
): Promise<void> {
  const checkout = options.checkout ?? true;
  await mkdir(path.dirname(dir), { recursive: true });
  try {
    // No hooks: a user's post-checkout hook must not run (or fail) because orchestrate made a worktree.
    await git(root, [
      '-c',
      'core.hooksPath=/dev/null',
      'worktree',
      'add',
      '--quiet',
      ...(checkout ? [] : ['--no-checkout']),
      '-b',
      branch,
      dir,
      base,
    ]);
    if (!checkout) await git(dir, ['read-tree', base]);
  } catch (err) {
    // git refuses an existing branch before it creates anything; asked only then, so a run pays one git less.
    if (!(err instanceof GitError && /already exists/.test(err.stderr) && (await branchExists(root, branch))))
      throw err;
    throw new EnvironmentError(
      'E_BRANCH_EXISTS',
      `Branch ${branch} already exists. Delete it (\`git branch -D ${branch}\`) or run again to get a new run id.`,
    );
  }
}

/**
 * Writes every file of a worktree made with `checkout: false` from its index (what a checkout writes). Only for a tree
 * nothing was written to yet: a file written before is overwritten.
 */
export async function checkOutWorktree(dir: string): Promise<void> {
  await git(dir, ['-c', 'core.hooksPath=/dev/null', 'checkout-index', '--all', '--force', '--index']);
}

/**
 * Removes a worktree directory (the branch stays), and the folder that held it when that is now empty: addWorktree
 * made it (`<worktrees home>/<repo key>/`), and a run must not leave one behind per repository.
 */
export async function removeWorktree(root: string, dir: string): Promise<void> {
  await git(root, ['worktree', 'remove', '--force', dir]);
  // rmdir removes only an empty folder: one another run's worktree is in stays.
  await rmdir(path.dirname(dir)).catch(() => undefined);
}

/**
 * Stages `files` and commits them in `worktree`; returns the new commit's sha. Hooks are skipped: our gates ran. The
 * files hold the text of the base commit's blobs plus the edits, so they are stored byte for byte (`--no-filters`):
 * `core.autocrlf`, `core.safecrlf` and `text`/`eol` attributes must not renormalize every line of a file the run
 * touched (or refuse it), and the commit then holds only the edit.
 */
export async function commitFiles(worktree: string, files: string[], message: string): Promise<string> {
  await stageVerbatim(worktree, files);
  await git(
    worktree,
    [...(await identityArgs(worktree)), '-c', 'commit.gpgsign=false', 'commit', '--quiet', '--no-verify', '-F', '-'],
    message,
  );
  return (await git(worktree, ['rev-parse', 'HEAD'])).trim();
}

/** Stores `files` of `worktree` as blobs without any conversion and points the worktree's index at them. */
async function stageVerbatim(worktree: string, files: string[]): Promise<void> {
  const shas = (
    await git(worktree, ['hash-object', '-w', '--no-filters', '--stdin-paths'], files.map((f) => `${f}\n`).join(''))
  )
    .trim()
    .split('\n');
  // Keep each file's mode (an executable script stays executable); a new file is a plain file.
  const modes = new Map<string, string>();
  const staged = await git(worktree, ['ls-files', '--stage', '-z', '--', ...files]);
  for (const entry of staged.split('\0').filter(Boolean)) {
    const tab = entry.indexOf('\t');
    modes.set(entry.slice(tab + 1), entry.split(' ')[0]!);
  }
  const lines = files.map((f, i) => `${modes.get(f) ?? '100644'} ${shas[i]}\t${f}\0`).join('');
  await git(worktree, ['update-index', '--add', '-z', '--index-info'], lines);
}

/** `-c` options giving commits an identity when the repository has none configured (else nothing). */
async function identityArgs(cwd: string): Promise<string[]> {
  const hasIdentity = await git(cwd, ['config', 'user.email']).then(
    (v) => v.trim().length > 0,
    () => false,
  );
  return hasIdentity ? [] : FALLBACK_IDENTITY;
}

/**
 * The paths with uncommitted changes in the working tree or the index, untracked files included (ignored and excluded
 * ones are not); paths under an `ignore` prefix (e.g. `.orchestrate/`) do not count. Read-only: no index refresh is written.
 */
export async function workingTreeChanges(root: string, ignore: readonly string[] = []): Promise<string[]> {
  const out = await git(root, ['status', '--porcelain=v1', '-z', '--untracked-files=normal']);
  const paths: string[] = [];
  const fields = out.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i]!;
    if (entry.length < 4) continue;
    // A rename or copy is followed by its source path in the next field.
    if (entry[0] === 'R' || entry[0] === 'C') i++;
    const file = entry.slice(3);
    if (!ignore.some((prefix) => file === prefix || file.startsWith(prefix))) paths.push(file);
  }
  return paths;
}

/** Whether commit `ancestor` is reachable from `descendant` (equal counts). */
export async function isAncestor(root: string, ancestor: string, descendant: string): Promise<boolean> {
  try {
    await git(root, ['merge-base', '--is-ancestor', ancestor, descendant]);
    return true;
  } catch (err) {
    // Exit 1 means "not an ancestor"; anything else (an unknown ref) is a real failure.
    if (err instanceof GitError && err.exitCode === 1) return false;
    throw err;
  }
}

/** What `mergeBranch` did. */
export interface MergeResult {
  fastForward: boolean;
  /** Commits of the branch that the current branch did not have. */
  commits: number;
  /** The current branch's new tip. */
  head: string;
}

/**
 * Merges `branch` into the checked-out branch of `root`: a fast-forward when possible, else a merge commit with
 * `message`. On a conflict the merge is aborted (the tree is back where it was) and E_MERGE_CONFLICT names the files.
 * The caller makes sure the tree is clean first.
 */
export async function mergeBranch(root: string, branch: string, message: string): Promise<MergeResult> {
  const commits = Number((await git(root, ['rev-list', '--count', `HEAD..${branch}`])).trim());
  const fastForward = await isAncestor(root, 'HEAD', branch);
  if (fastForward) {
    await git(root, ['merge', '--ff-only', '--quiet', branch]);
  } else {
    try {
      await git(root, [
        ...(await identityArgs(root)),
        'merge',
        '--no-ff',
        '--no-edit',
        '--quiet',
        '-m',
        message,
        branch,
      ]);
    } catch (err) {
      const conflicts = (await git(root, ['diff', '--name-only', '--diff-filter=U', '-z']).catch(() => ''))
        .split('\0')
        .filter(Boolean);
      // No merge in progress (git refused before starting) makes the abort fail, harmlessly.
      await git(root, ['merge', '--abort']).catch(() => undefined);
      if (conflicts.length) {
        throw new WorkingTreeError(
          'E_MERGE_CONFLICT',
          `Merging ${branch} conflicts in ${conflicts.join(', ')}; the merge was aborted and your tree is as it was. ` +
            `Merge by hand (\`git merge ${branch}\`, resolve, commit) or start a new run from the current HEAD.`,
          conflicts,
        );
      }
      throw err;
    }
  }
  return { fastForward, commits, head: (await git(root, ['rev-parse', 'HEAD'])).trim() };
}

/** The local branches under `prefix` (e.g. `orchestrate/`), by short name. */
export async function listBranches(root: string, prefix: string): Promise<Set<string>> {
  const out = await git(root, ['for-each-ref', '--format=%(refname:short)', `refs/heads/${prefix}`]);
  return new Set(out.split('\n').filter(Boolean));
}

/** Forgets worktrees whose directories are gone, so their branches can be deleted. */
export async function pruneWorktrees(root: string): Promise<void> {
  await git(root, ['worktree', 'prune']);
}
