import { createHash } from 'node:crypto';
import {
  CallFailed,
  VERIFIER_INSTRUCTIONS,
  verdictOf,
  verifierInput,
  verifierSchema,
  type Verdict,
  type VerifierItem,
} from '@orchestrate/agents';
import { emptyUsage } from '@orchestrate/core';
import { jobKind } from '@orchestrate/jobs';
import { releaseHold, verifierMaxOutput } from './budget.js';
import { finish, type JobState } from './state.js';
import { estimateTokens, tokensAtMost } from '../tokens.js';
import { reject, RETRIED_FAULTS } from './ladder.js';
import { halted, verifies, type PhaseContext } from './types.js';
import { record, shareUsage } from './usage.js';

/**
 * Sends the jobs that passed their gates to the verifier model in batches of `perBatch`; only accepted jobs go on to the
 * commit.
 * Offline there is no verifier model: the deterministic gates are the whole check, and the report says so.
 */
export async function runVerifier(states: JobState[], ctx: PhaseContext, perBatch: number): Promise<void> {
  for (const s of states) if (s.phase !== 'ready') releaseHold(s, ctx);
  const ready = states.filter((s) => s.phase === 'ready');
  const toVerify: JobState[] = [];
  for (const s of ready) {
    const o = s.outcome!;
    const empty = !o.edits.length && !o.newFiles.length && !o.annotations.length;
    if (verifies(s.target.step, ctx) && !empty) toVerify.push(s);
    else {
      releaseHold(s, ctx);
      s.phase = 'verified';
      ctx.emit({ type: 'job-verified', job: s.target.job });
      s.verdict = empty
        ? 'nothing to verify'
        : ctx.client
          ? `not sent to the verifier: ${s.target.job.kind} results are checked by deterministic gates`
          : 'offline engine: deterministic gates only (no verifier model)';
    }
  }
  // Verdicts an earlier process of this run received (its journal) are used, not asked for again: batches are formed as
  // jobs become ready, so a resumed run may group the same jobs differently.
  const unknown = toVerify.filter((s) => {
    const known = ctx.verdicts?.lookup(verdictKey(s));
    if (!known) return true;
    releaseHold(s, ctx);
    applyVerdict(s, known, ctx);
    return false;
  });
  const batches: JobState[][] = [];
  for (let i = 0; i < unknown.length; i += perBatch) batches.push(unknown.slice(i, i + perBatch));
  await Promise.all(batches.map((batch) => ctx.limit(() => verifyBatch(batch, ctx))));
}

/**
 * What identifies one job's question to the verifier: its kind's instructions, its file and the result it is shown.
 * Versioned: a journal written for another question (v1: the file inside the result) matches no key, so its verdicts
 * are asked again rather than applied to a question they did not answer. A verdict is journaled as what it decided
 * (accept, reason), not as the answer that gave it, so the answer's shape (a boolean per key before, rejections only
 * now) needs no new version.
 */
function verdictKey(s: JobState): string {
  const kind = jobKind(s.target.job.kind);
  return createHash('sha256')
    .update(VERDICT_KEY_VERSION)
    .update('\u0000')
    .update(kind.verifierInstructions(s.target))
    .update('\u0000')
    .update(s.target.file.path)
    .update('\u0000')
    .update(kind.describeForVerifier(s.target, s.outcome!))
    .digest('hex')
    .slice(0, 32);
}

const VERDICT_KEY_VERSION = 'verdict-v2';

function applyVerdict(s: JobState, verdict: Verdict, ctx: PhaseContext): void {
  s.verdict = verdict.reason.slice(0, 500);
  if (verdict.accept) {
    s.phase = 'verified';
    ctx.emit({ type: 'job-verified', job: s.target.job });
  } else reject(s, `verifier rejected: ${s.verdict || 'no reason given'}`, ctx);
}

/**
 * A batch's items in the order the verifier reads them best: grouped by instructions, then by file (each group where
 * its first job stood), so each instruction and each file is stated once; keys `j1`… follow that order.
 */
function batchItems(batch: JobState[]): { states: JobState[]; items: VerifierItem[] } {
  const viewed = batch.map((s) => {
    const kind = jobKind(s.target.job.kind);
    return {
      s,
      instructions: kind.verifierInstructions(s.target),
      file: s.target.file.path,
      result: kind.describeForVerifier(s.target, s.outcome!),
    };
  });
  // Where each instruction and each of its files first appears in the batch: the groups keep that order.
  const first = new Map<string, number>();
  viewed.forEach((v, i) => {
    if (!first.has(v.instructions)) first.set(v.instructions, i);
    if (!first.has(`${v.instructions}\u0000${v.file}`)) first.set(`${v.instructions}\u0000${v.file}`, i);
  });
  const at = (v: (typeof viewed)[number]) => [
    first.get(v.instructions)!,
    first.get(`${v.instructions}\u0000${v.file}`)!,
  ];
  const ordered = viewed
    .map((v, i) => ({ v, i, at: at(v) }))
    .sort((a, b) => a.at[0]! - b.at[0]! || a.at[1]! - b.at[1]! || a.i - b.i)
    .map(({ v }) => v);
  return {
    states: ordered.map((v) => v.s),
    items: ordered.map((v, i) => ({ key: `j${i + 1}`, instructions: v.instructions, file: v.file, result: v.result })),
  };
}

/**
 * One verifier call for a batch. When the model's answer is refused (not JSON, not its schema, cut off, empty), the
 * batch is asked once more; if that fails too, it is split in halves, each asked on its own and split again, down to
 * single jobs, so one bad answer never fails a whole batch. Halves run one after the other inside the batch's slot of
 * `ctx.limit` (taking another slot from inside one could wait forever).
 */
async function verifyBatch(batch: JobState[], ctx: PhaseContext, retried = false): Promise<void> {
  const refused = await askVerifier(batch, ctx, retried);
  if (!refused) return;
  if (!retried) return verifyBatch(batch, ctx, true);
  const middle = Math.ceil(batch.length / 2);
  for (const half of [batch.slice(0, middle), batch.slice(middle)]) await verifyBatch(half, ctx, true);
}

/** Whether the ladder of `verifyBatch` asks again after an answer refused for this fault. */
function askAgain(err: CallFailed, batch: JobState[], retried: boolean): boolean {
  return !err.fatal && err.fault !== undefined && RETRIED_FAULTS.has(err.fault) && (batch.length > 1 || !retried);
}

/**
 * Asks the verifier about a batch and applies its verdicts; returns true when its answer was refused and the batch is
 * to be asked again (see `verifyBatch`), after failing nothing.
 */
async function askVerifier(batch: JobState[], ctx: PhaseContext, retried: boolean): Promise<boolean> {
  if (ctx.fatal || halted(ctx)) {
    const reason = ctx.fatal ? `run stopped: ${ctx.fatal.message}` : 'run interrupted before verification';
    batch.forEach((s) => {
      releaseHold(s, ctx);
      finish(s, 'skipped', reason);
    });
    return false;
  }
  const client = ctx.client!;
  const model = ctx.config.models.verifier;
  const { states, items } = batchItems(batch);
  const input = verifierInput(items);
  const maxOut = verifierMaxOutput(items.length, ctx);
  // The batch's holds (taken when its jobs started) become the reservation of the batch's call.
  batch.forEach((s) => releaseHold(s, ctx));
  // The input is new text: its byte length bounds its tokens without counting them, and the batch's holds (each at
  // least the worker's output cap) cover that bound unless the docs are unusually long for their bytes; then count.
  const bound = tokensAtMost(input);
  const inputTokens = bound <= items.length * ctx.config.maxOutputTokens.worker ? bound : estimateTokens(input);
  const reservation = ctx.ledger.reserve(model, estimateTokens(VERIFIER_INSTRUCTIONS) + inputTokens + 100, maxOut);
  if (!reservation) {
    batch.forEach((s) => finish(s, 'skipped', 'budget reached before verification'));
    return false;
  }
  try {
    const result = await client.call({
      role: 'verifier',
      model,
      instructions: VERIFIER_INSTRUCTIONS,
      input,
      schema: verifierSchema(items.map((i) => i.key)),
      maxOutputTokens: maxOut,
      cacheKey: 'orchestrate-verifier-v2',
      signal: ctx.signal,
    });
    record(null, ctx, model, result.usage);
    shareUsage(batch, result.usage, ctx, model);
    // The answer validated (an answer without `rejections` is refused above): every item has a verdict, rejected when
    // listed, else accepted (see `verdictOf`).
    states.forEach((s, i) => {
      const verdict = verdictOf(result.output, items[i]!.key);
      ctx.verdicts?.record(verdictKey(s), verdict, s.target.job);
      applyVerdict(s, verdict, ctx);
    });
  } catch (err) {
    if (!(err instanceof CallFailed)) throw err;
    record(null, ctx, model, err.usage ?? emptyUsage());
    shareUsage(batch, err.usage ?? emptyUsage(), ctx, model);
    if (err.fatal) ctx.fatal ??= { message: err.message };
    if (askAgain(err, batch, retried)) return true;
    batch.forEach((s) => finish(s, 'failed', `verifier call failed: ${err.message}`));
  } finally {
    ctx.ledger.release(reservation);
  }
  return false;
}
