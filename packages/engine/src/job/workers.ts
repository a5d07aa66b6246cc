import { formPacks } from './packing.js';
import { settle, type JobState } from './state.js';
import type { PhaseContext } from './types.js';
import { workJobs } from './work.js';

/**
 * Runs the worker of every pending job (model, offline rules, or a deterministic tool) under the concurrency limit and
 * turns each output into an outcome (output code will not write is refused here). Nothing is written; gates run next.
 */
export async function runWorkers(
  states: JobState[],
  ctx: PhaseContext,
  onWorked?: (state: JobState) => void,
): Promise<void> {
  const done = (state: JobState) => {
    if (state.phase === 'ready') ctx.emit({ type: 'job-worked', job: state.target.job });
    else settle(state, ctx);
    onWorked?.(state);
  };
  await Promise.all(
    formPacks(states, ctx).map((pack) =>
      ctx.limit(async () => {
        await workJobs(pack, ctx);
        pack.forEach(done);
      }),
    ),
  );
}
