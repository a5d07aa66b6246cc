import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, type RunReport } from '@orchestrate/core';
import {
  branchExists,
  clearRunWorktrees,
  deleteRunBranch,
  foreignRunCommits,
  runBranch,
  runWorktreeCandidates,
} from '@orchestrate/repo';
import type { JournalRecord, StartRecord } from './journal-format.js';
import { assertRunId, journalProgress } from './runs.js';
import { readJournal } from './journal.js';
import { loadDetachedRun, type DetachedRun } from './run-state.js';

/** What `resume` continues: a run detached while its batch runs, or a run that was interrupted (its journal). */
export type ResumeTarget =
  { kind: 'detached'; detached: DetachedRun } | { kind: 'journal'; start: StartRecord; records: JournalRecord[] };

async function readReport(root: string, runId: string): Promise<RunReport | null> {
  try {
    return JSON.parse(
      await readFile(path.join(root, '.orchestrate', 'runs', runId, 'report.json'), 'utf8'),
    ) as RunReport;
  } catch {
    return null;
  }
}

/** Whether a run can be resumed, and from what; else the reason it cannot. */
async function resumable(root: string, runId: string): Promise<{ target: ResumeTarget } | { reason: string }> {
  const report = await readReport(root, runId);
  const records = readJournal(root, runId);
  const progress = records ? journalProgress(records) : null;
  if (progress?.status === 'undone') return { reason: 'it was undone' };
  if (report?.status === 'detached')
    return { target: { kind: 'detached', detached: await loadDetachedRun(root, runId) } };
  if (!records || !progress?.start) return { reason: report ? `it is ${report.status}` : 'it has no journal' };
  if (progress.status === 'running') return { reason: `it is still running (process ${progress.pid})` };
  if (progress.status !== 'interrupted') return { reason: `it ended ${progress.status}` };
  return { target: { kind: 'journal', start: progress.start, records } };
}

const isRunId = (id: string) => {
  try {
    assertRunId(id);
    return true;
  } catch {
    return false;
  }
};

/** The run `orchestrate resume [<run-id>]` continues: the named one, else the newest run that can be resumed. */
export async function findResumeTarget(root: string, runId: string | undefined): Promise<ResumeTarget> {
  if (runId !== undefined) {
    assertRunId(runId);
    const found = await resumable(root, runId);
    if ('target' in found) return found.target;
    const known = (await readReport(root, runId)) || readJournal(root, runId);
    if (!known) throw new UsageError(`No run ${runId} in .orchestrate/runs/. List runs with \`orchestrate runs\`.`);
    throw new UsageError(`Run ${runId} cannot be resumed: ${found.reason}.`);
  }
  const ids = (await readdir(path.join(root, '.orchestrate', 'runs')).catch(() => [] as string[]))
    .filter(isRunId)
    .sort()
    .reverse();
  const running: string[] = [];
  for (const id of ids) {
    const found = await resumable(root, id);
    if ('target' in found) return found.target;
    const live = /^it is still running \((process \d+)\)$/.exec(found.reason);
    if (live) running.push(`${id} (${live[1]})`);
  }
  if (running.length) {
    const which = running.length === 1 ? `run ${running[0]} is` : `runs ${running.join(', ')} are`;
    throw new UsageError(
      `No run to resume: ${which} still running; no other run can be resumed. Wait for it to end (or stop its process), then resume. List the runs with \`orchestrate runs\`.`,
    );
  }
  throw new UsageError(
    'No run to resume: every run in .orchestrate/runs/ has ended. List them with `orchestrate runs`.',
  );
}

/**
 * Clears what an interrupted process left of its run, so the run can be redone from its base commit: its worktree (the
 * process may have died inside it) and its branch (rebuilt commit by commit; every answer it needs is in the journal).
 */
export async function clearInterrupted(root: string, runId: string, baseCommit: string): Promise<void> {
  await clearRunWorktrees(root, await runWorktreeCandidates(root, runId));
  const branch = runBranch(runId);
  if (await branchExists(root, branch)) {
    // Commits someone made on the run's branch are theirs now: resume never deletes them.
    const foreign = await foreignRunCommits(root, runId, baseCommit);
    if (foreign.length) {
      throw new UsageError(
        `Cannot resume ${runId}: its branch ${branch} holds ${foreign.length} commit(s) the run did not make. Rename the branch to keep them (\`git branch -m ${branch} <name>\`), then resume.`,
      );
    }
    try {
      await deleteRunBranch(root, branch);
    } catch {
      throw new UsageError(
        `Cannot resume ${runId}: its branch ${branch} is checked out somewhere. Switch that worktree to another branch first.`,
      );
    }
  }
}
