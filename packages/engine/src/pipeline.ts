import { runGates } from './gates.js';
import { runHeavyGates, type HeavyGateState } from './heavy-gates.js';
import type { JobState } from './job-state.js';
import { runVerifier } from './verify.js';
import type { PhaseContext } from './work.js';
import { runWorkers } from './workers.js';

/** The most attempts a job can get: the worker, one retry, one escalation. */
const MAX_ROUNDS = 3;

/**
 * Works, gates and verifies jobs in rounds. Round one takes every job; each later round takes only the jobs that the
 * ladder sent back (rejected by a gate or the verifier, with the reason as feedback), so every attempt goes through the
 * same gates, cheapest first, before any verifier call.
 */
export async function runRounds(states: JobState[], ctx: PhaseContext, heavy: HeavyGateState): Promise<void> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const batch = states.filter((s) => s.phase === 'pending');
    if (batch.length === 0) return;
    ctx.emit({ type: 'phase', phase: 'work', detail: round === 0 ? undefined : `attempt ${round + 1} for ${batch.length} rejected job(s)` });
    await runWorkers(batch, ctx);
    runGates(batch, ctx);
    await runHeavyGates(batch, states, ctx, heavy);
    ctx.emit({ type: 'phase', phase: 'verify' });
    await runVerifier(batch, ctx);
  }
}
