import { emptyUsage, type FaultKind, type JobStatus, type Reservation, type TokenUsage } from '@orchestrate/core';
import type { JobOutcome, JobTarget } from '@orchestrate/jobs';
import { reportItem } from './item.js';
import type { PhaseContext } from './types.js';

/** A job as it moves through the run: worked → gated → verified → committed, or failed/skipped with a reason. */
export interface JobState {
  target: JobTarget;
  /** `pending` = to be worked (again); `ready` = passed work and gates, waiting for the verifier; `verified` = to commit. */
  phase: 'pending' | 'ready' | 'verified' | 'done';
  status: JobStatus | null;
  outcome: JobOutcome | null;
  error: string | null;
  verdict: string | null;
  /** The model that produced the current outcome (`offline` for rules). */
  model: string | null;
  /**
   * The model calls made for the job, in order, with the reason each was rejected. `fault` marks an item of a packed
   * call whose answer was refused here (the client counts only the faults of whole calls), for the report's `faults`;
   * `escalated` the worker's reason when it said the job was beyond it and the job went to the verifier's model.
   */
  attempts: { model: string; rejected: string | null; fault?: FaultKind; escalated?: string }[];
  /** Escalation requests of the worker that were refused (the run's cap was used up while its call was in flight). */
  ignoredEscalations?: string[];
  /** Why the previous attempt was rejected: told to the worker on the next attempt. */
  feedback: string | null;
  usage: TokenUsage;
  costUsd: number;
  /** Budget held for this job's share of a verifier call, from the worker's start until verification. */
  verifyHold: Reservation | null;
}

/** A fresh job state. */
export function newJobState(target: JobTarget): JobState {
  return {
    target,
    phase: 'pending',
    status: null,
    outcome: null,
    error: null,
    verdict: null,
    model: null,
    attempts: [],
    feedback: null,
    usage: emptyUsage(),
    costUsd: 0,
    verifyHold: null,
  };
}

/** Marks a job failed or skipped with its reason. */
export function finish(state: JobState, status: 'failed' | 'skipped', error: string): void {
  state.phase = 'done';
  state.status = status;
  state.error = error;
}

const settled = new WeakSet<JobState>();

/**
 * Emits a job's final status, once, with its report line (a done job's state no longer changes, so the report built
 * later holds the same item). A failed or skipped job ends when its worker returns; a succeeded one only after its
 * commit, when the run ends.
 */
export function settle(state: JobState, ctx: Pick<PhaseContext, 'emit'>): void {
  if (state.phase !== 'done' || settled.has(state)) return;
  settled.add(state);
  const item = reportItem(state);
  ctx.emit({ type: 'job-end', job: state.target.job, status: item.status, error: state.error, item });
}
