// The one place a RunEvent becomes an event line (`orchestrate exec --json`, run_status, the Agents SDK tool), so
// every shell prints the same contract (core/event-lines.ts). Stateful per run: the sequence number, the run id, the
// plan (its `planned` event is paired with `expanded` into one plan.completed line) and where the report was written.
import path from 'node:path';
import {
  EVENT_LINES_VERSION,
  REPORT_HINT,
  type EventLine,
  type EventLineOf,
  type EventLineType,
  type Job,
  type Plan,
  type ReportCommit,
  type ReportItem,
  type RunEvent,
  type RunReport,
} from '@orchestrate/core';
import { errorInfo } from './errors.js';
import { runExitCode } from './exit.js';

/** The most jobs a plan.completed line lists: every job has job.* lines, and a consumer must not meet a 50 MB line. */
export const PLAN_LINE_MAX_JOBS = 1000;

/** Turns a run's events into its lines, in order (stateful: the sequence number, the run id, the plan). */
export interface EventLineRenderer {
  /** The lines an event gives (none for the events that have no line, and none before `run-start`). */
  push(event: RunEvent): EventLine[];
  /** The `error` line for a run that threw: the last line of the run. */
  error(err: unknown, at?: { runId?: string | null }): EventLine;
}

/** A line's own fields: the common ones are the renderer's. */
type Fields<T extends EventLineType> = Omit<EventLineOf<T>, 'type' | 'run_id' | 'seq' | 'ts'>;

/** A renderer for one run. */
export function createEventLines(options: { now?: () => Date } = {}): EventLineRenderer {
  const now = options.now ?? (() => new Date());
  let seq = 0;
  let runId: string | null = null;
  let plan: Plan | null = null;
  let reportPath: string | null = null;
  // Events before `run-start` (the setup phase, a throttle) wait for it: run.started is always the first line, and a
  // run that fails before it has only its error line.
  let early: RunEvent[] | null = [];

  const make = <T extends EventLineType>(type: T, fields: Fields<T>): EventLine =>
    ({ type, run_id: runId, seq: seq++, ts: now().toISOString(), ...fields }) as unknown as EventLine;

  const render = (e: RunEvent): EventLine[] => {
    switch (e.type) {
      case 'run-start':
        return [make('run.started', runStarted(e))];
      case 'phase':
        return [make('phase.started', { phase: e.phase, detail: e.detail ?? null })];
      case 'indexed':
        return [make('index.completed', { ...counts(e, ['files', 'declarations', 'skipped', 'ms']) })];
      case 'planned':
        plan = e.plan;
        return [];
      case 'expanded':
        return [make('plan.completed', planCompleted(plan, e.jobs, e.estimate))];
      case 'warning':
        return [make('warning', { message: e.message })];
      case 'job-start':
        return [
          make('job.started', {
            ...jobOf(e.job),
            model: e.model ?? null,
            attempt: e.attempt ?? null,
            pack: e.pack ?? null,
          }),
        ];
      case 'job-verified':
        return [make('job.verified', { job_id: e.job.id })];
      case 'job-end':
        return [make(e.status === 'succeeded' ? 'job.completed' : 'job.failed', jobEnd(e))];
      case 'verify-done':
        return [make('verify.completed', counts(e, ['round', 'verified', 'rejected', 'failed', 'calls']))];
      case 'commit':
        return [
          make('commit.created', {
            sha: e.sha,
            step_id: e.stepId,
            subject: e.subject ?? '',
            jobs: e.jobs,
            files: e.files ?? [],
          }),
        ];
      case 'budget-reached':
        return [make('budget.reached', { model: e.model, spent_usd: e.spentUsd, budget_usd: e.budgetUsd })];
      case 'throttle':
        return [make('throttled', { model: e.model, concurrency: e.concurrency, reason: e.reason })];
      case 'done':
        reportPath = e.report.status === 'dry-run' ? null : reportFile(e.report);
        return [make('run.completed', runCompleted(e.report, reportPath))];
      case 'job-worked':
      case 'usage':
        return [];
      default:
        return unknownEvent(e);
    }
  };

  return {
    push(event) {
      if (early && event.type !== 'run-start') {
        early.push(event);
        return [];
      }
      if (event.type === 'run-start') {
        runId = event.runId;
        const waiting = early ?? [];
        early = null;
        return [...render(event), ...waiting.flatMap(render)];
      }
      return render(event);
    },
    error(err, at) {
      if (at?.runId !== undefined && at.runId !== null) runId = at.runId;
      const info = errorInfo(err);
      const message =
        info.code === 'E_INTERNAL' && !info.message.includes(REPORT_HINT)
          ? `${info.message} ${REPORT_HINT}`
          : info.message;
      return make('error', {
        code: info.code,
        message,
        exit_code: info.exitCode,
        resume: info.code === 'E_INTERRUPTED' && runId ? `orchestrate resume ${runId}` : null,
        report_path: reportPath,
      });
    },
  };
}

/** An event type this renderer does not know yet (added to RunEvent later): no line, rather than a wrong one. */
function unknownEvent(e: never): EventLine[] {
  void e;
  return [];
}

/** Whole numbers from an event (times and estimates may be fractional; the lines say integer). */
function counts<E extends object, K extends keyof E & string>(e: E, keys: K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, Math.max(0, Math.round(Number(e[k])))])) as Record<K, number>;
}

function runStarted(e: Extract<RunEvent, { type: 'run-start' }>): Fields<'run.started'> {
  return {
    schema: EVENT_LINES_VERSION,
    task: e.task ?? null,
    engine: e.engine,
    models: e.models ? { planner: e.models.planner, worker: e.models.worker, verifier: e.models.verifier } : null,
    base_commit: e.baseCommit,
    branch: e.dryRun ? null : e.branch,
    dry_run: e.dryRun ?? null,
    resumed: e.resumed ?? null,
    scope: e.scope ?? null,
    budget_usd: e.budgetUsd ?? null,
    dirty: e.dirty,
  };
}

function jobOf(job: Job): Fields<'job.verified'> & Omit<Fields<'job.started'>, 'model' | 'attempt' | 'pack'> {
  return { job_id: job.id, step_id: job.stepId, kind: job.kind, file: job.file, symbol: job.symbol };
}

/** A job's end; until every producer sends `item`, what it lacks is null. */
function jobEnd(e: Extract<RunEvent, { type: 'job-end' }>): Fields<'job.completed'> {
  const item: ReportItem | undefined = e.item;
  return {
    ...jobOf(e.job),
    status: e.status,
    model: item?.model ?? null,
    attempts: item ? item.attempts.length : null,
    tokens: item
      ? { input: item.tokens.input, cached_input: item.tokens.cachedInput, output: item.tokens.output }
      : null,
    cost_usd: item ? item.costUsd : null,
    reason: item ? item.error : e.error,
    verdict: item?.verdict ?? null,
    unchanged: item ? item.unchanged === true : null,
    ...escalatedOf(item),
  };
}

/** The reason a job's worker escalated it, when it did (`escalated` is absent otherwise). */
function escalatedOf(item: ReportItem | undefined): { escalated?: string } {
  const reason = item?.attempts.find((a) => a.escalated !== undefined)?.escalated;
  return reason === undefined ? {} : { escalated: reason };
}

function planCompleted(
  plan: Plan | null,
  jobs: Job[],
  estimate: Extract<RunEvent, { type: 'expanded' }>['estimate'],
): Fields<'plan.completed'> {
  const steps = (plan?.steps ?? []).map((s) => ({
    id: s.id,
    kind: s.kind,
    variant: s.variant,
    paths: [...s.selector.paths],
    instructions: s.instructions,
    ...(s.model ? { model: s.model } : {}),
  }));
  const listed = jobs.slice(0, PLAN_LINE_MAX_JOBS);
  return {
    source: plan?.source ?? 'unknown',
    steps,
    jobs: listed.map((j) => ({ id: j.id, step_id: j.stepId, kind: j.kind, file: j.file, symbol: j.symbol })),
    jobs_total: jobs.length,
    jobs_truncated: listed.length < jobs.length,
    estimate: {
      cost_usd_low: estimate.costUsdLow,
      cost_usd_high: estimate.costUsdHigh,
      per_model: Object.fromEntries(
        Object.entries(estimate.perModel).map(([model, m]) => [
          model,
          {
            ...counts(m, ['calls']),
            input_tokens: Math.round(m.inputTokens),
            output_tokens: Math.round(m.outputTokens),
            cost_usd_low: m.costUsdLow,
            cost_usd_high: m.costUsdHigh,
          },
        ]),
      ),
    },
  };
}

/** Where a written report lies: `.orchestrate/runs/<id>/report.json` in the repository (absolute). */
function reportFile(report: RunReport): string {
  return path.join(report.repo, '.orchestrate', 'runs', report.id, 'report.json');
}

function commitOf(c: ReportCommit): Fields<'commit.created'> {
  return { sha: c.sha, step_id: c.stepId, subject: c.message.split('\n')[0] ?? '', jobs: c.jobs, files: c.files ?? [] };
}

function runCompleted(report: RunReport, reportPath: string | null): Fields<'run.completed'> {
  const { jobs } = report;
  return {
    status: report.status,
    exit_code: runExitCode(report),
    jobs: {
      total: jobs.total,
      succeeded: jobs.succeeded,
      failed: jobs.failed,
      skipped: jobs.skipped,
      unchanged: jobs.unchanged ?? 0,
    },
    usage: Object.fromEntries(
      Object.entries(report.usage).map(([model, u]) => [
        model,
        {
          requests: u.requests,
          input_tokens: u.inputTokens,
          cached_input_tokens: u.cachedInputTokens,
          output_tokens: u.outputTokens,
          cost_usd: u.costUsd,
        },
      ]),
    ),
    total_cost_usd: report.costUsd,
    budget_usd: report.budgetUsd,
    branch: report.branch,
    base_commit: report.baseCommit,
    commits: report.commits.map(commitOf),
    report_path: reportPath,
    duration_ms: Math.max(0, Math.round(report.durationMs)),
    warnings: [...report.warnings],
  };
}
