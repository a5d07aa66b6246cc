import { isAncestor } from './git-refs.js';
import { pruneWorktrees, removeWorktree } from './git-worktrees.js';
import { git } from './git.js';

/** The branch run `runId` commits on: `orchestrate/<run id>`. */
export function runBranch(runId: string): string {
  return `orchestrate/${runId}`;
}

/** The commit a ref names, or null when it names none (callers refuse a leading dash: git never reads an option). */
export async function resolveCommit(root: string, ref: string): Promise<string | null> {
  const sha = await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).then(
    (s) => s.trim(),
    () => '',
  );
  return sha || null;
}

/** The empty tree's id in the repository's hash (SHA-1 or SHA-256): what a first commit is compared with. */
export async function emptyTree(root: string): Promise<string> {
  return (await git(root, ['hash-object', '-t', 'tree', '--stdin'], '')).trim();
}

/** Whether the repository is a shallow clone (part of its history is missing); false when git cannot tell. */
export async function isShallowClone(root: string): Promise<boolean> {
  return git(root, ['rev-parse', '--is-shallow-repository']).then(
    (s) => s.trim() === 'true',
    () => false,
  );
}

/** A file's text at a commit, or null when the commit does not hold it. */
export async function showFileAt(root: string, commit: string, file: string): Promise<string | null> {
  return git(root, ['show', `${commit}:${file}`]).catch(() => null);
}

/** Every path a commit tracks, repository-relative. */
export async function trackedPathsAt(root: string, commit: string): Promise<string[]> {
  const out = await git(root, ['ls-tree', '-r', '-z', '--name-only', '--full-tree', commit]);
  return out.split('\0').filter(Boolean);
}

/**
 * The commits on run `runId`'s branch (after `base`, or all of them without one) that the run did not make: those
 * without its `Orchestrate-Run` trailer. Someone built on the branch; resume and undo never delete those silently.
 */
export async function foreignRunCommits(root: string, runId: string, base: string | null): Promise<string[]> {
  const branch = runBranch(runId);
  const log = await git(root, ['log', '--format=%H%x00%B%x01', base ? `${base}..${branch}` : branch]);
  return log
    .split('\u0001')
    .filter((c) => c.trim() && !c.includes(`Orchestrate-Run: ${runId}`))
    .map((c) => c.trim().split('\0')[0]!);
}

/** Deletes a run's branch (`git branch -D`); throws GitError when git refuses (e.g. it is checked out somewhere). */
export async function deleteRunBranch(root: string, branch: string): Promise<void> {
  await git(root, ['branch', '-D', branch]);
}

/** Whether `branch` is merged into HEAD (reachable from it); false when git cannot tell. */
export async function mergedIntoHead(root: string, branch: string): Promise<boolean> {
  return isAncestor(root, branch, 'HEAD').catch(() => false);
}

/** The working trees (absolute paths, as git lists them) that have `branch` checked out. */
export async function worktreesOnBranch(root: string, branch: string): Promise<string[]> {
  return (await git(root, ['worktree', 'list', '--porcelain']))
    .split('\n\n')
    .filter((entry) => entry.split('\n').includes(`branch refs/heads/${branch}`))
    .map((entry) => entry.split('\n')[0]!.replace(/^worktree /, ''));
}

/** Removes the given worktrees of a run, ignoring those git does not know, then forgets any whose folder is gone. */
export async function clearRunWorktrees(root: string, dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) await removeWorktree(root, dir).catch(() => undefined);
  await pruneWorktrees(root).catch(() => undefined);
}
