import type { JobState } from './state.js';
import { formPacks, workPack } from './packing.js';
import { settle, workOne, type PhaseContext } from './work.js';

/**
 * Runs the worker of every pending job (model, offline rules, or a deterministic tool) under the concurrency limit and
 * turns each output into an outcome (output code will not write is refused here). Nothing is written; gates run next.
 */
export async function runWorkers(states: JobState[], ctx: PhaseContext, onWorked?: (state: JobState) => void): Promise<void> {
  const done = (state: JobState) => {
    if (state.phase === 'ready') ctx.emit({ type: 'job-worked', job: state.target.job });
    else settle(state, ctx);
    onWorked?.(state);
  };
  await Promise.all(
    formPacks(states, ctx).map((pack) =>
      ctx.limit(async () => {
        if (pack.length === 1) await workOne(pack[0]!, ctx);
        else await workPack(pack, ctx);
        pack.forEach(done);
      }),
    ),
  );
}
