// The runs a delegating agent starts, in one process (the MCP server, the Agents SDK tool): each is a runTask() whose
// events the manager keeps, so start returns at once and status, result and cancel answer from memory (or from the
// run's files on disk for a run of another process, or one this process no longer keeps).
import { UsageError, type EventLine } from '@orchestrate/core';
import { newRunId, type RunTaskOptions } from '../run-options.js';
import { assertRunId } from '../runs/runs.js';
import type { ProgressState } from '../shell/progress.js';
import { launch, waitFor } from './launch.js';
import { applyOp, diskCancel, diskResult, diskStatus, listOp, planOp, reviewOp, undoOp } from './operations.js';
import { isFinished, RunRegistry, type ManagedRun } from './registry.js';
import { realRoots, resolveInRoots } from './roots.js';
import type {
  ApplyInput,
  ApplyOutput,
  CancelInput,
  CancelOutput,
  ListInput,
  ListOutput,
  PlanInput,
  PlanOutput,
  ResultInput,
  ResultOutput,
  ReviewInput,
  ReviewOutput,
  RunInput,
  StartInput,
  StartOutput,
  StatusInput,
  StatusOutput,
  UndoInput,
  UndoOutput,
} from './schemas.js';
import { cancelSummary, resultSummary, startSummary, statusSummary } from './summary.js';
import { pendingView, resultView } from './views.js';

/** How a delegating process runs its runs: the roots it may act in and the defaults and limits of its flags. */
export interface DelegateOptions {
  /** The folders runs may act in (realpath'd at construction); an empty list is refused. */
  roots: string[];
  /** @default process.env */
  env?: Record<string, string | undefined>;
  /** The server's flags: what a tool call does not set. */
  defaults?: Pick<RunTaskOptions, 'engine' | 'concurrency' | 'budgetUsd' | 'models' | 'configFile'>;
  /** Each run's budget is min(asked, this); a run that asks none gets this. */
  maxBudgetUsd?: number | null;
  /** Runs in flight in this process. @default 2 */
  maxRuns?: number;
  /** After a stop, model calls still in flight are aborted after this. @default 20_000 */
  graceMs?: number;
  /** Event lines kept per run. @default 500 */
  keepLines?: number;
  now?: () => number;
}

/** What a waiting call hears as a run goes on: its progress and the event line that moved it. */
export type ProgressListener = (state: ProgressState, line: EventLine) => void;

/** The run knobs of a tool call (engine, models, budget, concurrency) over the server's flags. */
export type Knobs = Pick<PlanInput, 'engine' | 'models' | 'budgetUsd' | 'concurrency'>;

/** Starts, watches, stops and reads the runs of one delegating process. */
export class RunManager {
  private readonly roots: string[];
  private readonly registry = new RunRegistry();
  private closed = false;
  constructor(readonly options: DelegateOptions) {
    this.roots = realRoots(options.roots);
  }
  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
  /** runTask's options for a call: the call's knobs over the server's flags, the budget capped, no confirm. */
  private runOptions(knobs: Knobs, task: string, cwd: string): RunTaskOptions {
    const d = this.options.defaults ?? {};
    const max = this.options.maxBudgetUsd ?? null;
    const asked = knobs.budgetUsd ?? d.budgetUsd;
    const budgetUsd = asked === undefined ? (max ?? undefined) : max === null ? asked : Math.min(asked, max);
    const models = d.models || knobs.models ? { ...d.models, ...knobs.models } : undefined;
    const o: RunTaskOptions = { task, cwd, env: this.options.env ?? process.env };
    const engine = knobs.engine ?? d.engine;
    const concurrency = knobs.concurrency ?? d.concurrency;
    // configFile only ever comes from the server's flags: jiti executes a config, so a tool call may not name one.
    return Object.assign(
      o,
      engine && { engine },
      concurrency && { concurrency },
      budgetUsd !== undefined && { budgetUsd },
      models && { models },
      d.configFile && { configFile: d.configFile },
    );
  }
  /** Refuses a run the limits do not allow: one per repository (git's locks), `maxRuns` per process, none after close. */
  private admit(repoRoot: string): void {
    if (this.closed) throw new UsageError('This server is shutting down: it starts no new run.');
    const running = this.registry.running();
    const here = running.find((r) => r.repoRoot === repoRoot);
    if (here) {
      throw new UsageError(
        `Run ${here.id} is in progress in this repository; wait for it (run_status, run_result) or stop it (cancel_run ${here.id}), then start again.`,
      );
    }
    const max = this.options.maxRuns ?? 2;
    if (running.length >= max) {
      const ids = running.map((r) => r.id).join(', ');
      throw new UsageError(
        `This server runs at most ${max} run(s) at once and ${ids} ${running.length === 1 ? 'is' : 'are'} in progress; wait for one to end (run_result) or cancel it (cancel_run).`,
      );
    }
  }
  /** Launches a run after the roots and limits allow it; resolves at its `run-start` (setup errors reject). */
  private async launchRun(input: Knobs & { cwd?: string; resume?: string }, extra: Partial<RunTaskOptions>) {
    if (input.resume !== undefined) assertRunId(input.resume);
    const { cwd, repoRoot } = await resolveInRoots(this.roots, input.cwd);
    this.admit(repoRoot);
    const run = { ...this.runOptions(input, extra.task ?? '', cwd), ...extra };
    if (input.resume !== undefined) run.resume = input.resume;
    const id = input.resume ?? newRunId(new Date(this.now()));
    const launched = launch({
      id,
      repoRoot,
      budgetUsd: run.budgetUsd ?? null,
      run,
      graceMs: this.options.graceMs ?? 20_000,
      keepLines: this.options.keepLines ?? 500,
      now: () => this.now(),
      registry: this.registry,
    });
    await launched.started;
    return launched.run;
  }
  /** A dry run: the plan, its jobs and their estimate; blocks until planned. */
  async plan(input: PlanInput, signal?: AbortSignal): Promise<PlanOutput> {
    const { cwd } = await resolveInRoots(this.roots, input.cwd);
    return planOp({ ...this.runOptions(input, input.task, cwd), dryRun: true, ...(signal && { signal }) });
  }
  /** Starts a run and resolves once it has its id and branch (setup errors reject). */
  async start(input: StartInput): Promise<StartOutput> {
    const run = await this.launchRun(input, { task: input.task, ...(input.batch && { batch: true }) });
    const view = {
      runId: run.id,
      branch: run.branch ?? `orchestrate/${run.id}`,
      baseCommit: run.baseCommit ?? '',
      engine: run.engine ?? 'offline',
      state: 'running' as const,
    };
    return { summary: startSummary(view, input.resume !== undefined), ...view };
  }
  /** Where a run stands: phase, counts, cost, the latest event lines. */
  async status(input: StatusInput): Promise<StatusOutput> {
    assertRunId(input.runId);
    const run = this.registry.get(input.runId);
    if (!run) return diskStatus(this.roots, input);
    const p = run.progress;
    const finished = isFinished(run);
    const elapsedMs = (run.endedAt ?? this.now()) - run.startedAt;
    const view = {
      runId: run.id,
      state: run.state,
      finished,
      phase: p.phase,
      jobs: { total: p.total, done: p.done, failed: p.failed, running: p.running, queued: p.queued },
      tokens: p.tokens,
      costUsd: p.costUsd,
      budgetUsd: p.budgetUsd ?? run.budgetUsd,
      elapsedMs,
      etaMs: finished ? null : p.etaMs,
      throttled: p.throttled,
      events: run.lines.latest(input.events ?? 20, input.sinceSeq ?? 0),
      nextSeq: run.nextSeq,
      error: run.error,
    };
    return { summary: statusSummary(view), ...view };
  }
  /** Waits up to `timeoutMs` for a run to end; true when it ended (or is not this process's to wait for). */
  async wait(
    runId: string,
    o: { signal?: AbortSignal; timeoutMs: number; onProgress?: ProgressListener },
  ): Promise<boolean> {
    const run = this.registry.get(runId);
    if (!run) return true;
    const onProgress = o.onProgress;
    const onLine = onProgress && ((line: EventLine) => onProgress(run.progress, line));
    return waitFor(run, { timeoutMs: o.timeoutMs, ...(o.signal && { signal: o.signal }), ...(onLine && { onLine }) });
  }
  /** A run's result (waiting up to `waitSec`); `finished: false` while it goes on. */
  async result(input: ResultInput): Promise<ResultOutput> {
    assertRunId(input.runId);
    const run = this.registry.get(input.runId);
    if (!run) return diskResult(this.roots, input);
    await waitFor(run, { timeoutMs: (input.waitSec ?? 0) * 1000 });
    return managedResult(run);
  }
  /** Stops a run as Ctrl-C does (verified work is committed) and waits up to `waitSec` for its end. */
  async cancel(input: CancelInput): Promise<CancelOutput> {
    assertRunId(input.runId);
    const run = this.registry.get(input.runId);
    if (!run) return diskCancel(this.roots, input);
    if (!isFinished(run)) {
      run.state = 'stopping';
      run.stopper.requestStop();
      await waitFor(run, { timeoutMs: (input.waitSec ?? 30) * 1000 });
    }
    const resumable = run.state === 'interrupted' || run.state === 'stopping';
    const view = {
      runId: run.id,
      state: run.state,
      commits: run.commits,
      resumable,
      resume: resumable ? `orchestrate resume ${run.id}` : null,
    };
    return { summary: cancelSummary(view), ...view };
  }
  /** start + wait + result; an abort of `signal` cancels the run (gracefully: verified work is committed). */
  async run(input: RunInput, o: { signal?: AbortSignal; onProgress?: ProgressListener } = {}): Promise<ResultOutput> {
    const started = await this.start(input);
    const timeoutMs = (input.waitSec ?? 240) * 1000;
    await this.wait(started.runId, { timeoutMs, ...o });
    if (o.signal?.aborted) await this.cancel({ runId: started.runId, waitSec: 0 });
    return this.result({ runId: started.runId });
  }
  /** Reviews a range (or the working tree) and returns its annotations. */
  async review(input: ReviewInput, signal?: AbortSignal): Promise<ReviewOutput> {
    return reviewOp(input, signal, (task, review) => this.launchRun(input, { task, review }));
  }
  /** The runs of a repository, newest first. */
  async list(input: ListInput): Promise<ListOutput> {
    return listOp(this.roots, input);
  }
  /** Merges a finished run's branch into the user's current branch (as `orchestrate apply`). */
  async apply(input: ApplyInput): Promise<ApplyOutput> {
    this.refuseRunning(input.runId, 'apply');
    return applyOp(this.roots, input);
  }
  /** Deletes a run's branch and worktree (as `orchestrate undo`). */
  async undo(input: UndoInput): Promise<UndoOutput> {
    this.refuseRunning(input.runId, 'undo');
    return undoOp(this.roots, input);
  }
  private refuseRunning(runId: string, what: string): void {
    const run = this.registry.get(runId);
    if (run && !isFinished(run)) {
      throw new UsageError(
        `Run ${runId} is still running: wait for it (run_result) or stop it (cancel_run), then ${what} it.`,
      );
    }
  }
  /** Stops every run gracefully, waits `graceMs`, then aborts: for shutdown. */
  async close(): Promise<void> {
    this.closed = true;
    const running = this.registry.running();
    for (const run of running) {
      run.state = 'stopping';
      run.stopper.requestStop();
    }
    const graceMs = this.options.graceMs ?? 20_000;
    await Promise.all(running.map((run) => waitFor(run, { timeoutMs: graceMs })));
    for (const run of running) if (!isFinished(run)) run.stopper.abortNow();
    // An aborted run ends at once (its model calls, the planner's too, take the abort), but a gate's command or a git
    // child may still be finishing: shutdown waits one more grace period, not forever; the journal resumes the rest.
    await Promise.all(running.map((run) => waitFor(run, { timeoutMs: graceMs })));
  }
}

/** The result of a run this process holds. */
async function managedResult(run: ManagedRun): Promise<ResultOutput> {
  const p = run.progress;
  const view = run.report
    ? await resultView(run.report, run.error)
    : pendingView({
        id: run.id,
        finished: isFinished(run),
        status: run.error ? 'failed' : null,
        baseCommit: run.baseCommit,
        branch: run.branch,
        commits: run.commits,
        jobs: { total: p.total, succeeded: Math.max(0, p.done - p.failed), failed: p.failed, skipped: 0 },
        costUsd: p.costUsd,
        budgetUsd: p.budgetUsd ?? run.budgetUsd,
        error: run.error,
      });
  return { summary: resultSummary(view, run.engine), ...view };
}
