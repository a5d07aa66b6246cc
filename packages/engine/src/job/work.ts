import { addUsage, priceUsage, type PlanStep, type ResolvedConfig, type RunEventListener, type UsageLedger } from '@orchestrate/core';
import { CallFailed, type ModelClient } from '@orchestrate/agents';
import { isNeedsModel, JobRejected, jobKind, type KindContext } from '@orchestrate/jobs';
import type { LimitFunction } from 'p-limit';
import { holdVerification, releaseHold } from './budget.js';
import { finish, type JobState } from './state.js';
import { callFailed, nextModel, reject } from './ladder.js';
import { jobContext } from './context.js';
import { estimateParts } from '../tokens.js';

/** Tokens the output schema adds to a worker request's input. */
export const SCHEMA_OVERHEAD_TOKENS = 200;

/** Context shared by the phases of a run. */
export interface PhaseContext {
  config: ResolvedConfig;
  client: ModelClient | null;
  ledger: UsageLedger;
  emit: RunEventListener;
  /** Aborts calls in flight. */
  signal: AbortSignal | undefined;
  /** Starts no new job or call (a graceful stop: calls in flight finish). */
  stop?: AbortSignal | undefined;
  kinds: KindContext;
  /** Verdicts per job question: those an earlier process of the run received, and where new ones are kept. */
  verdicts?: {
    lookup(key: string): { accept: boolean; reason: string } | undefined;
    record(key: string, verdict: { accept: boolean; reason: string }, job: { id: string; symbol: string | null }): void;
  };
  /** The run's one concurrency limit, shared by worker and verifier calls. */
  limit: LimitFunction;
  /** Set when a call failed in a way that must stop the run (e.g. the API rejected the key). */
  fatal: { message: string } | null;
}

/** Whether the run was stopped or aborted: no new job or call starts. */
export function halted(ctx: Pick<PhaseContext, 'signal' | 'stop'>): boolean {
  return Boolean(ctx.signal?.aborted || ctx.stop?.aborted);
}

/** Whether a step's results go to the verifier model (config per kind, else the kind's default). */
export function verifies(step: PlanStep, ctx: Pick<PhaseContext, 'config' | 'client'>): boolean {
  if (!ctx.client) return false;
  return ctx.config.kinds[step.kind]?.verify ?? jobKind(step.kind).verifyByDefault(step);
}

const settled = new WeakSet<JobState>();

/** Emits a job's final status, once. */
export function settle(state: JobState, ctx: Pick<PhaseContext, 'emit'>): void {
  if (state.phase !== 'done' || settled.has(state)) return;
  settled.add(state);
  ctx.emit({ type: 'job-end', job: state.target.job, status: state.status!, error: state.error });
}

/** Works one job on its own: its worker call (or the offline rules), then its outcome. */
export async function workOne(state: JobState, ctx: PhaseContext): Promise<void> {
  const { target } = state;
  const kind = jobKind(target.job.kind);
  if (ctx.fatal) return finish(state, 'skipped', `run stopped: ${ctx.fatal.message}`);
  if (halted(ctx)) return finish(state, 'skipped', 'run interrupted');
  ctx.emit({ type: 'job-start', job: target.job });
  let output: unknown;
  if (!ctx.client || kind.deterministic?.(target, ctx.kinds)) {
    output = await kind.offline(target, ctx.kinds);
    state.model = 'offline';
    state.attempts.push({ model: 'offline', rejected: null });
    if (isNeedsModel(output)) {
      return finish(state, 'skipped', `needs a model: ${output.needsModel} (set OPENAI_API_KEY and run with --engine openai)`);
    }
  } else {
    const model = nextModel(state, ctx)!;
    const feedback = state.feedback ? `\n\nA previous attempt was rejected: ${state.feedback}\nFix that.` : '';
    const context = jobContext(target, ctx.kinds, ctx.config.maxJobInputTokens);
    const input = context + feedback;
    const instructions = kind.workerInstructions(target.step);
    const maxOut = ctx.config.maxOutputTokens.worker;
    // A job starts only when the budget covers its whole path: its worker call and its share of a verifier call.
    const hold = verifies(target.step, ctx) ? holdVerification(target, ctx) : null;
    if (verifies(target.step, ctx) && !hold) return finish(state, 'skipped', 'budget reached before this job started');
    const reservation = ctx.ledger.reserve(model, estimateParts(instructions, context, feedback) + SCHEMA_OVERHEAD_TOKENS, maxOut);
    if (!reservation) {
      if (hold) ctx.ledger.release(hold);
      return finish(state, 'skipped', 'budget reached before this job started');
    }
    state.verifyHold = hold;
    state.model = model;
    state.attempts.push({ model, rejected: null });
    try {
      const result = await ctx.client.call({
        role: 'worker',
        model,
        instructions,
        input,
        schema: kind.outputSchema(target, ctx.kinds),
        maxOutputTokens: maxOut,
        cacheKey: `orchestrate-worker-${target.job.kind}-v1`,
        signal: ctx.signal,
      });
      record(state, ctx, model, result.usage);
      output = result.output;
    } catch (err) {
      if (!(err instanceof CallFailed)) throw err;
      record(state, ctx, model, err.usage);
      if (err.fatal) ctx.fatal ??= { message: err.message };
      return callFailed(state, err, ctx);
    } finally {
      ctx.ledger.release(reservation);
    }
  }
  await applyOutput(state, output, ctx);
}

/** Turns a job's output into its outcome; output code will not write goes down the ladder. */
export async function applyOutput(state: JobState, output: unknown, ctx: PhaseContext): Promise<void> {
  try {
    state.outcome = await jobKind(state.target.job.kind).apply(state.target, output as never, ctx.kinds);
  } catch (err) {
    if (err instanceof JobRejected) return reject(state, `rejected before writing: ${err.message}`, ctx);
    throw err;
  }
  state.phase = 'ready';
}

/** Records a call's usage on the job and in the ledger, and tells observers. */
export function record(state: JobState | null, ctx: PhaseContext, model: string, usage: CallFailed['usage']): void {
  const cost = ctx.ledger.record(model, usage, ctx.client?.priceMultiplier ?? 1);
  if (state) {
    addUsage(state.usage, usage);
    state.costUsd += cost;
  }
  ctx.emit({ type: 'usage', model, total: ctx.ledger.total(), costUsd: ctx.ledger.spentUsd(), budgetUsd: ctx.config.budgetUsd ?? null });
}

/** Attributes a shared call's tokens and cost to its jobs in equal shares (for per-job reports and commit trailers). */
export function shareUsage(jobs: JobState[], usage: CallFailed['usage'], ctx: PhaseContext, model: string): void {
  const n = jobs.length;
  const cost = priceUsage(usage, ctx.config.prices[model]) * (ctx.client?.priceMultiplier ?? 1);
  jobs.forEach((s, i) => {
    const part = (total: number) => Math.floor(total / n) + (i < total % n ? 1 : 0);
    addUsage(s.usage, { requests: 0, inputTokens: part(usage.inputTokens), cachedInputTokens: part(usage.cachedInputTokens), outputTokens: part(usage.outputTokens) });
    s.costUsd += cost / n;
  });
}
