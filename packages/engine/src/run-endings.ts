import { ensureExcluded } from '@orchestrate/repo';
import { ModelError, type RunReport, type RunStatus } from '@orchestrate/core';
import { finish, settle, type JobState } from './job/state.js';
import type { PhaseContext } from './job/types.js';
import type { Prepared } from './run-prepare.js';
import type { RunSetup } from './run-setup.js';
import { endJournal } from './runs/journal.js';
import { buildReport } from './runs/run-report.js';
import { saveBatches } from './runs/run-state.js';
import { writeReport } from './runs/report.js';

/** The report of the run in `status`, with what it committed (none but a finished run commits). */
export function reportOf(
  run: RunSetup,
  prep: Prepared,
  states: JobState[],
  status: RunStatus,
  commits: RunReport['commits'] = [],
): RunReport {
  const { runId: id, task, engine, root: repo, baseCommit, timing, cpuAtStart, client, batches, started, config } = run;
  const { plan, estimate, warnings, ledger } = prep;
  const branch = commits.length ? run.branch : null;
  const startedAt = new Date(started).toISOString();
  const { maxAnnotations } = config;
  const base = { id, task, engine, repo, baseCommit, plan, estimate, warnings, timing, cpuAtStart, client, batches };
  const args = { ...base, startedAt, status, branch, worktree: null, commits, states, ledger, config, maxAnnotations };
  return prep.decorate({ ...buildReport({ ...args, started }), ...run.calls.report() });
}

/**
 * Ends a run that does no work: a dry run (nothing written), a run cancelled at the confirmation prompt, or a plan with
 * no jobs. Its early worktree is dropped by the caller; the report is written unless it was a dry run.
 */
export async function endWithoutWork(
  run: RunSetup,
  prep: Prepared,
  states: JobState[],
  cancelled: boolean,
  dropEarly: () => Promise<void>,
): Promise<RunReport> {
  const { dryRun } = run.options;
  const status: RunStatus = dryRun ? 'dry-run' : cancelled ? 'cancelled' : 'nothing-to-do';
  const reason = dryRun ? 'dry run: planned, not run' : 'cancelled at the confirmation prompt';
  if (dryRun || cancelled) states.forEach((s) => finish(s, 'skipped', reason));
  const report = reportOf(run, prep, states, status);
  await dropEarly();
  if (!dryRun) {
    await ensureExcluded(run.root);
    await writeReport(run.root, report);
  }
  endJournal(run.journal, status);
  run.emit({ type: 'done', report });
  return report;
}

/**
 * Ends a run whose calls wait in a batch: nothing is committed; the report and the batch ids say how to resume. Every
 * job not ended yet (one waiting on the verifier's batch) ends here, so each job-start has its job-end, as in endWorked.
 */
export async function endDetached(run: RunSetup, prep: Prepared, states: JobState[]): Promise<RunReport> {
  const { root, runId } = run;
  for (const s of states) {
    if (s.phase !== 'done') finish(s, 'skipped', `waiting for a batch: run \`orchestrate resume ${runId}\``);
    settle(s, run);
  }
  await saveBatches(root, runId, run.submitted);
  const report = reportOf(run, prep, states, 'detached');
  report.warnings.push(`detached: the batch runs on OpenAI's side; collect it with \`orchestrate resume ${runId}\``);
  await writeReport(root, report);
  run.emit({ type: 'done', report });
  endJournal(run.journal, report.status);
  return report;
}

/**
 * Ends a run that worked: every job not committed fails, the status follows from the ledger, the stop and the failures,
 * and the report is written. A fatal call failure (e.g. a refused key) then rejects, naming the report.
 */
export async function endWorked(
  run: RunSetup,
  prep: Prepared,
  states: JobState[],
  ctx: PhaseContext,
  commits: RunReport['commits'],
): Promise<RunReport> {
  const { options, root, runId } = run;
  for (const s of states) {
    if (s.phase !== 'done') {
      s.phase = 'done';
      s.status = 'failed';
      s.error ??= 'not committed';
    }
    settle(s, ctx);
  }
  const failed = states.some((s) => s.status !== 'succeeded');
  const stopped = Boolean(options.stop?.aborted || options.signal?.aborted) && failed;
  const status: RunStatus = prep.ledger.budgetReached
    ? 'budget-exceeded'
    : stopped
      ? 'interrupted'
      : failed
        ? 'completed-with-failures'
        : 'completed';
  run.emit({ type: 'phase', phase: 'report' });
  const report = reportOf(run, prep, states, status, commits);
  report.replayedCalls = run.replay.replayed;
  report.replayedVerdicts = run.replay.verdicts;
  await writeReport(root, report);
  endJournal(run.journal, status);
  run.emit({ type: 'done', report });
  if (ctx.fatal) {
    throw new ModelError(`The run stopped: ${ctx.fatal.message} (report: .orchestrate/runs/${runId}/report.json)`);
  }
  return report;
}
