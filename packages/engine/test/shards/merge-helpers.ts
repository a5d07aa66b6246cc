// Hand-made shard bundles for the merge's tests: each shard's edits are committed on a branch of a temp repository and
// `git diff` of each commit is its step's patch, as `orchestrate run --shard` writes them.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  BUNDLE_FILES,
  SHARD_FORMAT_VERSION,
  type PlanStep,
  type RunReport,
  type ShardBundle,
  type ShardPlanFile,
} from '@orchestrate/core';
import { planIdOf } from '@orchestrate/engine';
import { IDENTITY, type TempRepo } from '../../../../test/helpers/repo.js';

/** The plan's one docstring step. */
export const DOCS_STEP: PlanStep = {
  id: 'docs',
  kind: 'docstring',
  variant: null,
  selector: { paths: ['src/**'], declarationKinds: ['function'], exportedOnly: true },
  instructions: '',
} as unknown as PlanStep;

/** A shard as a test describes it: its files and, per step, the new text of each file. */
export interface ShardEdits {
  files: string[];
  /** stepId → file → new text. */
  steps: Record<string, Record<string, string>>;
}

/** A plan file of `shards` over `steps` on `base` (in `scope`), with the planId `orchestrate plan` would give it. */
export function planFile(
  base: string,
  shards: ShardEdits[],
  steps: PlanStep[] = [DOCS_STEP],
  scope = '',
): ShardPlanFile {
  const specs = shards.map((s, i) => ({
    index: i + 1,
    files: [...s.files].sort(),
    jobs: s.files.length,
    estimatedTokens: 100,
    budgetUsd: null,
  }));
  return {
    version: SHARD_FORMAT_VERSION,
    planId: planIdOf(steps, base, scope, specs),
    task: 'add docstrings to src/',
    baseCommit: base,
    scope,
    plan: { steps, source: 'offline', warnings: [] },
    budgetUsd: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    shards: specs,
    matrix: { include: shards.map((_, i) => ({ shard: `${i + 1}/${shards.length}` })) },
  };
}

/**
 * Writes shard `index`'s bundle into `dir`: its edits committed per step on a branch from `plan.baseCommit` (then the
 * branch is deleted and the user's branch checked out again), one patch per commit, a report with one item and a
 * priced usage line per file.
 */
export function writeBundle(
  repo: TempRepo,
  plan: ShardPlanFile,
  index: number,
  edits: ShardEdits,
  dir: string,
  overrides: Partial<ShardBundle> = {},
): string {
  const current = repo.git('rev-parse', '--abbrev-ref', 'HEAD').trim();
  repo.git('checkout', '--quiet', '-b', `shard-${index}-${path.basename(dir)}`, plan.baseCommit);
  mkdirSync(path.join(dir, BUNDLE_FILES.stepsDir), { recursive: true });
  const steps: ShardBundle['steps'] = [];
  const items: RunReport['items'] = [];
  let n = 0;
  for (const step of plan.plan.steps) {
    const texts = edits.steps[step.id];
    if (!texts) continue;
    const before = repo.git('rev-parse', 'HEAD').trim();
    for (const [file, text] of Object.entries(texts)) repo.write(file, text);
    repo.git('add', '-A');
    repo.git(...IDENTITY, 'commit', '--quiet', '-m', `docs: shard ${index} step ${step.id}`);
    const patch = repo.git('diff', '--binary', '--full-index', before, 'HEAD');
    n++;
    const name = `${BUNDLE_FILES.stepsDir}/${n}-${step.id}.patch`;
    writeFileSync(path.join(dir, name), patch);
    const files = Object.keys(texts).sort();
    steps.push({ stepId: step.id, patch: name, files, jobs: files.length, message: `docs: shard ${index} ${step.id}` });
    for (const file of files) items.push(item(step.id, file));
  }
  repo.git('checkout', '--quiet', current);
  const manifest: ShardBundle = {
    version: SHARD_FORMAT_VERSION,
    planId: plan.planId,
    baseCommit: plan.baseCommit,
    shard: { index, total: plan.shards.length },
    runId: `shard-run-${index}`,
    status: 'completed',
    steps,
    report: BUNDLE_FILES.report,
    journal: BUNDLE_FILES.journal,
    plan: BUNDLE_FILES.plan,
    ...overrides,
  };
  writeFileSync(path.join(dir, BUNDLE_FILES.manifest), JSON.stringify(manifest));
  writeFileSync(path.join(dir, BUNDLE_FILES.plan), JSON.stringify(plan));
  writeFileSync(path.join(dir, BUNDLE_FILES.journal), '');
  writeFileSync(path.join(dir, BUNDLE_FILES.report), JSON.stringify(report(plan, manifest, items)));
  return dir;
}

function item(stepId: string, file: string): RunReport['items'][number] {
  return {
    id: `${stepId}:${file}`,
    stepId,
    kind: 'docstring',
    file,
    symbol: 'f',
    status: 'succeeded',
    model: 'gpt-test',
    tokens: { input: 100, cachedInput: 0, output: 10 },
    costUsd: 0.001,
    error: null,
    verdict: null,
    attempts: [{ model: 'gpt-test', rejected: null }],
  };
}

function report(plan: ShardPlanFile, m: ShardBundle, items: RunReport['items']): RunReport {
  const n = items.length;
  return {
    id: m.runId,
    task: plan.task,
    engine: 'openai',
    status: m.status,
    repo: '/elsewhere',
    baseCommit: plan.baseCommit,
    branch: `orchestrate/${m.runId}`,
    worktree: null,
    plan: { source: 'offline', steps: plan.plan.steps, warnings: [] },
    commits: [],
    jobs: { total: n, succeeded: n, failed: 0, skipped: 0 },
    usage: {
      'gpt-test': { requests: n, inputTokens: 100 * n, cachedInputTokens: 0, outputTokens: 10 * n, costUsd: 0.001 * n },
    },
    costUsd: 0.001 * n,
    budgetUsd: null,
    estimate: null,
    durationMs: 10,
    batches: [],
    throttling: {},
    faults: {},
    metrics: { indexMs: 1, planMs: 0, workMs: 5, cpuMs: 7, peakRssMb: 50 },
    startedAt: '2026-01-01T00:00:00.000Z',
    items,
    annotations: [],
    warnings: [],
  };
}

/** `text` with a doc comment before each `export function`. */
export function documented(text: string): string {
  return text.replace(/^export function (\w+)/gm, '/** Does $1. */\nexport function $1');
}
