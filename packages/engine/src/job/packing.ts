import { z } from 'zod';
import { CallFailed } from '@orchestrate/agents';
import { jobKind } from '@orchestrate/jobs';
import { holdVerification, releaseHold } from './budget.js';
import { jobContext } from './context.js';
import { finish, type JobState } from './state.js';
import { callFailed, nextModel, reject } from './ladder.js';
import { jobsPerCall } from './per-call.js';
import { estimateParts, estimateTokens } from '../tokens.js';
import { applyOutput, halted, record, SCHEMA_OVERHEAD_TOKENS, shareUsage, verifies, type PhaseContext } from './work.js';

/** Told to a worker that gets several items in one call. */
export const PACK_NOTE = '\n\nYou get several items, each under a heading `## <key>`. Answer every item under the same key in `items`.';

/** A pending job with the context it will send. */
interface Packed {
  state: JobState;
  input: string;
}

/**
 * Groups the pending jobs into worker calls: small jobs of a packable kind that go to the same model are packed (same
 * file first) up to `packing.maxJobs` jobs (fewer when that spreads a small run over the concurrency: `jobsPerCall`)
 * and `packing.maxInputTokens` context tokens; every other job is alone.
 */
export function formPacks(states: JobState[], ctx: Pick<PhaseContext, 'config' | 'client' | 'kinds'>): JobState[][] {
  const { maxJobs, maxInputTokens } = ctx.config.packing;
  const singles: JobState[][] = [];
  const groups = new Map<string, JobState[]>();
  for (const s of states) {
    const kind = jobKind(s.target.job.kind);
    const modelMade = ctx.client && !kind.deterministic?.(s.target, ctx.kinds);
    if (!modelMade || !kind.packable || maxJobs < 2) {
      singles.push([s]);
      continue;
    }
    const key = `${s.target.job.kind}\u0000${s.target.step.id}\u0000${nextModel(s, ctx)}`;
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  const packs: JobState[][] = [...singles];
  for (const group of groups.values()) {
    const most = jobsPerCall(group.length, ctx.config.concurrency, maxJobs);
    group.sort((a, b) => (a.target.file.path < b.target.file.path ? -1 : a.target.file.path > b.target.file.path ? 1 : 0));
    let pack: JobState[] = [];
    let tokens = 0;
    for (const s of group) {
      const t = estimateTokens(jobContext(s.target, ctx.kinds, ctx.config.maxJobInputTokens));
      if (pack.length && (pack.length >= most || tokens + t > maxInputTokens)) {
        packs.push(pack);
        pack = [];
        tokens = 0;
      }
      pack.push(s);
      tokens += t;
    }
    if (pack.length) packs.push(pack);
  }
  return packs;
}

/**
 * One worker call for several jobs. The schema gives every item its own job's schema under its key; the answer is
 * validated item by item, so one bad item fails only its job. The call's tokens are shared out among its jobs.
 */
export async function workPack(pack: JobState[], ctx: PhaseContext): Promise<void> {
  const live: Packed[] = [];
  const first = pack[0]!.target;
  const kind = jobKind(first.job.kind);
  const model = nextModel(pack[0]!, ctx)!;
  for (const state of pack) {
    if (ctx.fatal) finish(state, 'skipped', `run stopped: ${ctx.fatal.message}`);
    else if (halted(ctx)) finish(state, 'skipped', 'run interrupted');
    else {
      const feedback = state.feedback ? `\nA previous attempt was rejected: ${state.feedback}\nFix that.` : '';
      const input = jobContext(state.target, ctx.kinds, ctx.config.maxJobInputTokens) + feedback;
      live.push({ state, input });
    }
  }
  // Each job holds its share of verification first; the call then reserves its own worst case.
  const held: Packed[] = [];
  for (const p of live) {
    const hold = verifies(p.state.target.step, ctx) ? holdVerification(p.state.target, ctx) : null;
    if (verifies(p.state.target.step, ctx) && !hold) finish(p.state, 'skipped', 'budget reached before this job started');
    else {
      p.state.verifyHold = hold;
      held.push(p);
    }
  }
  if (held.length === 0) return;
  const keys = held.map((_, i) => `item${i + 1}`);
  const instructions = kind.workerInstructions(first.step) + PACK_NOTE;
  const input = held.map((p, i) => `## ${keys[i]}\n${p.input}`).join('\n\n');
  const maxOut = ctx.config.maxOutputTokens.worker * held.length;
  const inputTokens = estimateParts(instructions, ...held.map((p) => p.input)) + 6 * held.length;
  const reservation = ctx.ledger.reserve(model, inputTokens + SCHEMA_OVERHEAD_TOKENS * held.length, maxOut);
  if (!reservation) {
    for (const p of held) {
      releaseHold(p.state, ctx);
      finish(p.state, 'skipped', 'budget reached before this job started');
    }
    return;
  }
  const schemas = held.map((p) => kind.outputSchema(p.state.target, ctx.kinds));
  const shape: Record<string, z.ZodType> = {};
  keys.forEach((key, i) => (shape[key] = schemas[i]!));
  for (const p of held) {
    p.state.model = model;
    p.state.attempts.push({ model, rejected: null });
  }
  let raw: unknown;
  try {
    const result = await ctx.client!.call({
      role: 'worker',
      model,
      instructions,
      input,
      schema: z.strictObject({ items: z.strictObject(shape) }),
      validate: 'parts',
      maxOutputTokens: maxOut,
      cacheKey: `orchestrate-worker-${first.job.kind}-pack-v1`,
      signal: ctx.signal,
    });
    record(null, ctx, model, result.usage);
    shareUsage(held.map((p) => p.state), result.usage, ctx, model);
    raw = result.output;
  } catch (err) {
    if (!(err instanceof CallFailed)) throw err;
    record(null, ctx, model, err.usage);
    shareUsage(held.map((p) => p.state), err.usage, ctx, model);
    if (err.fatal) ctx.fatal ??= { message: err.message };
    for (const p of held) callFailed(p.state, err, ctx);
    return;
  } finally {
    ctx.ledger.release(reservation);
  }
  const items = (raw as { items?: Record<string, unknown> } | null)?.items ?? {};
  for (let i = 0; i < held.length; i++) {
    const p = held[i]!;
    const parsed = schemas[i]!.safeParse(items[keys[i]!]);
    if (!parsed.success) {
      p.state.attempts[p.state.attempts.length - 1]!.fault = 'schemaFailures';
      reject(p.state, `worker: this item's output failed its schema: ${parsed.error.issues[0]?.message ?? 'invalid'}`, ctx);
      continue;
    }
    await applyOutput(p.state, parsed.data, ctx);
  }
}
