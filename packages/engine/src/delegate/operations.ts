// The delegation tools that block or only read: plan (a dry run), review, list, apply and undo through the same
// engine functions the CLI uses, and status, result and cancel of runs this process does not hold (read from disk).
import { UsageError, type RunReport } from '@orchestrate/core';
import type { RunTaskOptions } from '../run-options.js';
import { runTask } from '../run-task.js';
import { applyRun } from '../runs/apply.js';
import { listRuns, showRun, type RunDetail } from '../runs/runs.js';
import { undoRun } from '../runs/undo.js';
import { parseReviewRange } from '../shell/review-range.js';
import type { ManagedRun } from './registry.js';
import { resolveInRoots } from './roots.js';
import type {
  ApplyInput,
  ApplyOutput,
  CancelInput,
  CancelOutput,
  ListInput,
  ListOutput,
  PlanOutput,
  ResultInput,
  ResultOutput,
  ReviewInput,
  ReviewOutput,
  StatusInput,
  StatusOutput,
  UndoInput,
  UndoOutput,
} from './schemas.js';
import {
  applySummary,
  cancelSummary,
  listSummary,
  planSummary,
  resultSummary,
  reviewSummary,
  statusSummary,
  undoSummary,
} from './summary.js';
import { commitView, diskStatusState, pendingView, planView, resultView, reviewView, runInfoView } from './views.js';

/** A dry run: the plan and its estimate (nothing is created). */
export async function planOp(options: RunTaskOptions): Promise<PlanOutput> {
  const view = planView(await runTask(options));
  return { summary: planSummary(view), ...view };
}

/**
 * A review: `launch` starts it as a managed run (the limits apply: it is a run), then it is awaited; a stop of `signal`
 * stops it as a cancel does. Its failure is thrown as it was thrown.
 */
export async function reviewOp(
  input: ReviewInput,
  signal: AbortSignal | undefined,
  launch: (task: string, review: NonNullable<RunTaskOptions['review']>) => Promise<ManagedRun>,
): Promise<ReviewOutput> {
  const { base, head } = parseReviewRange(input.range);
  const review = { base, head, ...(input.workingTree !== undefined && { workingTree: input.workingTree }) };
  const run = await launch(`review ${input.range ?? 'the current branch'}`, review);
  const stop = () => run.stopper.requestStop();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    await run.ended;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
  if (!run.report) throw run.cause;
  const view = reviewView(run.report);
  return { summary: reviewSummary(view), ...view };
}

/** The runs of the repository at `cwd`, newest first (at most `limit`, default 20). */
export async function listOp(roots: readonly string[], input: ListInput): Promise<ListOutput> {
  const { repoRoot } = await resolveInRoots(roots, input.cwd);
  const runs = (await listRuns({ cwd: repoRoot })).slice(0, input.limit ?? 20).map(runInfoView);
  const view = { runs };
  return { summary: listSummary(view), ...view };
}

/** `orchestrate apply` inside the roots. */
export async function applyOp(roots: readonly string[], input: ApplyInput): Promise<ApplyOutput> {
  const { repoRoot } = await resolveInRoots(roots, input.cwd);
  const view = await applyRun({ cwd: repoRoot, runId: input.runId });
  return { summary: applySummary(view), ...view };
}

/** `orchestrate undo` inside the roots. */
export async function undoOp(roots: readonly string[], input: UndoInput): Promise<UndoOutput> {
  const { repoRoot } = await resolveInRoots(roots, input.cwd);
  const view = await undoRun({ cwd: repoRoot, runId: input.runId, ...(input.force && { force: true }) });
  return { summary: undoSummary(view), ...view };
}

/** A run read from the repository at `cwd` (inside the roots): its report, else its journal. */
async function readRun(roots: readonly string[], runId: string, cwd: string | undefined): Promise<RunDetail> {
  const { repoRoot } = await resolveInRoots(roots, cwd);
  return showRun({ cwd: repoRoot, runId });
}

/** A commit an unfinished run's journal recorded: its sha and step (the subject and files are in git). */
const journalCommit = (c: { sha: string; detail: string | null }) => ({
  sha: c.sha,
  stepId: c.detail ?? '',
  subject: '',
  jobs: 0,
  files: [],
});

/** The status of a run this process does not hold, from its files: no events, no progress beyond the job counts. */
export async function diskStatus(roots: readonly string[], input: StatusInput): Promise<StatusOutput> {
  const run = await readRun(roots, input.runId, input.cwd);
  const state = diskStatusState(run.status);
  const j = run.jobs;
  const done = j.succeeded + j.failed + j.skipped;
  const report: RunReport | null = run.report;
  const view = {
    runId: run.id,
    state,
    finished: state !== 'running',
    phase: state === 'running' ? null : 'report',
    jobs: { total: j.total, done, failed: j.failed + j.skipped, running: 0, queued: Math.max(0, j.total - done) },
    tokens: report ? Object.values(report.usage).reduce((n, u) => n + u.inputTokens + u.outputTokens, 0) : 0,
    costUsd: run.costUsd,
    budgetUsd: report?.budgetUsd ?? null,
    elapsedMs: report?.durationMs ?? 0,
    etaMs: null,
    throttled: null,
    events: [],
    nextSeq: 0,
    error: null,
  };
  return { summary: statusSummary(view), ...view };
}

/** The result of a run this process does not hold, from its files. */
export async function diskResult(roots: readonly string[], input: ResultInput): Promise<ResultOutput> {
  const run = await readRun(roots, input.runId, input.cwd);
  const view = run.report
    ? await resultView(run.report)
    : pendingView({
        id: run.id,
        finished: run.status !== 'running',
        status: run.status === 'running' ? null : run.status,
        baseCommit: run.baseCommit,
        branch: run.branch,
        commits: run.commits.map(journalCommit),
        jobs: run.jobs,
        costUsd: run.costUsd,
        budgetUsd: null,
        error: null,
      });
  return { summary: resultSummary(view, run.engine), ...view };
}

/** A cancel of a run this process does not hold: a run of another process is that process's to stop. */
export async function diskCancel(roots: readonly string[], input: CancelInput): Promise<CancelOutput> {
  const run = await readRun(roots, input.runId, input.cwd);
  if (run.status === 'running') {
    throw new UsageError(
      `Run ${run.id} runs in another process (${run.pid ?? 'unknown'}), not in this server: stop it there (Ctrl-C, or \`kill ${run.pid ?? '<pid>'}\`).`,
    );
  }
  const state = diskStatusState(run.status);
  const resumable = run.status === 'interrupted';
  const commits = run.report
    ? run.report.commits.map((c) => ({
        sha: c.sha,
        stepId: c.stepId,
        subject: c.message.split('\n')[0] ?? '',
        jobs: c.jobs,
        files: c.files ?? [],
      }))
    : run.commits.map(journalCommit);
  const view = { runId: run.id, state, commits, resumable, resume: resumable ? `orchestrate resume ${run.id}` : null };
  return { summary: cancelSummary(view), ...view };
}
