import { VERIFIER_INSTRUCTIONS } from '@orchestrate/agents';
import type { Reservation } from '@orchestrate/core';
import type { JobTarget } from '@orchestrate/jobs';
import type { JobState } from './state.js';
import { estimateTokens } from '../tokens.js';
import type { PhaseContext } from './types.js';

/**
 * Output tokens a verifier call may use: a fixed part (the answer's frame) plus, per item, its worst case: a rejection
 * (~8 tokens of frame and a short reason, up to ~30 tokens; an accepted item costs nothing). A test holds an answer that
 * rejects all of 32 items with 25-word reasons under the cap of 32 (1,500 tokens, the default `maxOutputTokens.verifier`).
 */
const VERDICT_TOKENS = 45;
const VERDICT_FIXED_TOKENS = 60;

/** The output cap of a verifier call over `items` jobs (also what the budget reserves for it). */
export function verifierMaxOutput(items: number, ctx: Pick<PhaseContext, 'config'>): number {
  return Math.min(ctx.config.maxOutputTokens.verifier, VERDICT_FIXED_TOKENS + VERDICT_TOKENS * items);
}

/**
 * Worst-case verifier input for one job: its signature, the declaration's existing doc comment (a view may show it: the
 * bodies of boilerplate are checked against it), and a result as long as the worker's output cap allows.
 */
export function verifierItemInput(target: JobTarget, ctx: Pick<PhaseContext, 'config'>): number {
  const d = target.declaration;
  const doc = d && d.docStart !== null ? estimateTokens(target.file.text.slice(d.docStart, d.start)) : 0;
  return estimateTokens(d?.signature ?? '') + doc + ctx.config.maxOutputTokens.worker + 60;
}

/** Worst-case verifier input tokens for a batch: fixed instructions once, plus each item. */
export function verifierBatchInput(targets: JobTarget[], ctx: Pick<PhaseContext, 'config'>): number {
  return estimateTokens(VERIFIER_INSTRUCTIONS) + 100 + targets.reduce((n, t) => n + verifierItemInput(t, ctx), 0);
}

/**
 * Holds a job's share of verification before its worker starts: as much as verifying it alone would cost at worst, so
 * the holds of any batch cover that batch's call and paid-for work is never left unverifiable by the budget.
 */
export function holdVerification(target: JobTarget, ctx: PhaseContext): Reservation | null {
  return ctx.ledger.reserve(ctx.config.models.verifier, verifierBatchInput([target], ctx), verifierMaxOutput(1, ctx));
}

/** Releases a job's verification hold, if it has one. */
export function releaseHold(state: JobState, ctx: Pick<PhaseContext, 'ledger'>): void {
  if (state.verifyHold) ctx.ledger.release(state.verifyHold);
  state.verifyHold = null;
}
