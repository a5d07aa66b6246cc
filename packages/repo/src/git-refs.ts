import { access } from 'node:fs/promises';
import path from 'node:path';
import { EnvironmentError, GitError, UsageError } from '@orchestrate/core';
import { git } from './git.js';

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

/**
 * The repository `cwd` lies in: its top-level directory and HEAD's commit, from one git process (which also tells the
 * common git directory, kept for gitCommonDir). Where that one process fails (no repository, no commit yet, a folder
 * that does not exist), the answer and its error come from findRepoRoot and headCommit, as they always have.
 */
export async function locateRepo(cwd: string): Promise<{ root: string; head: string }> {
  const out = await git(cwd, [
    'rev-parse',
    '--show-toplevel',
    '--git-common-dir',
    '--verify',
    '--quiet',
    'HEAD^{commit}',
  ]).catch(() => null);
  const [root, common, head] = out?.split('\n') ?? [];
  if (!root || !common || !head || !/^[0-9a-f]{40,64}$/.test(head)) {
    const found = await findRepoRoot(cwd);
    return { root: found, head: await headCommit(found) };
  }
  // git prints the common directory relative to the folder it ran in.
  if (!commonDirs.has(root)) commonDirs.set(root, Promise.resolve(path.resolve(cwd, common)));
  return { root, head };
}

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

/** The local branches under `prefix` (e.g. `orchestrate/`), by short name. */
export async function listBranches(root: string, prefix: string): Promise<Set<string>> {
  const out = await git(root, ['for-each-ref', '--format=%(refname:short)', `refs/heads/${prefix}`]);
  return new Set(out.split('\n').filter(Boolean));
}
