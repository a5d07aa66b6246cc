import type { PricedUsage } from './pricing.js';
import type { JobKind, JobStatus, PlanStep } from './plan.js';

/** One job's line in the report. */
export interface ReportItem {
  id: string;
  stepId: string;
  kind: JobKind;
  file: string;
  symbol: string;
  status: JobStatus;
  /** The worker model that produced the result (or `offline`). */
  model: string | null;
  tokens: { input: number; cachedInput: number; output: number };
  costUsd: number;
  /** Why the job failed or was skipped. */
  error: string | null;
  /** Verifier's reason, when it judged the job. */
  verdict: string | null;
  /** Every attempt: which model worked it and why it was rejected (the ladder: worker, retry, escalation). */
  attempts: { model: string; rejected: string | null; escalated?: string }[];
  /** Succeeded with nothing to change (a file already formatted): counted as succeeded, committed nothing. */
  unchanged?: boolean;
  /** The job's change as a unified diff of its file (cut to `MAX_ITEM_DIFF_CHARS`); absent when it changed nothing. */
  diff?: string;
}

/** The most characters of one job's diff a report keeps. */
export const MAX_ITEM_DIFF_CHARS = 8_000;
/** The most model calls a report's timeline keeps (the first ones; `callsDropped` counts the rest). */
export const MAX_REPORTED_CALLS = 20_000;

/** One model call of a run, for the report's timeline. Times are ms since the run started. */
export interface CallSpan {
  /** The model ref. */
  model: string;
  role: 'planner' | 'worker' | 'verifier';
  startMs: number;
  endMs: number;
  /** Jobs the call carried (packed worker items, verified items; 1 for the planner). */
  jobs: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  /** ok: answered; throttled: a 429 (retried later as a new span); error: failed; replayed: served from a journal. */
  outcome: 'ok' | 'throttled' | 'error' | 'replayed';
  /** The error code or HTTP status of a failed or throttled call. */
  error?: string;
}

/** A review annotation on a changed line. */
export interface ReviewAnnotation {
  file: string;
  line: number;
  endLine: number;
  severity: 'error' | 'warning' | 'note';
  ruleId: string;
  message: string;
  suggestion?: string;
  source: 'rule' | 'model';
  confidence?: number;
  /** An exact fix: the new text of lines `line`..`endLine` (checked in code before it is kept; a shell may offer it). */
  fix?: { replacement: string };
}

/** A finding as a shell publishes it: the annotation, its code at the reviewed head, a fingerprint that survives moves. */
export interface ReviewFinding extends ReviewAnnotation {
  /** 32 hex characters: the same finding on a later push has the same fingerprint, even when its lines moved. */
  fingerprint: string;
  /** The code of lines `line`..`endLine` at the reviewed head (at most 20 lines). */
  code: string[];
}

/** What a review looked at: from `base` to `head`, or to the working tree (uncommitted changes, untracked files too). */
export interface ReviewedRange {
  /** The commit compared against. */
  base: string;
  /** The commit reviewed up to; with `workingTree`, the commit HEAD was at. */
  head: string;
  /** Whether the working tree's uncommitted changes were reviewed (read-only: the user's index and files are not touched). */
  workingTree: boolean;
  /** Files with changed lines in the range. */
  files: number;
  /** For people: `abc1234..working tree`, `abc1234..def5678`. */
  label: string;
}

/** One commit the run made. */
export interface ReportCommit {
  sha: string;
  stepId: string;
  message: string;
  jobs: number;
  /** The files the commit changed (repository-relative); older reports lack it: read as []. */
  files?: string[];
}

/** Why the run ended. */
export type RunStatus =
  | 'completed'
  | 'completed-with-failures'
  | 'budget-exceeded'
  | 'nothing-to-do'
  | 'dry-run'
  | 'cancelled'
  | 'detached'
  | 'interrupted';

/** The run's report, written to `.orchestrate/runs/<id>/report.json`. */
export interface RunReport {
  id: string;
  task: string;
  engine: 'openai' | 'offline';
  status: RunStatus;
  repo: string;
  baseCommit: string;
  branch: string | null;
  worktree: string | null;
  plan: { source: string; steps: PlanStep[]; warnings: string[] };
  commits: ReportCommit[];
  /** `unchanged` (present when not 0): succeeded jobs that had nothing to change, so no commit holds them. */
  jobs: { total: number; succeeded: number; failed: number; skipped: number; unchanged?: number };
  usage: Record<string, PricedUsage>;
  costUsd: number;
  budgetUsd: number | null;
  estimate: Estimate | null;
  durationMs: number;
  /** Ids of the Batch API batches the run submitted (`--batch`). */
  batches: string[];
  /** Model calls a resumed run answered from its journal instead of paying for them again. */
  replayedCalls?: number;
  /** Jobs whose verdict a resumed run took from its journal (the verifier was not asked again). */
  replayedVerdicts?: number;
  /** Rate limiting seen per model: 429 answers and the lowest concurrency the run went down to. */
  throttling: Record<string, { throttled: number; minConcurrency: number }>;
  /** Model-side faults the run met, per kind (only kinds that happened; see `FaultKind`). */
  faults: FaultCounts;
  /**
   * Jobs the worker said were beyond it (`escalate`), sent straight to the verifier's model: per job kind, per reason.
   * `ignored` counts requests past `ladder.maxSelfEscalations` (verified as usual). Absent when none.
   */
  escalations?: { total: number; ignored: number; byKind: Record<string, Record<string, number>> };
  /** Where the time went, and what the orchestrator itself cost (CPU and peak memory of this process). */
  metrics: { indexMs: number; planMs: number; workMs: number; cpuMs: number; peakRssMb: number };
  startedAt: string;
  items: ReportItem[];
  /** Review annotations (review steps only). */
  annotations: ReviewAnnotation[];
  /** What a review reviewed (review runs only). */
  reviewed?: ReviewedRange;
  /** The folder `-C` scoped the run to, repository-relative (absent when the run covered the whole repository). */
  scope?: string;
  warnings: string[];
  /** The run's model calls in start order (at most `MAX_REPORTED_CALLS`); absent in reports of older versions. */
  calls?: CallSpan[];
  /** Calls past `MAX_REPORTED_CALLS` left out of `calls`. */
  callsDropped?: number;
  /** A merged sharded run: the shards it put together, and those missing or failed (with their jobs). */
  shards?: { total: number; merged: number[]; missing: { index: number; jobs: number; reason: string }[] };
}

/**
 * A model-side fault. HTTP faults count every occurrence, including those the SDK retried: `rateLimited` (429),
 * `serverErrors` (5xx), `connectionErrors` (refused or reset connections), `timeouts` (no answer within
 * `api.timeoutMs`), `truncatedBody` (a whole 2xx answer whose JSON body ended early). Output faults count calls whose
 * answer was refused, and items of a packed call refused on their own: `invalidJson`, `schemaFailures`, `incomplete`
 * (cut off, e.g. at max_output_tokens), `emptyOutput` (no message or empty text), `oversizedOutput` (too large to
 * accept).
 */
export type FaultKind =
  | 'rateLimited'
  | 'serverErrors'
  | 'connectionErrors'
  | 'timeouts'
  | 'truncatedBody'
  | 'invalidJson'
  | 'schemaFailures'
  | 'incomplete'
  | 'emptyOutput'
  | 'oversizedOutput';

/** Counts of model-side faults per kind; a kind that never happened is absent. */
export type FaultCounts = Partial<Record<FaultKind, number>>;

/** Estimated calls, tokens and cost, per model, before any spend. */
export interface Estimate {
  jobs: number;
  perModel: Record<
    string,
    { calls: number; inputTokens: number; outputTokens: number; costUsdLow: number; costUsdHigh: number }
  >;
  costUsdLow: number;
  costUsdHigh: number;
}
