import type { ModelClient } from '@orchestrate/agents';
import { jobKind } from '@orchestrate/jobs';
import { escalationCap } from './escalation.js';
import { groupKey, runGates } from './gates.js';
import { runHeavyGates, type HeavyGateState } from './heavy-gates.js';
import { jobsPerCall } from './per-call.js';
import type { JobState } from './state.js';
import { runVerifier } from './verify.js';
import type { PhaseContext } from './types.js';
import { runWorkers } from './workers.js';

/** The most attempts a job can get: the worker, one retry, one escalation. */
const MAX_ROUNDS = 3;

/**
 * Works, gates and verifies jobs in rounds. Round one takes every job; each later round takes only the jobs that the
 * ladder sent back (rejected by a gate or the verifier, with the reason as feedback), so every attempt goes through the
 * same gates, cheapest first, before any verifier call.
 */
export async function runRounds(states: JobState[], ctx: PhaseContext, heavy: HeavyGateState): Promise<void> {
  ctx.escalationCap ??= escalationCap(states.length, ctx.config.ladder.maxSelfEscalations, ctx.escalationJournal);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const batch = states.filter((s) => s.phase === 'pending');
    if (batch.length === 0) return;
    ctx.emit({
      type: 'phase',
      phase: 'work',
      detail: round === 0 ? undefined : `attempt ${round + 1} for ${batch.length} rejected job(s)`,
    });
    const calls = verifierCalls(ctx);
    try {
      await runRound(batch, states, ctx, heavy);
    } finally {
      calls.stop();
    }
    ctx.emit({ type: 'verify-done', round: round + 1, ...roundCounts(batch), calls: calls.count });
  }
}

/**
 * How a round's jobs stand once it is verified: `verified` passed everything, `rejected` go back for another attempt
 * (a gate or the verifier refused them with a reason), `failed` ended without success (failed or skipped).
 */
function roundCounts(batch: JobState[]): { verified: number; rejected: number; failed: number } {
  const count = (phase: JobState['phase']) => batch.filter((s) => s.phase === phase).length;
  return { verified: count('verified'), rejected: count('pending'), failed: count('done') };
}

/**
 * Counts the verifier calls made while a round runs: the round's client is wrapped (everything but `call` stays the
 * inner client's, through the prototype) and put back by `stop`. Offline there is no client, and the count is 0.
 */
function verifierCalls(ctx: PhaseContext): { readonly count: number; stop: () => void } {
  const inner = ctx.client;
  let count = 0;
  if (!inner) return { count, stop: () => {} };
  const counting = Object.create(inner) as ModelClient;
  counting.call = (request) => {
    if (request.role === 'verifier') count++;
    return inner.call(request);
  };
  ctx.client = counting;
  return {
    get count() {
      return count;
    },
    stop: () => {
      ctx.client = inner;
    },
  };
}

/**
 * One round, streamed: a file's per-file gates run as soon as the last of its jobs is worked (while other calls are in
 * flight), and jobs that need no whole-repository gate go to the verifier in full batches at once, sharing the run's
 * concurrency with the workers still running. The rest wait for the heavy gates after the last worker.
 */
async function runRound(batch: JobState[], all: JobState[], ctx: PhaseContext, heavy: HeavyGateState): Promise<void> {
  const waiting = new Map<string, number>();
  for (const s of batch) waiting.set(groupKey(s), (waiting.get(groupKey(s)) ?? 0) + 1);
  const groups = new Map<string, JobState[]>();
  const streamed = new Set<JobState>();
  const queue: JobState[] = [];
  const verifying: Promise<void>[] = [];
  const perBatch = jobsPerCall(batch.length, ctx.config.concurrency, ctx.config.verifyBatchSize);
  const onWorked = (s: JobState) => {
    const key = groupKey(s);
    groups.set(key, [...(groups.get(key) ?? []), s]);
    const left = waiting.get(key)! - 1;
    waiting.set(key, left);
    if (left > 0) return;
    const group = groups.get(key)!;
    runGates(group, ctx);
    for (const g of group) {
      if (g.phase !== 'ready' || jobKind(g.target.job.kind).heavyGates(g.target.step).length > 0) continue;
      streamed.add(g);
      queue.push(g);
    }
    while (queue.length >= perBatch) verifying.push(runVerifier(queue.splice(0, perBatch), ctx, perBatch));
  };
  await runWorkers(batch, ctx, onWorked);
  const rest = batch.filter((s) => !streamed.has(s));
  await runHeavyGates(rest, all, ctx, heavy);
  ctx.emit({ type: 'phase', phase: 'verify' });
  verifying.push(runVerifier([...queue, ...rest], ctx, perBatch));
  await Promise.all(verifying);
}
