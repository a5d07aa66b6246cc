import { emptyUsage, type JobStatus, type Reservation, type TokenUsage } from '@orchestrate/core';
import type { JobTarget } from '@orchestrate/jobs';
import type { Edit } from '@orchestrate/repo';

/** A job as it moves through the run: worked → gated → verified → committed, or failed/skipped with a reason. */
export interface JobState {
  target: JobTarget;
  /** `ready` = passed work and gates, waiting for the verifier or the commit. */
  phase: 'pending' | 'ready' | 'verified' | 'done';
  status: JobStatus | null;
  edit: Edit | null;
  error: string | null;
  verdict: string | null;
  model: string | null;
  usage: TokenUsage;
  costUsd: number;
  /** Budget held for this job's share of a verifier call, from the worker's start until verification. */
  verifyHold: Reservation | null;
}

/** A fresh job state. */
export function newJobState(target: JobTarget): JobState {
  return { target, phase: 'pending', status: null, edit: null, error: null, verdict: null, model: null, usage: emptyUsage(), costUsd: 0, verifyHold: null };
}

/** Marks a job failed or skipped with its reason. */
export function finish(state: JobState, status: 'failed' | 'skipped', error: string): void {
  state.phase = 'done';
  state.status = status;
  state.error = error;
}
