// `orchestrate run --plan <file> [--shard i/N] [--out dir]`: one run from a saved plan, resumable, then its bundle.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EnvironmentError, UsageError, type RunReport, type ShardBundle } from '@orchestrate/core';
import { locateRepo } from '@orchestrate/repo';
import { runTask, type RunTaskOptions } from '../run-task.js';
import { readJournal } from '../runs/journal.js';
import { runDir } from '../runs/report.js';
import { journalProgress } from '../runs/runs.js';
import { writeBundle } from './bundle.js';
import { assertBaseCommit, assertShardOfPlan, planRunId, readPlanFile } from './from-plan.js';

/** Options of a run from a plan file: a run's (engine, concurrency, budget, models, `-C`…), the plan, shard and output. */
export interface RunFromPlanOptions extends Omit<RunTaskOptions, 'task' | 'from' | 'resume' | 'runId' | 'fromPlan'> {
  /** The plan file's path. */
  planFile: string;
  /** The shard to run (`--shard i/N`); none: the whole plan as one run. */
  shard?: { index: number; total: number };
  /** The bundle's folder (`--out`); required with a shard, refused without one (a bundle is a shard's). */
  out?: string;
}

/** How a run from a plan went: its report, the bundle written (null without `out`), and whether the run was redone. */
export interface RunFromPlanResult {
  report: RunReport;
  bundle: ShardBundle | null;
  /** `new`, `resumed` (an interrupted run of the same command), or `finished` (it had ended: its bundle is rewritten). */
  how: 'new' | 'resumed' | 'finished';
}

/**
 * Runs a saved plan (or one shard of it) with no planner call: from the plan's base commit, with the shard's jobs and
 * its budget share unless `budgetUsd` is given. The run id is deterministic: run again after a kill, it resumes
 * (answers already journaled are not paid again); run again after it ended, it rewrites the bundle from it. A run that
 * fails after writing its report still writes its bundle, then rejects.
 */
export async function runFromPlan(options: RunFromPlanOptions): Promise<RunFromPlanResult> {
  const { planFile, shard, out, ...run } = options;
  if (shard && out === undefined) {
    throw new UsageError("--shard writes a bundle: add --out <dir> (the folder to upload as the shard's artifact).");
  }
  if (!shard && out !== undefined) {
    throw new UsageError(
      "--out writes a shard's bundle: add --shard i/N (a `shard` value of the plan's matrix). Without --shard, " +
        '`run --plan` runs the whole plan on one run branch and writes no bundle.',
    );
  }
  const file = await readPlanFile(planFile);
  if (shard) assertShardOfPlan(file, shard);
  const { root } = await locateRepo(path.resolve(options.cwd ?? process.cwd()));
  await assertBaseCommit(root, file);
  const runId = planRunId(file, shard);
  const state = await runState(root, runId);
  const share = shard ? file.shards.find((s) => s.index === shard.index)!.budgetUsd : file.budgetUsd;
  const budgetUsd = run.budgetUsd ?? share ?? undefined;
  const bundleOf = async (report: RunReport) =>
    out === undefined ? null : writeBundle({ root, out, plan: file, shard: shard ?? { index: 1, total: 1 }, report });
  if (state.kind === 'finished') return { report: state.report, bundle: await bundleOf(state.report), how: 'finished' };
  const fromPlan = shard ? { file, shard } : { file };
  const asked: RunTaskOptions = {
    ...run,
    task: file.task,
    from: file.baseCommit,
    fromPlan,
    ...(budgetUsd !== undefined ? { budgetUsd } : {}),
    ...(state.kind === 'resumable' ? { resume: runId } : { runId }),
  };
  try {
    const report = await runTask(asked);
    return { report, bundle: await bundleOf(report), how: state.kind === 'resumable' ? 'resumed' : 'new' };
  } catch (err) {
    if (err instanceof EnvironmentError && err.code === 'E_BRANCH_EXISTS') throw branchTaken(runId, shard);
    // A run that failed after its report was written (a model failure that stopped it) still leaves its bundle.
    const written = await readReport(root, runId);
    if (written && written.status !== 'interrupted') await bundleOf(written).catch(() => undefined);
    throw err;
  }
}

/** E_BRANCH_EXISTS for a run from a plan: its id is fixed, so "run again for a new id" would not help. */
function branchTaken(runId: string, shard?: { index: number; total: number }): EnvironmentError {
  const what = shard ? `shard ${shard.index}/${shard.total}` : 'the plan';
  const branch = `orchestrate/${runId}`;
  return new EnvironmentError(
    'E_BRANCH_EXISTS',
    `Branch ${branch} already exists: another run of ${what} is running here (or was killed before it kept its ` +
      'journal). Wait for it to end and run the same command again (it resumes, or writes its bundle again); if none ' +
      `is running, delete the branch (\`git branch -D ${branch}\`) and ${path.join('.orchestrate', 'runs', runId)}, then run again.`,
  );
}

type RunStateOf = { kind: 'none' } | { kind: 'resumable' } | { kind: 'finished'; report: RunReport };

/** Whether the run of this id is new, can be resumed (interrupted), or has ended (its report); else E_USAGE. */
async function runState(root: string, runId: string): Promise<RunStateOf> {
  const records = readJournal(root, runId);
  const report = await readReport(root, runId);
  if (!records) return report ? { kind: 'finished', report } : { kind: 'none' };
  const progress = journalProgress(records);
  if (progress.status === 'running') {
    throw new UsageError(
      `The run ${runId} is still running (process ${progress.pid}): wait for it to end, or stop it.`,
    );
  }
  if (progress.status === 'interrupted' || report?.status === 'detached') return { kind: 'resumable' };
  if (progress.status === 'undone') {
    throw new UsageError(
      `The run ${runId} was undone: remove ${path.join('.orchestrate', 'runs', runId)} to run this shard again.`,
    );
  }
  if (report) return { kind: 'finished', report };
  throw new UsageError(
    `The run ${runId} ended ${progress.status} without a report: remove ${path.join('.orchestrate', 'runs', runId)} and run again.`,
  );
}

async function readReport(root: string, runId: string): Promise<RunReport | null> {
  const text = await readFile(path.join(runDir(root, runId), 'report.json'), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    return JSON.parse(text) as RunReport;
  } catch {
    return null;
  }
}
