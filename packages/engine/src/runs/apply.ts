import path from 'node:path';
import { UsageError, WorkingTreeError } from '@orchestrate/core';
import {
  branchExists,
  currentBranch,
  findRepoRoot,
  isAncestor,
  mergeBranch,
  workingTreeChanges,
} from '@orchestrate/repo';
import { cut } from './format-runs.js';
import { assertRunId, requireRun, STATE_DIR } from './runs.js';

/** What `apply` did. */
export interface ApplyResult {
  runId: string;
  branch: string;
  /** The branch it was merged into. */
  into: string;
  fastForward: boolean;
  commits: number;
  head: string;
}

/**
 * Merges a finished run's branch into the current branch (a fast-forward when possible, else a merge commit naming the
 * run). Refuses unless the working tree and index are clean (E_DIRTY_TREE; run state under `.orchestrate/` does not
 * count); a conflict aborts the merge and leaves the tree as it was (E_MERGE_CONFLICT).
 */
export async function applyRun(options: { cwd?: string; runId: string }): Promise<ApplyResult> {
  const { runId } = options;
  assertRunId(runId);
  const root = await findRepoRoot(path.resolve(options.cwd ?? process.cwd()));
  const run = await requireRun(root, runId);
  if (run.status === 'running')
    throw new UsageError(`Run ${runId} is still running (process ${run.pid}): wait for it to end, then apply it.`);
  if (run.status === 'interrupted') {
    throw new UsageError(
      `Run ${runId} was interrupted: finish it with \`orchestrate resume ${runId}\` (or discard it with \`orchestrate undo ${runId}\`), then apply it.`,
    );
  }
  if (run.status === 'detached')
    throw new UsageError(
      `Run ${runId} is waiting for its batch: finish it with \`orchestrate resume ${runId}\`, then apply it.`,
    );
  const branch = run.branch;
  if (!branch || !run.report?.commits.length)
    throw new UsageError(`Run ${runId} committed nothing (${run.status}): there is no branch to apply.`);
  if (!(await branchExists(root, branch))) {
    throw new UsageError(
      `${branch} no longer exists (the run was undone or the branch deleted): there is nothing to apply. List the runs with \`orchestrate runs\`.`,
    );
  }
  const into = await currentBranch(root);
  if (!into)
    throw new UsageError(
      `HEAD is detached: switch to the branch to merge ${branch} into (e.g. \`git switch main\`), then apply again.`,
    );
  if (into === branch)
    throw new UsageError(
      `${branch} is the current branch: switch to the branch to merge it into (e.g. \`git switch main\`).`,
    );
  if (await isAncestor(root, branch, 'HEAD'))
    throw new UsageError(`${branch} is already merged into ${into}: nothing to apply.`);
  const changes = await workingTreeChanges(root, [STATE_DIR]);
  if (changes.length) {
    const shown = changes.slice(0, 5).join(', ') + (changes.length > 5 ? `, … ${changes.length - 5} more` : '');
    throw new WorkingTreeError(
      'E_DIRTY_TREE',
      `Your working tree or index has changes (${shown}): commit or stash them first (\`git stash --include-untracked\`), then apply ${runId} again.`,
      changes,
    );
  }
  const message = `Merge ${branch}: ${cut(run.task, 60)}\n\nOrchestrate-Run: ${runId}\n`;
  const merged = await mergeBranch(root, branch, message);
  return { runId, branch, into, ...merged };
}
