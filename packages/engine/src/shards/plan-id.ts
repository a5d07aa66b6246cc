// A plan file's id, and the check that a plan file is the one `orchestrate plan` wrote.
import { createHash } from 'node:crypto';
import { UsageError, type ShardPlanFile, type ShardSpec } from '@orchestrate/core';

/**
 * The plan's id: a sha256 of what every shard must agree on (the steps, the base commit, the scope and the split), so
 * the same repository and task plan to the same id; `createdAt` and the plan's warnings are left out.
 */
export function planIdOf(steps: unknown, baseCommit: string, scope: string, shards: readonly ShardSpec[]): string {
  const split = shards.map((s) => ({ index: s.index, files: s.files, jobs: s.jobs }));
  return createHash('sha256').update(JSON.stringify({ steps, baseCommit, scope, split })).digest('hex');
}

/** E_USAGE when a plan file's content does not hash to its `planId` (`where` names the file or the bundle). */
export function assertPlanId(plan: ShardPlanFile, where: string): void {
  let id: string | null = null;
  try {
    id = planIdOf(plan.plan.steps, plan.baseCommit, plan.scope, plan.shards);
  } catch {
    id = null;
  }
  if (id !== plan.planId) {
    throw new UsageError(
      `${where}: the plan file was changed after \`orchestrate plan\` wrote it: plan again (its content no longer hashes to its planId).`,
    );
  }
}
