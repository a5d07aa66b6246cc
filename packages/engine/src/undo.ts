import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '@orchestrate/core';
import { branchExists, findRepoRoot, git, gitCommonDir, removeWorktree } from '@orchestrate/repo';

/** Options of `undo`. */
export interface UndoOptions {
  cwd?: string;
  runId: string;
  /** Delete even when the branch was merged or holds commits the run did not make. */
  force?: boolean;
}

/** What `undo` did. */
export interface UndoResult {
  runId: string;
  branch: string;
  deletedBranch: boolean;
  removedWorktree: boolean;
}

/**
 * Deletes a run's branch and worktree. Refuses, unless forced, when the branch was merged into the current branch
 * or holds commits the run did not make (someone built on it): those are the user's work now.
 */
export async function undoRun(options: UndoOptions): Promise<UndoResult> {
  if (!/^[\w.-]+$/.test(options.runId)) throw new UsageError(`Not a run id: ${options.runId}. List runs with \`orchestrate runs\` or look in .orchestrate/runs/.`);
  const root = await findRepoRoot(path.resolve(options.cwd ?? process.cwd()));
  const branch = `orchestrate/${options.runId}`;
  const worktree = path.join(await gitCommonDir(root), 'orchestrate', 'worktrees', options.runId);
  const hasWorktree = await access(worktree).then(() => true, () => false);
  const hasBranch = await branchExists(root, branch);
  if (!hasBranch && !hasWorktree) {
    throw new UsageError(`Run ${options.runId} has no branch or worktree left (already undone, or the id is wrong).`);
  }
  if (hasBranch) {
    // git cannot delete a branch that a working tree has checked out (yours, or another worktree than the run's own).
    const own = path.join('orchestrate', 'worktrees', options.runId);
    const checkedOut = (await git(root, ['worktree', 'list', '--porcelain']))
      .split('\n\n')
      .filter((entry) => entry.split('\n').includes(`branch refs/heads/${branch}`))
      .map((entry) => entry.split('\n')[0]!.replace(/^worktree /, ''))
      .filter((dir) => !path.normalize(dir).endsWith(own));
    if (checkedOut.length) {
      throw new UsageError(`${branch} is checked out in ${checkedOut[0]}: switch that working tree to another branch (e.g. \`git switch main\`), then run undo again.`);
    }
  }
  if (hasBranch && !options.force) {
    const merged = await git(root, ['merge-base', '--is-ancestor', branch, 'HEAD']).then(() => true, () => false);
    const base = await runBase(root, options.runId);
    if (merged && base !== (await git(root, ['rev-parse', branch]).then((s) => s.trim()))) {
      throw new UsageError(`${branch} was merged into your current branch; undo would not remove its changes. Use --force to delete the branch anyway.`);
    }
    const range = base ? `${base}..${branch}` : branch;
    const log = await git(root, ['log', '--format=%H%x00%B%x01', range]);
    const foreign = log.split('\u0001').filter((c) => c.trim() && !c.includes(`Orchestrate-Run: ${options.runId}`));
    if (foreign.length) {
      throw new UsageError(`${branch} holds ${foreign.length} commit(s) the run did not make. Use --force to delete it anyway.`);
    }
  }
  if (hasWorktree) await removeWorktree(root, worktree).catch(() => git(root, ['worktree', 'prune']));
  if (hasBranch) await git(root, ['branch', '-D', branch]);
  return { runId: options.runId, branch, deletedBranch: hasBranch, removedWorktree: hasWorktree };
}

/** The base commit recorded in the run's report, if the report is there. */
async function runBase(root: string, runId: string): Promise<string | null> {
  try {
    const report = JSON.parse(await readFile(path.join(root, '.orchestrate', 'runs', runId, 'report.json'), 'utf8')) as { baseCommit?: string };
    return report.baseCommit ?? null;
  } catch {
    return null;
  }
}
