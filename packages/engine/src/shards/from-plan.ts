// Running from a saved plan file: the plan's base and steps, the shard's files, a deterministic run id.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  EnvironmentError,
  SHARD_FORMAT_VERSION,
  UsageError,
  type RunEventListener,
  type ShardPlanFile,
} from '@orchestrate/core';
import type { JobTarget } from '@orchestrate/jobs';
import { hasCommit, isShallowClone } from '@orchestrate/repo';
import { runDir } from '../runs/report.js';
import { assertPlanId } from './plan-id.js';

/** What a run from a plan file is given: the plan file, and the shard it runs (none: the whole plan). */
export interface FromPlan {
  file: ShardPlanFile;
  shard?: { index: number; total: number };
}

/**
 * Reads and checks a plan file (`orchestrate plan --shards N` wrote it, unchanged: its content hashes to its planId);
 * anything else is E_USAGE saying what to do.
 */
export async function readPlanFile(file: string): Promise<ShardPlanFile> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) {
    throw new UsageError(
      `No plan file ${file}: write one with \`orchestrate plan "<task>" --shards N --out ${file}\`.`,
    );
  }
  let plan: Partial<ShardPlanFile>;
  try {
    plan = JSON.parse(text) as Partial<ShardPlanFile>;
  } catch {
    throw new UsageError(`${file} is not JSON: pass the file \`orchestrate plan --shards N\` wrote.`);
  }
  if (plan === null || typeof plan !== 'object' || Array.isArray(plan)) {
    throw new UsageError(
      `${file} is not a plan file (not a JSON object): pass the file \`orchestrate plan --shards N\` wrote.`,
    );
  }
  if (plan.version !== SHARD_FORMAT_VERSION) {
    throw new UsageError(
      `${file} is not a plan file of this orchestrate (format version ${String(plan.version)}, expected ${SHARD_FORMAT_VERSION}): plan again with this version.`,
    );
  }
  const whole =
    typeof plan.planId === 'string' &&
    typeof plan.task === 'string' &&
    typeof plan.baseCommit === 'string' &&
    /^[0-9a-f]{40,64}$/.test(plan.baseCommit) &&
    typeof plan.scope === 'string' &&
    Array.isArray(plan.plan?.steps) &&
    Array.isArray(plan.shards) &&
    plan.shards.length > 0;
  if (!whole)
    throw new UsageError(`${file} lacks fields of a plan file: pass the file \`orchestrate plan --shards N\` wrote.`);
  assertPlanId(plan as ShardPlanFile, file);
  return plan as ShardPlanFile;
}

/** Checks that `shard` is one of the plan's (`--shard i/N` with the plan's N). */
export function assertShardOfPlan(plan: ShardPlanFile, shard: { index: number; total: number }): void {
  const total = plan.shards.length;
  if (shard.total !== total || !plan.shards.some((s) => s.index === shard.index)) {
    throw new UsageError(
      `The plan has ${total} shard(s), so --shard takes i/${total} (1 ≤ i ≤ ${total}), got ${shard.index}/${shard.total}: use the \`shard\` values of its matrix.`,
    );
  }
}

/**
 * The run id of a run from a plan: `shard-<planId[0..10]>-<i>of<N>` for a shard, `plan-<planId[0..10]>` for the whole
 * plan. Deterministic, so the same command after a kill resumes the same run.
 */
export function planRunId(plan: ShardPlanFile, shard?: { index: number; total: number }): string {
  const id = plan.planId.slice(0, 10);
  return shard ? `shard-${id}-${shard.index}of${shard.total}` : `plan-${id}`;
}

/** The plan's base commit must be in the repository; else E_USAGE (E_SHALLOW_CLONE in a shallow clone) saying how. */
export async function assertBaseCommit(root: string, plan: ShardPlanFile): Promise<void> {
  if (await hasCommit(root, plan.baseCommit)) return;
  const sha = plan.baseCommit;
  if (await isShallowClone(root)) {
    throw new EnvironmentError(
      'E_SHALLOW_CLONE',
      `The plan's base commit ${sha} is not in this shallow clone: fetch it (\`git fetch --depth=1 origin ${sha}\`, or check out with fetch-depth: 0) and run again.`,
    );
  }
  throw new UsageError(
    `The plan's base commit ${sha} is not in this repository: fetch it (\`git fetch origin ${sha}\`) or run in the repository the plan was made in.`,
  );
}

/**
 * The jobs of a run from a plan: all of them for the whole plan, else those in the shard's files. The expansion is
 * the plan's (same commit, same steps); a shard whose job count differs from the plan's is warned about, not refused.
 */
export function shardTargets(
  targets: JobTarget[],
  fromPlan: FromPlan | undefined,
  warnings: string[],
  emit: RunEventListener,
): JobTarget[] {
  if (!fromPlan?.shard) return targets;
  const spec = fromPlan.file.shards.find((s) => s.index === fromPlan.shard!.index);
  const files = new Set(spec?.files ?? []);
  const mine = targets.filter((t) => files.has(t.file.path));
  if (spec && mine.length !== spec.jobs) {
    const message = `shard ${spec.index}/${fromPlan.file.shards.length}: the plan counted ${spec.jobs} job(s) in its files, the expansion here has ${mine.length} (another orchestrate version or config?): the jobs found here are run`;
    warnings.push(message);
    emit({ type: 'warning', message });
  }
  return mine;
}

/** The file in a run's directory that keeps the plan (and shard) a run from a plan file runs. */
const SAVED_PLAN = 'from-plan.json';

/**
 * Keeps a run's plan file beside its journal, and gives it back to a resume that was not handed it: `orchestrate
 * resume <id>` of a shard run then runs the shard's saved plan, never a new planner call over every file.
 */
export function keepFromPlan<T extends { fromPlan?: FromPlan; dryRun?: boolean }>(
  options: T,
  root: string,
  runId: string,
  resumed: boolean,
): T {
  const file = path.join(runDir(root, runId), SAVED_PLAN);
  if (options.fromPlan) {
    if (!resumed && !options.dryRun) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(options.fromPlan)}\n`);
    }
    return options;
  }
  if (!resumed) return options;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return options;
  }
  return { ...options, fromPlan: JSON.parse(text) as FromPlan };
}
