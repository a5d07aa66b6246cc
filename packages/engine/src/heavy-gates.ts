import type { JobState } from './job-state.js';
import type { PhaseContext } from './work.js';

/** What the whole-repository gates keep between rounds (type checker session, baselines). */
export interface HeavyGateState {
  root: string;
  worktree: string;
  baseCommit: string;
  warnings: string[];
}

/** Whole-repository gates (typecheck against the baseline, tests); filled in by the boilerplate kind's wiring. */
export async function runHeavyGates(batch: JobState[], _all: JobState[], _ctx: PhaseContext, _state: HeavyGateState): Promise<void> {
  void batch;
}
