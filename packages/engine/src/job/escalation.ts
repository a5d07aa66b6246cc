import { z } from 'zod';
import type { RunReport } from '@orchestrate/core';
import { releaseHold } from './budget.js';
import type { JobState } from './state.js';
import type { EscalationCap, PhaseContext } from './types.js';

/** What a worker may answer in `escalate`: `'no'` first (a schema-only answer picks it), then why a job is beyond it. */
export const ESCALATE_REASONS = ['no', 'too-complex', 'needs-more-context', 'unclear-task'] as const;

/** A worker's `escalate` answer. */
export type EscalateReason = (typeof ESCALATE_REASONS)[number];

/** The line the worker's instructions get when its schema offers `escalate`. */
export const ESCALATE_NOTE =
  '\n\nIf a job is beyond you (the change is too complex for you, the context shown is not enough, or the task is ' +
  "unclear), set `escalate` to that reason and fill the other fields briefly; otherwise set `escalate` to 'no'.";

/** The cap of a run of `jobs` jobs under `ladder.maxSelfEscalations`. */
export function escalationCap(jobs: number, share: number): EscalationCap {
  const max = share > 0 ? Math.max(1, Math.ceil(share * jobs)) : 0;
  return { max, granted: 0 };
}

/** The schemas of one worker item: `sent` in the request, `local` to validate the answer (a missing `escalate` is 'no'). */
export interface ItemSchemas {
  sent: z.ZodType;
  local: z.ZodType;
  /** Whether `escalate` was offered. */
  offered: boolean;
}

/** Whether an attempt on `model` offers `escalate`: self-escalation is on and the model is not already the verifier's. */
export function offersEscalation(model: string, ctx: Pick<PhaseContext, 'config'>): boolean {
  return ctx.config.ladder.selfEscalate && model !== ctx.config.models.verifier;
}

/** A kind's item schema, extended with `escalate` when offered; a schema that is not a zod object is sent unchanged. */
export function itemSchemas(schema: z.ZodType, offer: boolean): ItemSchemas {
  if (!offer || !(schema instanceof z.ZodObject)) return { sent: schema, local: schema, offered: false };
  const object = schema as z.ZodObject;
  return {
    sent: object.extend({ escalate: z.enum(ESCALATE_REASONS) }),
    local: object.extend({ escalate: z.enum(ESCALATE_REASONS).optional() }),
    offered: true,
  };
}

/** Splits a validated item into the kind's output (without `escalate`) and the worker's reason (`'no'` when absent). */
export function splitEscalation(output: unknown, offered: boolean): { output: unknown; reason: EscalateReason } {
  if (!offered || output === null || typeof output !== 'object') return { output, reason: 'no' };
  const { escalate, ...rest } = output as { escalate?: EscalateReason };
  return { output: rest, reason: escalate ?? 'no' };
}

/**
 * Handles a worker's request to escalate a job. Granted (under the run's cap, with the verifier-model rung on): the
 * result is dropped unapplied, its hold released, the attempt marked `escalated`, and the job waits for its next
 * attempt, on the verifier's model. Refused (past the cap, or `ladder.escalate: false`): counted as ignored on the job,
 * and false is returned so the answer is used as if the worker had said 'no'.
 */
export function escalateJob(state: JobState, reason: EscalateReason, ctx: PhaseContext): boolean {
  if (reason === 'no') return false;
  const cap = ctx.escalationCap;
  if (!ctx.config.ladder.escalate || !cap || cap.granted >= cap.max) {
    (state.ignoredEscalations ??= []).push(reason);
    return false;
  }
  cap.granted++;
  releaseHold(state, ctx);
  const last = state.attempts[state.attempts.length - 1];
  if (last) last.escalated = reason;
  state.phase = 'pending';
  state.outcome = null;
  return true;
}

/** The report's `escalations`: granted ones per kind and reason (from the attempts), and those ignored; undefined when none. */
export function escalationCounts(states: readonly JobState[]): RunReport['escalations'] {
  let total = 0;
  let ignored = 0;
  const byKind: Record<string, Record<string, number>> = {};
  for (const s of states) {
    ignored += s.ignoredEscalations?.length ?? 0;
    for (const a of s.attempts) {
      if (!a.escalated) continue;
      total++;
      const kind = (byKind[s.target.job.kind] ??= {});
      kind[a.escalated] = (kind[a.escalated] ?? 0) + 1;
    }
  }
  return total || ignored ? { total, ignored, byKind } : undefined;
}
