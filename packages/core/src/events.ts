import type { PricedUsage } from './pricing.js';
import type { Job, JobStatus, Plan } from './plan.js';
import type { Estimate, RunReport } from './report.js';

/** Phases of a run, in order. */
export type Phase = 'setup' | 'index' | 'plan' | 'expand' | 'work' | 'verify' | 'commit' | 'report';

/** Everything a run tells its observers (progress UI, --json, Action, MCP). */
export type RunEvent =
  | { type: 'phase'; phase: Phase; detail?: string }
  | {
      type: 'run-start';
      runId: string;
      engine: 'openai' | 'offline';
      branch: string;
      baseCommit: string;
      dirty: boolean;
    }
  | { type: 'indexed'; files: number; declarations: number; skipped: number; ms: number }
  | { type: 'planned'; plan: Plan }
  | { type: 'expanded'; jobs: Job[]; estimate: Estimate }
  | { type: 'job-start'; job: Job }
  | { type: 'job-worked'; job: Job }
  /** The job passed its gates and the verifier (or needs no verifier): it waits only for its step's commit. */
  | { type: 'job-verified'; job: Job }
  | { type: 'job-end'; job: Job; status: JobStatus; error: string | null }
  | { type: 'usage'; model: string; total: PricedUsage; costUsd: number; budgetUsd: number | null }
  | { type: 'commit'; sha: string; stepId: string; jobs: number }
  | { type: 'warning'; message: string }
  | { type: 'throttle'; model: string; concurrency: number; reason: string }
  | { type: 'done'; report: RunReport };

/** A listener for run events. */
export type RunEventListener = (event: RunEvent) => void;
