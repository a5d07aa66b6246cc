import { appendFile, mkdir, readFile, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { EnvironmentError, GitError } from '@orchestrate/core';
import { branchExists, gitCommonDir } from './git-refs.js';
import { git } from './git.js';

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

/** Forgets worktrees whose directories are gone, so their branches can be deleted. */
export async function pruneWorktrees(root: string): Promise<void> {
  await git(root, ['worktree', 'prune']);
}
