import { z } from 'zod';
import { CallFailed } from '@orchestrate/agents';
import { isNeedsModel, JobRejected, jobKind, type JobKindModule } from '@orchestrate/jobs';
import { estimateParts } from '../tokens.js';
import { holdVerification, releaseHold } from './budget.js';
import { packJsonSchema, schemaRefsFor } from './pack-schema.js';
import { packContexts, sharedSection } from './context.js';
import {
  ESCALATE_NOTE,
  escalateJob,
  itemSchemas,
  offersEscalation,
  PACK_ESCALATE_NOTE,
  packEscalateSchema,
  packEscalations,
  splitEscalation,
  type ItemSchemas,
} from './escalation.js';
import { callFailed, nextModel, reject } from './ladder.js';
import { finish, type JobState } from './state.js';
import { halted, verifies, type PhaseContext } from './types.js';
import { record, shareUsage } from './usage.js';

/** Tokens the output schema adds to a worker request's input. */
export const SCHEMA_OVERHEAD_TOKENS = 200;

/** Told to a worker that gets several items in one call. */
export const PACK_NOTE =
  '\n\nYou get several items, each under a heading `## <key>`. Answer every item under the same key in `items`.';

/** A job about to be sent, with the context it sends and the feedback on its previous attempt. */
interface Live {
  state: JobState;
  context: string;
  feedback: string;
}

/**
 * The one worker path, for one job or a pack of several (`formPacks` decides): stop checks, the offline rules, budget
 * holds, the call's reservation, the call and its `CallFailed`, then each output to its outcome. A pack of one is sent
 * as a single job (its own schema, no item keys); a larger pack is one call whose answer is validated item by item, so
 * one bad item fails only its job, and whose tokens are shared out among its jobs.
 */
export async function workJobs(pack: JobState[], ctx: PhaseContext): Promise<void> {
  const single = pack.length === 1;
  const started = pack.filter((state) => startable(state, ctx));
  if (started.length === 0) return;
  const first = started[0]!.target;
  const kind = jobKind(first.job.kind);
  if (!ctx.client || kind.deterministic?.(first, ctx.kinds)) {
    for (const state of started) await workOffline(state, ctx);
    return;
  }
  const model = nextModel(started[0]!, ctx)!;
  // Each job holds its share of verification first: a job starts only when the budget covers its whole path.
  const holding = started.filter((state) => holdVerifier(state, ctx));
  if (holding.length === 0) return;
  // The contexts of the jobs that are sent: a block all of them share is sent once (`packContexts`).
  const targets = holding.map((state) => state.target);
  const contexts = packContexts(targets, ctx.kinds, ctx.config.maxJobInputTokens);
  const held = holding.map((state, i) => ({
    state,
    context: contexts.items[i]!,
    feedback: feedbackText(state, single),
  }));
  const request = workerRequest(kind, held, contexts.shared, single, model, ctx);
  const reservation = ctx.ledger.reserve(model, request.reserveTokens, request.maxOutputTokens);
  if (!reservation) {
    for (const p of held) {
      releaseHold(p.state, ctx);
      finish(p.state, 'skipped', 'budget reached before this job started');
    }
    return;
  }
  // Each job of the call starts now that its model is chosen and the call is paid for: one job-start per attempt.
  for (const p of held) {
    p.state.model = model;
    p.state.attempts.push({ model, rejected: null });
    const attempt = p.state.attempts.length;
    ctx.emit({ type: 'job-start', job: p.state.target.job, model, attempt, pack: held.length });
  }
  let raw: unknown;
  try {
    const result = await ctx.client.call({
      role: 'worker',
      model,
      instructions: request.instructions,
      input: request.input,
      schema: request.schema,
      ...(request.jsonSchema ? { jsonSchema: request.jsonSchema } : {}),
      ...(single && !request.schemas[0]!.offered ? {} : { validate: 'parts' as const }),
      maxOutputTokens: request.maxOutputTokens,
      cacheKey: request.cacheKey,
      signal: ctx.signal,
    });
    charge(held, single, ctx, model, result.usage);
    raw = result.output;
  } catch (err) {
    if (!(err instanceof CallFailed)) throw err;
    charge(held, single, ctx, model, err.usage);
    if (err.fatal) ctx.fatal ??= { message: err.message };
    for (const p of held) callFailed(p.state, err, ctx);
    return;
  } finally {
    ctx.ledger.release(reservation);
  }
  if (single && !request.schemas[0]!.offered) return applyOutput(held[0]!.state, raw, ctx);
  if (single) return applyItem(held[0]!.state, request.schemas[0]!, raw, ctx, `the model's output failed its schema`);
  await applyItems(held, request, raw, ctx);
}

/** Whether a job may start; a job of a stopped run is skipped with the reason. */
function startable(state: JobState, ctx: PhaseContext): boolean {
  if (ctx.fatal) finish(state, 'skipped', `run stopped: ${ctx.fatal.message}`);
  else if (halted(ctx)) finish(state, 'skipped', 'run interrupted');
  else return true;
  return false;
}

/** The offline rules (or a deterministic tool) for one job; a job they cannot do says it needs a model. */
async function workOffline(state: JobState, ctx: PhaseContext): Promise<void> {
  state.model = 'offline';
  state.attempts.push({ model: 'offline', rejected: null });
  ctx.emit({ type: 'job-start', job: state.target.job, model: 'offline', attempt: state.attempts.length, pack: 1 });
  const output = await jobKind(state.target.job.kind).offline(state.target, ctx.kinds);
  if (isNeedsModel(output)) {
    const hint = '(set OPENAI_API_KEY and run with --engine openai)';
    return finish(state, 'skipped', `needs a model: ${output.needsModel} ${hint}`);
  }
  await applyOutput(state, output, ctx);
}

/** The reason the previous attempt was rejected, as the worker is told it (a pack's items are one newline apart). */
function feedbackText(state: JobState, single: boolean): string {
  if (!state.feedback) return '';
  return `${single ? '\n\n' : '\n'}A previous attempt was rejected: ${state.feedback}\nFix that.`;
}

/** Holds a job's share of a verifier call when its step is verified; a job the budget cannot hold is skipped. */
function holdVerifier(state: JobState, ctx: PhaseContext): boolean {
  if (!verifies(state.target.step, ctx)) {
    state.verifyHold = null;
    return true;
  }
  const hold = holdVerification(state.target, ctx);
  if (!hold) finish(state, 'skipped', 'budget reached before this job started');
  state.verifyHold = hold;
  return hold !== null;
}

/** The item keys of a pack of `count` jobs: `j1`, `j2`, … (short: each is in the schema twice and in the answer). */
export function packKeys(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `j${i + 1}`);
}

/** What one worker call sends and reserves, and how its answer is read (`keys`, `escalateKeys` for a pack). */
interface WorkerRequest {
  instructions: string;
  input: string;
  schema: z.ZodType;
  jsonSchema?: Record<string, unknown>;
  /** Each job's item schemas (a single job's may offer `escalate`; a pack's items never do: see `escalateKeys`). */
  schemas: ItemSchemas[];
  /** A pack's item keys, in job order (empty for a single job). */
  keys: string[];
  /** The pack's item keys its `escalate` list may name (empty: no list sent). */
  escalateKeys: string[];
  maxOutputTokens: number;
  reserveTokens: number;
  cacheKey: string;
}

/**
 * What one worker call sends and reserves: one job under its own schema, or a pack's items under their keys, then the
 * block they all share (`shared`, '' for none) once under its own heading. On a worker model (not the verifier's),
 * while the run could still grant an escalation, a single job's schema offers an `escalate` field, and a pack's schema
 * one `escalate` list beside `items` naming the items that could be granted; the instructions say when to use it.
 */
function workerRequest(
  kind: JobKindModule,
  held: Live[],
  shared: string,
  single: boolean,
  model: string,
  ctx: PhaseContext,
): WorkerRequest {
  const { step, job } = held[0]!.state.target;
  // An item is offered escalation only while a request of its job could be granted (see `escalationRefusal`).
  const offers = held.map((p) => offersEscalation(p.state.target.job.id, model, ctx));
  const kindSchemas = held.map((p) => kind.outputSchema(p.state.target, ctx.kinds) as z.ZodType);
  const maxOut = ctx.config.maxOutputTokens.worker;
  if (single) {
    const { context, feedback } = held[0]!;
    const schemas = [itemSchemas(kindSchemas[0]!, offers[0]!)];
    const instructions = kind.workerInstructions(step) + (schemas[0]!.offered ? ESCALATE_NOTE : '');
    return {
      instructions,
      input: context + feedback,
      schema: schemas[0]!.sent,
      schemas,
      keys: [],
      escalateKeys: [],
      maxOutputTokens: maxOut,
      reserveTokens: estimateParts(instructions, context, feedback) + SCHEMA_OVERHEAD_TOKENS,
      cacheKey: `orchestrate-worker-${job.kind}-v1`,
    };
  }
  const keys = packKeys(held.length);
  const escalateKeys = keys.filter((_, i) => offers[i]);
  const escalate = escalateKeys.length ? packEscalateSchema(escalateKeys) : undefined;
  const inputs = held.map((p) => p.context + p.feedback);
  const after = shared ? [sharedSection(shared)] : [];
  const instructions = kind.workerInstructions(step) + PACK_NOTE + (escalate ? PACK_ESCALATE_NOTE : '');
  const shape: Record<string, z.ZodType> = {};
  keys.forEach((key, i) => (shape[key] = kindSchemas[i]!));
  const jsonSchema = packJsonSchema(keys, kindSchemas, schemaRefsFor(model, ctx.config), escalate);
  return {
    instructions,
    input: [...inputs.map((input, i) => `## ${keys[i]}\n${input}`), ...after].join('\n\n'),
    schema: z.strictObject({ items: z.strictObject(shape), ...(escalate ? { escalate } : {}) }),
    ...(jsonSchema ? { jsonSchema } : {}),
    schemas: kindSchemas.map((schema) => itemSchemas(schema, false)),
    keys,
    escalateKeys,
    maxOutputTokens: maxOut * held.length,
    reserveTokens:
      estimateParts(instructions, ...inputs, ...after) + 6 * held.length + SCHEMA_OVERHEAD_TOKENS * held.length,
    cacheKey: `orchestrate-worker-${job.kind}-pack-v1`,
  };
}

/** A call's usage: on its one job, or shared out among a pack's jobs (the ledger counts it once either way). */
function charge(held: Live[], single: boolean, ctx: PhaseContext, model: string, usage: CallFailed['usage']): void {
  if (single) {
    record(held[0]!.state, ctx, model, usage);
    return;
  }
  record(null, ctx, model, usage);
  shareUsage(
    held.map((p) => p.state),
    usage,
    ctx,
    model,
  );
}

/**
 * A pack's answer, item by item: an item its `escalate` list names is escalated (granted or refused, never applied,
 * whatever its item holds); any other is validated alone, so one that fails its job's schema sends only that job down
 * the ladder.
 */
async function applyItems(held: Live[], request: WorkerRequest, raw: unknown, ctx: PhaseContext): Promise<void> {
  const items = (raw as { items?: Record<string, unknown> } | null)?.items ?? {};
  const escalations = packEscalations(raw, request.escalateKeys);
  for (let i = 0; i < held.length; i++) {
    const key = request.keys[i]!;
    const reason = escalations.get(key);
    if (reason && escalateJob(held[i]!.state, reason, ctx)) continue;
    const item = Object.hasOwn(items, key) ? items[key] : undefined;
    await applyItem(held[i]!.state, request.schemas[i]!, item, ctx, `this item's output failed its schema`);
  }
}

/**
 * One item validated here (`failed` says how a refusal reads): an item the worker escalates is never applied (granted:
 * it waits for the verifier's model; refused: it goes down the ladder); any other is applied without `escalate`.
 */
async function applyItem(
  state: JobState,
  schemas: ItemSchemas,
  raw: unknown,
  ctx: PhaseContext,
  failed: string,
): Promise<void> {
  const parsed = schemas.local.safeParse(raw);
  if (!parsed.success) {
    state.attempts[state.attempts.length - 1]!.fault = 'schemaFailures';
    const issue = (parsed.error.issues[0]?.message ?? 'invalid').replace(/\s+/g, ' ');
    return reject(state, `worker: ${failed}: ${issue}`, ctx);
  }
  const { output, reason } = splitEscalation(parsed.data, schemas.offered);
  if (escalateJob(state, reason, ctx)) return;
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
