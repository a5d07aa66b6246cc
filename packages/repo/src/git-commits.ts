import { WorkingTreeError } from '@orchestrate/core';
import { isAncestor } from './git-refs.js';
import { git } from './git.js';

/** Identity used for run commits when the repository has none configured. */
const FALLBACK_IDENTITY = ['-c', 'user.name=orchestrate', '-c', 'user.email=orchestrate@localhost'];

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
export async function identityArgs(cwd: string): Promise<string[]> {
  const hasIdentity = await git(cwd, ['config', 'user.email']).then(
    (v) => v.trim().length > 0,
    () => false,
  );
  return hasIdentity ? [] : FALLBACK_IDENTITY;
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
