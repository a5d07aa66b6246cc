import { access, appendFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '@orchestrate/core';
import {
  branchExists,
  deleteRunBranch,
  findRepoRoot,
  foreignRunCommits,
  isRunWorktree,
  mergedIntoHead,
  pruneWorktrees,
  removeWorktree,
  resolveCommit,
  runBranch,
  runWorktreeCandidates,
  worktreesOnBranch,
} from '@orchestrate/repo';
import { journalPath, type EndRecord } from './journal-format.js';
import { assertRunId, loadRun } from './runs.js';

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
  /** An interrupted run's journal got an `undone` end record: it is no longer listed as resumable. */
  markedUndone: boolean;
}

/**
 * Deletes a run's branch and worktree. Refuses, unless forced, when the branch was merged into the current branch
 * or holds commits the run did not make (someone built on it): those are the user's work now.
 */
export async function undoRun(options: UndoOptions): Promise<UndoResult> {
  assertRunId(options.runId);
  const root = await findRepoRoot(path.resolve(options.cwd ?? process.cwd()));
  const branch = runBranch(options.runId);
  const run = await loadRun(root, options.runId);
  if (run?.status === 'running') {
    throw new UsageError(
      `Run ${options.runId} is still running (process ${run.pid}): stop it first (Ctrl-C, or \`kill ${run.pid}\`), then undo it.`,
    );
  }
  const unfinished = run?.status === 'interrupted';
  // Where the run keeps its worktree (and where older versions kept it, under .git/orchestrate/worktrees/).
  const candidates = await runWorktreeCandidates(root, options.runId);
  const worktrees: string[] = [];
  for (const dir of candidates)
    if (
      await access(dir).then(
        () => true,
        () => false,
      )
    )
      worktrees.push(dir);
  const hasWorktree = worktrees.length > 0;
  // A worktree whose directory is gone still holds its branch until pruned.
  await pruneWorktrees(root);
  const hasBranch = await branchExists(root, branch);
  if (!hasBranch && !hasWorktree && unfinished) {
    await markUndone(root, options.runId);
    return { runId: options.runId, branch, deletedBranch: false, removedWorktree: false, markedUndone: true };
  }
  if (!hasBranch && !hasWorktree) {
    throw new UsageError(`Run ${options.runId} has no branch or worktree left (already undone, or the id is wrong).`);
  }
  if (hasBranch) {
    // git cannot delete a branch that a working tree has checked out (yours, or another worktree than the run's own).
    const listed = await worktreesOnBranch(root, branch);
    const checkedOut: string[] = [];
    for (const dir of listed) if (!(await isRunWorktree(root, options.runId, dir))) checkedOut.push(dir);
    if (checkedOut.length) {
      throw new UsageError(
        `${branch} is checked out in ${checkedOut[0]}: switch that working tree to another branch (e.g. \`git switch main\`), then run undo again.`,
      );
    }
  }
  if (hasBranch && !options.force) {
    const merged = await mergedIntoHead(root, branch);
    // An interrupted run has no report: its journal's start record has the base.
    const base = run?.baseCommit ?? null;
    if (merged && base !== (await resolveCommit(root, branch))) {
      throw new UsageError(
        `${branch} was merged into your current branch; undo would not remove its changes. Use --force to delete the branch anyway.`,
      );
    }
    const foreign = await foreignRunCommits(root, options.runId, base);
    if (foreign.length) {
      throw new UsageError(
        `${branch} holds ${foreign.length} commit(s) the run did not make. Use --force to delete it anyway.`,
      );
    }
  }
  if (hasWorktree) {
    // A directory git no longer knows as a worktree cannot be removed by git: it is ours (named by a checked id), delete it.
    for (const worktree of worktrees)
      await removeWorktree(root, worktree).catch(() => rm(worktree, { recursive: true, force: true }));
    await pruneWorktrees(root);
  }
  if (hasBranch) await deleteRunBranch(root, branch);
  if (unfinished) await markUndone(root, options.runId);
  return {
    runId: options.runId,
    branch,
    deletedBranch: hasBranch,
    removedWorktree: hasWorktree,
    markedUndone: unfinished,
  };
}

/** Ends an interrupted run's journal with an `undone` record, so it is no longer listed as resumable. */
async function markUndone(root: string, runId: string): Promise<void> {
  const record: EndRecord = { t: 'end', status: 'undone', at: new Date().toISOString() };
  await appendFile(journalPath(root, runId), `${JSON.stringify(record)}\n`);
}
