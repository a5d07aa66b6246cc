// `orchestrate merge <dir>…`: the shards' bundles put together on one run branch, with one report.
import { type RunEventListener, type RunReport, type RunStatus, type ShardPlanFile } from '@orchestrate/core';
import {
  addWorktree,
  checkPatchSeries,
  deleteRunBranch,
  ensureExcluded,
  locateRepo,
  preflightRun,
  removeWorktree,
  runBranch,
  runWorktreeDir,
} from '@orchestrate/repo';
import { newRunId } from '../run-options.js';
import { writeReport } from '../runs/report.js';
import { assertBaseCommit } from './from-plan.js';
import { applySteps, type MergeApplied } from './merge-apply.js';
import { loadBundles, type LoadedBundle } from './merge-bundles.js';
import { bundleRefusal } from './merge-check.js';
import { mergeReport, type ShardProblem } from './merge-report.js';

/** What `mergeShards` is given. */
export interface MergeShardsOptions {
  /** The repository (any folder in it); default the process's working directory. */
  cwd?: string;
  /** The bundle dirs (`--out` of each `orchestrate run --plan … --shard i/N`), relative to `cwd`. */
  dirs: readonly string[];
  /** Told the merge's commits and warnings as they happen. */
  onEvent?: RunEventListener;
  /** The merged run's id; default a new one (`newRunId()`). */
  runId?: string;
}

/** Shard statuses whose committed work is merged (a shard with some failed jobs still committed the others). */
const MERGEABLE: readonly RunStatus[] = ['completed', 'completed-with-failures', 'nothing-to-do'];

/**
 * Merges shard bundles of one plan into a new run: checks that they belong together, finds missing and failed shards
 * (a status that is not finished, or patches that do not apply on the base commit), applies the other shards' patches
 * step by step in a worktree at the plan's base commit on `orchestrate/<id>`, re-runs the cheap gates on the merged
 * files, commits per step and writes `report.json` like any run (so show, runs, apply and undo work on it). The user's
 * tree, index, stash and branch are never touched.
 */
export async function mergeShards(options: MergeShardsOptions): Promise<RunReport> {
  const startedAt = new Date();
  const cwd = options.cwd ?? process.cwd();
  const emit = options.onEvent ?? (() => {});
  const { root } = await locateRepo(cwd);
  const { plan, bundles } = await loadBundles(options.dirs, cwd);
  // The same check, and the same code, as `run --plan`: E_USAGE, or E_SHALLOW_CLONE in a shallow clone.
  await assertBaseCommit(root, plan);
  const { merged, problems } = await sortShards(root, plan, bundles);
  const id = options.runId ?? newRunId();
  const branch = runBranch(id);
  const worktree = await runWorktreeDir(root, id);
  await preflightRun(root, { branch, worktree });
  await ensureExcluded(root);
  emit({ type: 'phase', phase: 'setup', detail: `worktree on ${branch}` });
  await addWorktree(root, worktree, branch, plan.baseCommit, { checkout: false });
  const warnings: string[] = [];
  let result: MergeApplied = { commits: [], leftOut: [], failed: new Map() };
  try {
    emit({ type: 'phase', phase: 'commit' });
    const engine = merged.some((b) => b.report?.engine === 'openai') ? 'openai' : 'offline';
    const info = { runId: id, task: plan.task, engine, planId: plan.planId } as const;
    result = await applySteps(worktree, plan.plan.steps, merged, info, emit);
  } finally {
    await removeWorktree(root, worktree).catch(() => undefined);
    if (result.commits.length === 0) {
      await deleteRunBranch(root, branch).catch(() =>
        warnings.push(`could not delete the empty branch ${branch}: delete it with \`git branch -D ${branch}\``),
      );
    }
  }
  for (const [index, reason] of result.failed) {
    problems.push({ index, jobs: plan.shards.find((s) => s.index === index)?.jobs ?? 0, reason });
  }
  problems.sort((a, b) => a.index - b.index);
  const report = mergeReport({
    id,
    repo: root,
    branch: result.commits.length ? branch : null,
    plan,
    bundles,
    merged: merged.filter((b) => !result.failed.has(b.manifest.shard.index)),
    problems,
    commits: result.commits,
    leftOut: result.leftOut,
    warnings,
    startedAt,
  });
  await writeReport(root, report);
  return report;
}

/** The shards to merge, and the plan's others: missing (no bundle), not finished, or with a patch that does not apply. */
async function sortShards(
  root: string,
  plan: ShardPlanFile,
  bundles: readonly LoadedBundle[],
): Promise<{ merged: LoadedBundle[]; problems: ShardProblem[] }> {
  const merged: LoadedBundle[] = [];
  const problems: ShardProblem[] = [];
  /** Each file a merged shard changes → that shard's index. */
  const claimed = new Map<string, number>();
  const total = plan.shards.length;
  const jobsOf = (index: number) => plan.shards.find((s) => s.index === index)?.jobs ?? 0;
  const command = (index: number) => `\`orchestrate run --plan <plan.json> --shard ${index}/${total} --out <dir>\``;
  const run = (index: number) => `run it (${command(index)}), then merge every bundle again`;
  const resume = (index: number) => `run it again (${command(index)} resumes it), then merge every bundle again`;
  for (const spec of plan.shards) {
    const bundle = bundles.find((b) => b.manifest.shard.index === spec.index);
    if (!bundle) {
      problems.push({ index: spec.index, jobs: spec.jobs, reason: `missing: no bundle given: ${run(spec.index)}` });
      continue;
    }
    const status = bundle.manifest.status;
    if (!MERGEABLE.includes(status)) {
      problems.push({
        index: spec.index,
        jobs: jobsOf(spec.index),
        reason: `failed: ${status}: ${resume(spec.index)}`,
      });
      continue;
    }
    const checked = await bundleRefusal(root, plan, bundle);
    if ('reason' in checked) {
      problems.push({ index: spec.index, jobs: jobsOf(spec.index), reason: `failed: refused: ${checked.reason}` });
      continue;
    }
    const overlap = [...checked.files].find((f) => claimed.has(f));
    if (overlap) {
      const other = claimed.get(overlap)!;
      problems.push({
        index: spec.index,
        jobs: jobsOf(spec.index),
        reason: `failed: it changes ${overlap}, which shard ${other} (merged) changes too: the later shard is not merged`,
      });
      continue;
    }
    const refused = await checkPatchSeries(
      root,
      plan.baseCommit,
      bundle.patches.map((p) => p.patch),
    );
    if (refused) {
      const step = bundle.patches[refused.at]!;
      problems.push({
        index: spec.index,
        jobs: jobsOf(spec.index),
        reason: `failed: its patch ${step.stepId} does not apply on ${plan.baseCommit.slice(0, 12)} (${refused.reason}): write its bundle again on that commit (${command(spec.index)}), then merge every bundle again`,
      });
      continue;
    }
    for (const f of checked.files) claimed.set(f, spec.index);
    merged.push(bundle);
  }
  return { merged, problems };
}
