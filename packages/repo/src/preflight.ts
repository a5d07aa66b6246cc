import { access, constants, readdir } from 'node:fs/promises';
import path from 'node:path';
import { EnvironmentError } from '@orchestrate/core';
import { git } from './git.js';

/**
 * Checks, before any model call, that git can create the run's branch and worktree: the branch name is a valid ref,
 * no ref occupies its namespace (a branch `orchestrate` makes `orchestrate/<id>` impossible: a ref cannot be both a file
 * and a folder), the branch does not exist yet, and the worktree directory is free and can be made. Each failure is an
 * EnvironmentError that says what to do; creates nothing.
 */
export async function preflightRun(root: string, run: { branch: string; worktree: string }): Promise<void> {
  // Both checks run at once (their git processes and file checks overlap); a branch problem is reported first.
  const [branch, dir] = await Promise.allSettled([checkBranch(root, run.branch), checkWorktreeDir(run.worktree)]);
  if (branch.status === 'rejected') throw branch.reason;
  if (dir.status === 'rejected') throw dir.reason;
}

const SAFE_BRANCH = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;

async function checkBranch(root: string, branch: string): Promise<void> {
  const ref = `refs/heads/${branch}`;
  // Every ref that is a folder of the branch's path (refs/heads/orchestrate) or lies inside it (refs/heads/orchestrate/<id>/x).
  const parts = branch.split('/');
  const prefixes = parts.slice(0, -1).map((_, i) => `refs/heads/${parts.slice(0, i + 1).join('/')}`);
  const refsIn = async (patterns: string[]) =>
    (await git(root, ['for-each-ref', '--format=%(refname)', ...patterns])).split('\n').filter(Boolean);
  // The three git processes run at once: this check sits before the planner's request.
  const [valid, folded, exact] = await Promise.all([
    // A name of letters, digits, `-`, `_` and single slashes breaks none of git's rules (a run's own branch always
    // is one); any other is asked of git.
    SAFE_BRANCH.test(branch)
      ? true
      : git(root, ['check-ref-format', ref]).then(
          () => true,
          () => false,
        ),
    // On a case-insensitive file system `Orchestrate` and `orchestrate/` are the same name (and patterns match
    // case-sensitively).
    git(root, ['config', '--bool', 'core.ignorecase']).then(
      (v) => v.trim() === 'true',
      () => false,
    ),
    settledRefs(refsIn([...prefixes, ref])),
  ]);
  if (!valid) {
    throw new EnvironmentError(
      'E_BRANCH_BLOCKED',
      `git cannot name a branch ${JSON.stringify(branch)} (\`git check-ref-format\` refuses it). Run again to get a new run id.`,
    );
  }
  const listed = folded ? await refsIn(['refs/heads/']) : exact.unwrap();
  const same = (a: string, b: string) => (folded ? a.toLowerCase() === b.toLowerCase() : a === b);
  for (const existing of listed) {
    const blocker = prefixes.find((p) => same(existing, p));
    if (blocker) {
      const name = blocker.slice('refs/heads/'.length);
      throw new EnvironmentError(
        'E_BRANCH_BLOCKED',
        `A branch named \`${name}\` exists, so git cannot create the run branch ${branch} (a branch cannot also be a folder of branches). ` +
          `Rename it (\`git branch -m ${name} ${name}-branch\`) and run again; nothing was started or paid for.`,
      );
    }
    if (same(existing, ref)) {
      throw new EnvironmentError(
        'E_BRANCH_EXISTS',
        `Branch ${branch} already exists. Delete it (\`git branch -D ${branch}\`) or run again to get a new run id.`,
      );
    }
    if ((folded ? existing.toLowerCase() : existing).startsWith(`${folded ? ref.toLowerCase() : ref}/`)) {
      throw new EnvironmentError(
        'E_BRANCH_BLOCKED',
        `The ref ${existing} lies inside the run branch's name ${branch}, so git cannot create the branch. Run again to get a new run id.`,
      );
    }
  }
}

/** A listing whose failure is thrown only when it is used (not when the name check has already failed). */
async function settledRefs(listing: Promise<string[]>): Promise<{ unwrap: () => string[] }> {
  return listing.then(
    (refs) => ({ unwrap: () => refs }),
    (err: unknown) => ({
      unwrap: () => {
        throw err;
      },
    }),
  );
}

async function checkWorktreeDir(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : []));
  if (entries !== null && entries.length > 0) {
    throw new EnvironmentError(
      'E_WORKTREE_BLOCKED',
      `The run's worktree directory ${dir} already exists and is not empty. Remove it (\`git worktree prune\` if git knows it), or run again to get a new run id.`,
    );
  }
  // The nearest existing folder on the way must be writable: git creates the rest.
  let existing = path.dirname(dir);
  while (
    !(await access(existing).then(
      () => true,
      () => false,
    )) &&
    path.dirname(existing) !== existing
  )
    existing = path.dirname(existing);
  if (
    !(await access(existing, constants.W_OK).then(
      () => true,
      () => false,
    ))
  ) {
    throw new EnvironmentError(
      'E_WORKTREE_BLOCKED',
      `orchestrate cannot create the run's worktree ${dir}: ${existing} is not writable. ` +
        'Point ORCHESTRATE_WORKTREES at a writable folder (or fix the permissions) and run again.',
    );
  }
}
