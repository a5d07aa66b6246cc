import type { PricedUsage } from './pricing.js';
import type { Job, JobStatus, Plan } from './plan.js';
import type { Estimate, ReportItem, RunReport } from './report.js';

/** Phases of a run, in order. */
export type Phase = 'setup' | 'index' | 'plan' | 'expand' | 'work' | 'verify' | 'commit' | 'report';

/** Everything a run tells its observers (progress UI, --json, Action, MCP). */
export type RunEvent =
  | { type: 'phase'; phase: Phase; detail?: string }
  | {
      type: 'run-start';
      runId: string;
      engine: 'openai' | 'offline';
      /** The run's branch (on a dry run, the name it would have). */
      branch: string;
      baseCommit: string;
      dirty: boolean;
      /** The task as given (a review: its fixed task text). */
      task: string;
      /** The models the resolved config chose (`offline` on the offline engine). */
      models: { planner: string; worker: string; verifier: string };
      dryRun: boolean;
      /** Whether this is a resumed run (`orchestrate resume`, `resume` option). */
      resumed: boolean;
      /** The folder the run is scoped to (repository-relative), or null for the whole repository. */
      scope: string | null;
      budgetUsd: number | null;
    }
  | { type: 'indexed'; files: number; declarations: number; skipped: number; ms: number }
  | { type: 'planned'; plan: Plan }
  | { type: 'expanded'; jobs: Job[]; estimate: Estimate }
  /**
   * A job is handed to a model (or to the offline engine's rules): emitted for every job of a pack, after the model
   * is chosen and the call is reserved, once per attempt. `model` is `offline` for rules and deterministic tools,
   * `attempt` counts from 1 (worker, retry, escalation: at most 3), `pack` is how many jobs share the call (1 offline).
   */
  | { type: 'job-start'; job: Job; model: string; attempt: number; pack: number }
  | { type: 'job-worked'; job: Job }
  /** The job passed its gates and the verifier (or needs no verifier): it waits only for its step's commit. */
  | { type: 'job-verified'; job: Job }
  /**
   * A job's end, once per job; `item` is the job's line of the report, equal to `report.items`' (a failed or skipped
   * job ends when its worker returns or when the run ends; a succeeded one after its commit, before `done`).
   */
  | { type: 'job-end'; job: Job; status: JobStatus; error: string | null; item: ReportItem }
  | { type: 'usage'; model: string; total: PricedUsage; costUsd: number; budgetUsd: number | null }
  /** A commit made on the run's branch, as it is made; `subject` is its first line, `files` repository-relative. */
  | { type: 'commit'; sha: string; stepId: string; subject: string; jobs: number; files: string[] }
  /**
   * The verification of a round of jobs finished (`round` from 1; offline too, with `calls` 0). Of the round's jobs,
   * `verified` passed, `rejected` go back for another attempt, `failed` ended unsuccessful; `calls`: verifier calls.
   */
  | { type: 'verify-done'; round: number; verified: number; rejected: number; failed: number; calls: number }
  /** The budget refused a model call, once per run: no further calls start. */
  | { type: 'budget-reached'; model: string; spentUsd: number; budgetUsd: number }
  | { type: 'warning'; message: string }
  | { type: 'throttle'; model: string; concurrency: number; reason: string }
  | { type: 'done'; report: RunReport };

/** A listener for run events. */
export type RunEventListener = (event: RunEvent) => void;
