// `orchestrate plan --shards N`: index, plan (the planner called once), expand and estimate, then the plan file.
import {
  SHARD_FORMAT_VERSION,
  UsageError,
  UsageLedger,
  type Estimate,
  type ResolvedConfig,
  type ShardPlanFile,
} from '@orchestrate/core';
import { jobKind, type JobTarget, type KindContext } from '@orchestrate/jobs';
import { contextParts } from '../job/context.js';
import { SCHEMA_OVERHEAD_TOKENS } from '../job/work.js';
import type { RunTaskOptions } from '../run-options.js';
import { expandRun, indexRepo, planRun } from '../run-prepare.js';
import { setUpRun, type Undos } from '../run-setup.js';
import { estimateParts } from '../tokens.js';
import { planIdOf } from './plan-id.js';
import { assertShardCount, splitJobs, shardMatrix, type SplitJob } from './split.js';

/** Options of `planShards`: a run's (the task, `-C`, `from`, models, planning, budget…) and the shard count. */
export interface PlanShardsOptions extends Omit<RunTaskOptions, 'dryRun' | 'confirm' | 'resume' | 'fromPlan'> {
  /** How many shards (1..MAX_SHARDS); a plan with fewer files than that gets one shard per file. */
  shards: number;
}

/** What `planShards` resolves with: the plan file, the run's estimate and the warnings planning gave. */
export interface PlannedShards {
  file: ShardPlanFile;
  estimate: Estimate;
  warnings: string[];
}

/** A job's typical output tokens, as the estimate counts them (the split only needs them proportional). */
const OUTPUT_PER_JOB = 60;

/**
 * Plans a task once and splits its jobs into shards: the dry-run machinery (nothing is created, no worker is called;
 * the planner is, as `planning` says), then the deterministic split by file. The plan file names the base commit (HEAD,
 * or `from`) every shard starts from.
 */
export async function planShards(options: PlanShardsOptions): Promise<PlannedShards> {
  const total = assertShardCount(options.shards);
  if (!options.task.trim()) {
    throw new UsageError(
      'No task given. Usage: orchestrate plan "<task>" --shards N, e.g. --shards 4 "add docstrings to src/".',
    );
  }
  const { shards: _, ...runOptions } = options;
  const onError: Undos = [];
  try {
    const setup = await setUpRun({ ...runOptions, dryRun: true }, onError);
    const repo = await indexRepo(setup);
    const ledger = new UsageLedger(setup.config.prices, setup.config.budgetUsd ?? null);
    const plan = await planRun(setup, repo, ledger);
    const prep = await expandRun(setup, repo, plan, ledger);
    const budgetUsd = setup.config.budgetUsd ?? null;
    const shards = splitJobs(jobTokens(prep.targets, setup.config, prep.kinds), total, budgetUsd);
    if (shards.length < total) {
      prep.warnings.push(
        `${total} shards asked for, but the jobs are in ${shards.length} file(s): ${shards.length} shard(s), one per file`,
      );
    }
    const { baseCommit, scope, task } = setup;
    const file: ShardPlanFile = {
      version: SHARD_FORMAT_VERSION,
      planId: planIdOf(plan.steps, baseCommit, scope, shards),
      task,
      baseCommit,
      scope,
      plan,
      budgetUsd,
      createdAt: new Date().toISOString(),
      shards,
      matrix: shardMatrix(shards),
    };
    return { file, estimate: prep.estimate, warnings: prep.warnings };
  } catch (err) {
    for (const undo of onError) await undo(err).catch(() => undefined);
    throw err;
  }
}

/**
 * Each job's estimated tokens: its worker instructions and context as one call would send them, its schema and a
 * typical output. Jobs a deterministic tool does count too (their weight is the CPU work of a file on the shard's
 * machine).
 */
export function jobTokens(targets: readonly JobTarget[], config: ResolvedConfig, kinds: KindContext): SplitJob[] {
  const instructions = new Map<string, number>();
  return targets.map((t) => {
    let head = instructions.get(t.step.id);
    if (head === undefined) {
      head = estimateParts(jobKind(t.job.kind).workerInstructions(t.step));
      instructions.set(t.step.id, head);
    }
    const context = estimateParts(...contextParts([t], kinds, config.maxJobInputTokens));
    return { file: t.file.path, tokens: head + context + SCHEMA_OVERHEAD_TOKENS + OUTPUT_PER_JOB };
  });
}
