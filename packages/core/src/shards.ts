// The shapes that sharded runs exchange between machines: the plan file, a shard's bundle, and the `i/N` argument.
import type { Plan } from './plan.js';
import type { RunReport } from './report.js';
import { UsageError } from './errors.js';

/** The most shards a plan may have: a GitHub Actions matrix holds at most 256 jobs. */
export const MAX_SHARDS = 256;

/** The version of the plan file and bundle formats; a reader refuses another. */
export const SHARD_FORMAT_VERSION = 1;

/** One shard of a plan: a deterministic slice of its jobs, whole files only. */
export interface ShardSpec {
  /** 1-based, as `--shard i/N` names it. */
  index: number;
  /** The repository-relative files whose jobs this shard runs, sorted. */
  files: string[];
  /** Jobs of those files. */
  jobs: number;
  /** The estimated input + output tokens of those jobs (what the split balances). */
  estimatedTokens: number;
  /** Its share of the run's budget (by estimated tokens), or null without a budget. */
  budgetUsd: number | null;
}

/** What `orchestrate plan --shards N --json` writes: the plan, its base, the shards and a GitHub Actions matrix. */
export interface ShardPlanFile {
  version: typeof SHARD_FORMAT_VERSION;
  /** A digest of the plan, the base commit and the shard split: every bundle of the plan carries it. */
  planId: string;
  task: string;
  /** The commit every shard starts from (full sha). */
  baseCommit: string;
  /** The scope (`-C` directory relative to the repository root), '' for the whole repository. */
  scope: string;
  plan: Plan;
  budgetUsd: number | null;
  createdAt: string;
  shards: ShardSpec[];
  /** `strategy.matrix` for a workflow: `{ include: [{ shard: '1/3' }, …] }`. */
  matrix: { include: { shard: string }[] };
}

/** The manifest of a shard's bundle (`bundle.json` in `--out <dir>`). */
export interface ShardBundle {
  version: typeof SHARD_FORMAT_VERSION;
  planId: string;
  baseCommit: string;
  shard: { index: number; total: number };
  /** The shard run's id (its journal and report are in the bundle). */
  runId: string;
  status: RunReport['status'];
  /** Per committed step, in commit order: the patch file in the bundle (`steps/<n>-<stepId>.patch`) and its files. */
  steps: { stepId: string; patch: string; files: string[]; jobs: number; message: string }[];
  /** Files of the bundle beside bundle.json: `report.json`, `journal.jsonl`, `plan.json`. */
  report: string;
  journal: string;
  plan: string;
}

/** The bundle's file names inside `--out <dir>`. */
export const BUNDLE_FILES = {
  manifest: 'bundle.json',
  report: 'report.json',
  journal: 'journal.jsonl',
  plan: 'plan.json',
  stepsDir: 'steps',
} as const;

/** Parses `--shard i/N` (1 ≤ i ≤ N ≤ 256); anything else is E_USAGE saying what it expects. */
export function parseShardArg(value: string): { index: number; total: number } {
  const m = /^\s*(\d{1,3})\s*\/\s*(\d{1,3})\s*$/.exec(value);
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || index < 1 || total < 1 || index > total || total > MAX_SHARDS) {
    throw new UsageError(
      `--shard expects i/N with 1 ≤ i ≤ N ≤ ${MAX_SHARDS} (e.g. --shard 2/8), got "${value}": ` +
        "use the `shard` value of the plan file's matrix.",
    );
  }
  return { index, total };
}
