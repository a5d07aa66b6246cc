import type { CallFailed } from '@orchestrate/agents';
import type { FaultKind } from '@orchestrate/core';
import { releaseHold } from './budget.js';
import { finish, type JobState } from './state.js';
import type { PhaseContext } from './types.js';

/**
 * The verification ladder. A model-made result that a gate or the verifier rejected is retried once by the worker with
 * the reason, then escalated once to the verifier's model as worker, then given up (failed, with every reason in the
 * report). Offline results are deterministic, so a rejection fails them at once. (A job the worker itself says is
 * beyond it skips the retry: `escalateJob`.)
 */
export function reject(state: JobState, reason: string, ctx: Pick<PhaseContext, 'client' | 'config' | 'ledger'>): void {
  releaseHold(state, ctx);
  const last = state.attempts[state.attempts.length - 1];
  if (last) last.rejected = reason;
  const next = ctx.client && state.model !== 'offline' ? nextModel(state, ctx) : null;
  if (!next) {
    const history = state.attempts.length > 1 ? ` (after ${state.attempts.length} attempts)` : '';
    return finish(state, 'failed', `${reason}${history}`);
  }
  state.phase = 'pending';
  state.feedback = reason;
  state.outcome = null;
}

/**
 * Answers the client refused that the ladder retries like a rejected result (and the verifier asks again, then splits):
 * a model's bad answer (not JSON, not its schema, cut off, empty) is often not repeated, and a retry costs a small
 * call. Failed connections, 429s and 5xx were already retried by the SDK; an oversized answer is not asked for again.
 */
export const RETRIED_FAULTS: ReadonlySet<FaultKind> = new Set([
  'invalidJson',
  'schemaFailures',
  'incomplete',
  'emptyOutput',
]);

/** A worker call failed: its jobs go down the ladder when the model's answer was the fault, else they fail. */
export function callFailed(
  state: JobState,
  err: CallFailed,
  ctx: Pick<PhaseContext, 'client' | 'config' | 'ledger'>,
): void {
  if (!err.fatal && err.fault && RETRIED_FAULTS.has(err.fault)) return reject(state, `worker: ${err.message}`, ctx);
  releaseHold(state, ctx);
  finish(state, 'failed', `worker: ${err.message}`);
}

/**
 * The model for the next attempt, or null when the ladder is exhausted: the step's worker model (`step.model`, else
 * `models.worker`), the same again, then the verifier's model. A job the worker escalated goes straight to the
 * verifier's model (no retry rung), once.
 */
export function nextModel(state: JobState, ctx: Pick<PhaseContext, 'config'>): string | null {
  const { ladder, models } = ctx.config;
  const escalated = state.attempts.findIndex((a) => a.escalated !== undefined);
  if (escalated >= 0) return state.attempts.length === escalated + 1 ? models.verifier : null;
  const worker = state.target.step.model ?? models.worker;
  const rungs = [worker, ...(ladder.retry ? [worker] : []), ...(ladder.escalate ? [models.verifier] : [])];
  return rungs[state.attempts.length] ?? null;
}
