import { z } from 'zod';
import type { RunReport } from '@orchestrate/core';
import type { ResolvedConfig } from '@orchestrate/core';
import { releaseHold } from './budget.js';
import { reject } from './ladder.js';
import type { JobState } from './state.js';
import type { EscalationCap, PhaseContext } from './types.js';

/**
 * What a worker may answer in `escalate` (a single job's field, a pack entry's `reason`): `'no'` first (a schema-only
 * answer picks it, so it escalates nothing), then why a job is beyond it.
 */
export const ESCALATE_REASONS = ['no', 'too-complex', 'needs-more-context', 'unclear-task'] as const;

/** A worker's `escalate` answer. */
export type EscalateReason = (typeof ESCALATE_REASONS)[number];

/** The line a single job's worker instructions get when its schema offers `escalate`. */
export const ESCALATE_NOTE =
  '\n\nIf a job is beyond you (the change is too complex for you, the context shown is not enough, or the task is ' +
  'unclear), set `escalate` to that reason: that answer is never applied, the job goes to a stronger model or is ' +
  "asked again. Otherwise set `escalate` to 'no' and give your full answer.";

/** The line a packed call's worker instructions get when its schema offers the call's `escalate` list. */
export const PACK_ESCALATE_NOTE =
  '\n\nIf an item is beyond you (the change is too complex for you, the context shown is not enough, or the task is ' +
  'unclear), list its key in `escalate` with that reason: its answer is never applied, the job goes to a stronger ' +
  'model or is asked again. List no other item, and answer every item in `items`.';

/**
 * The cap of a run of `jobs` jobs under `ladder.maxSelfEscalations`. `earlier` (restored from the run's journal) are the
 * jobs an interrupted process of the run already granted: they keep their grant and count against the cap from the
 * start, so a resumed run escalates the same jobs whatever order its replayed answers arrive in.
 */
export function escalationCap(
  jobs: number,
  share: number,
  journal?: { earlier: ReadonlySet<string>; record: (job: string, reason: string) => void },
): EscalationCap {
  const max = share > 0 ? Math.max(1, Math.ceil(share * jobs)) : 0;
  const earlier = journal?.earlier ?? new Set<string>();
  return { max, granted: earlier.size, earlier, ...(journal ? { onGrant: journal.record } : {}) };
}

/** The schemas of one worker item: `sent` in the request, `local` to validate the answer (a missing `escalate` is 'no'). */
export interface ItemSchemas {
  sent: z.ZodType;
  local: z.ZodType;
  /** Whether `escalate` was offered. */
  offered: boolean;
}

/**
 * Whether the run lets an attempt on `model` escalate at all: self-escalation is on, the verifier-model rung exists
 * (`ladder.escalate`), the cap grants any, and the model is not already the verifier's.
 */
export function escalationPossible(model: string, config: ResolvedConfig): boolean {
  const { ladder, models } = config;
  return ladder.selfEscalate && ladder.escalate && ladder.maxSelfEscalations > 0 && model !== models.verifier;
}

/** Why a request of `job` cannot be granted now, or null when it can (no cap: none is granted). */
export function escalationRefusal(
  job: string,
  model: string,
  ctx: Pick<PhaseContext, 'config' | 'escalationCap'>,
): string | null {
  const { ladder, models } = ctx.config;
  if (!ladder.selfEscalate) return 'ladder.selfEscalate is off';
  if (!ladder.escalate) return 'ladder.escalate is off';
  if (model === models.verifier) return "already on the verifier's model";
  const cap = ctx.escalationCap;
  if (!cap || cap.max === 0) return 'the run grants none (ladder.maxSelfEscalations)';
  if (cap.earlier?.has(job) || cap.granted < cap.max) return null;
  return `the run's ladder.maxSelfEscalations (${cap.max}) is used up`;
}

/** Whether an attempt of `job` on `model` offers `escalate`: only when a request could be granted now. */
export function offersEscalation(
  job: string,
  model: string,
  ctx: Pick<PhaseContext, 'config' | 'escalationCap'>,
): boolean {
  return escalationRefusal(job, model, ctx) === null;
}

const SENT_ESCALATE = z.enum(ESCALATE_REASONS);
const LOCAL_ESCALATE = SENT_ESCALATE.optional();
/** Extended schemas by the kind's schema (kinds reuse theirs: a docstring schema per parameter shape). */
const extended = new WeakMap<z.ZodType, ItemSchemas>();

/** A kind's item schema, extended with `escalate` when offered; a schema that is not a zod object is sent unchanged. */
export function itemSchemas(schema: z.ZodType, offer: boolean): ItemSchemas {
  if (!offer || !(schema instanceof z.ZodObject)) return { sent: schema, local: schema, offered: false };
  let schemas = extended.get(schema);
  if (!schemas) {
    const object = schema as z.ZodObject;
    schemas = {
      sent: object.extend({ escalate: SENT_ESCALATE }),
      local: object.extend({ escalate: LOCAL_ESCALATE }),
      offered: true,
    };
    extended.set(schema, schemas);
  }
  return schemas;
}

/** Splits a validated item into the kind's output (without `escalate`) and the worker's reason (`'no'` when absent). */
export function splitEscalation(output: unknown, offered: boolean): { output: unknown; reason: EscalateReason } {
  if (!offered || output === null || typeof output !== 'object') return { output, reason: 'no' };
  const { escalate, ...rest } = output as { escalate?: EscalateReason };
  return { output: rest, reason: escalate ?? 'no' };
}

/** An entry of a pack's `escalate` list, as sent: an item's key (of those offered) and the reason. */
function packEntry(keys: readonly string[]) {
  return z.strictObject({ key: z.enum(keys as [string, ...string[]]), reason: SENT_ESCALATE });
}

/**
 * A packed call's `escalate`, beside its `items`: the items the worker says are beyond it, each once with its reason,
 * keyed by the item keys whose jobs could be granted now (`offersEscalation`); stated once per call instead of an
 * `escalate` field in every item.
 */
export function packEscalateSchema(keys: readonly string[]): z.ZodType {
  return z.array(packEntry(keys));
}

/**
 * The reasons a pack's answer gives in its `escalate` list, by item key. An entry that names an item not offered, or
 * that is not an entry, is dropped (a strict-schema answer has none); `'no'` escalates nothing; a key listed twice
 * keeps its first reason. A missing or malformed list escalates nothing: every item is then answered as usual.
 */
export function packEscalations(raw: unknown, keys: readonly string[]): Map<string, EscalateReason> {
  const out = new Map<string, EscalateReason>();
  const list = raw !== null && typeof raw === 'object' ? (raw as { escalate?: unknown }).escalate : undefined;
  if (!keys.length || !Array.isArray(list)) return out;
  const entry = packEntry(keys);
  for (const item of list) {
    const parsed = entry.safeParse(item);
    if (!parsed.success || parsed.data.reason === 'no' || out.has(parsed.data.key)) continue;
    out.set(parsed.data.key, parsed.data.reason);
  }
  return out;
}

/**
 * Handles a worker's request to escalate a job (true: the answer is not applied). Granted (the run's cap allows it):
 * the result is dropped unapplied, its hold released, the attempt marked `escalated`, the grant journaled, and the job
 * waits for its next attempt, on the verifier's model. Refused (the cap was used up while the call was in flight, or
 * escalation is off): counted as ignored on the job, and the answer, which the worker itself said is not a real one,
 * goes down the ladder like a rejected result, so the retry is asked for a full answer.
 */
export function escalateJob(state: JobState, reason: EscalateReason, ctx: PhaseContext): boolean {
  if (reason === 'no') return false;
  const id = state.target.job.id;
  const refused = escalationRefusal(id, state.model ?? '', ctx);
  if (refused !== null) {
    (state.ignoredEscalations ??= []).push(reason);
    reject(state, `worker said the job is beyond it (escalation not available: ${refused})`, ctx);
    return true;
  }
  const cap = ctx.escalationCap!;
  if (!cap.earlier?.has(id)) {
    cap.granted++;
    cap.onGrant?.(id, reason);
  }
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
