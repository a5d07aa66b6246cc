import { type UsageLedger, type Estimate, type Plan, type ReviewedRange, type RunReport } from '@orchestrate/core';
import { agentsLookup, formatPlanNote, type JobTarget, type KindContext } from '@orchestrate/jobs';
import { pathsInTask } from '@orchestrate/agents';
import {
  detectTestRunner,
  indexFiles,
  inScope,
  testFilePathFor,
  TypecheckSession,
  type FileIndex,
  type RepoFile,
  type TestRunnerInfo,
  warmTypeScript,
} from '@orchestrate/repo';
import { changedLinesFor } from './changes.js';
import { estimateRun } from './estimate.js';
import { formPacks } from './job/packing.js';
import { newJobState } from './job/state.js';
import { expandPlan, makePlan } from './plan.js';
import { warmTokenizer } from './tokens.js';
import type { RunSetup } from './run-setup.js';
import { outcome } from './settled.js';
import { planOf } from './runs/run-state.js';
import { shardTargets } from './shards/from-plan.js';

/** The repository as the run reads it: the indexed files under the scope, and the extras kinds look at. */
export interface IndexedRepo {
  files: FileIndex[];
  repoFiles: RepoFile[];
  extras: Map<string, string>;
  warnings: string[];
}

/** What planning and expanding decided: the plan, the jobs, the estimate and what every report of the run adds. */
export interface Prepared {
  plan: Plan;
  kinds: KindContext;
  targets: JobTarget[];
  estimate: Estimate;
  runner: TestRunnerInfo;
  ledger: UsageLedger;
  /** The run's warnings so far (plan, skipped files, tool notes); the phases add theirs. */
  warnings: string[];
  /** Adds the scope and the reviewed range to a report. */
  decorate: (report: RunReport) => RunReport;
}

/** How long after the planner's call starts the tokenizer is built: by then its request has been written. */
const WARM_AFTER_MS = 25;

function warmUp(): void {
  warmTokenizer();
  warmTypeScript();
}

/** Reads the base commit's files (those under the scope) and indexes them. */
export async function indexRepo(run: RunSetup): Promise<IndexedRepo> {
  const { emit, scope, timing } = run;
  emit({ type: 'phase', phase: 'index' });
  const t0 = Date.now();
  const read = outcome(await run.files);
  // Paths stay repository-relative (git's); only the files under the scope are indexed, planned and expanded.
  const repoFiles = read.files.filter((f) => inScope(scope, f.path));
  const skipped = read.skipped.filter((f) => inScope(scope, f.path));
  const files = run.options.indexer ? await run.options.indexer(repoFiles) : indexFiles(repoFiles);
  timing.indexMs = Date.now() - t0;
  const declarations = files.reduce((n, f) => n + f.declarations.length, 0);
  emit({ type: 'indexed', files: files.length, declarations, skipped: skipped.length, ms: timing.indexMs });
  return { files, repoFiles, extras: read.extras, warnings: skipped.map((s) => `skipped ${s.path}: ${s.reason}`) };
}

/** Plans (the planner, the review command's fixed plan, or a detached run's saved plan). */
export async function planRun(run: RunSetup, repo: IndexedRepo, ledger: UsageLedger): Promise<Plan> {
  const { emit, detached, options, task, scope, config, client, root, baseCommit, runId } = run;
  emit({ type: 'phase', phase: 'plan' });
  const t1 = Date.now();
  if (detached) ledger.restore(detached.report.usage);
  const files = repo.files;
  const { signal } = options;
  const planned = () =>
    makePlan({
      task: scopedTask(task, scope, files),
      files,
      config,
      client,
      ledger,
      root,
      commit: baseCommit,
      runId,
      ...(signal && { signal }),
    });
  // The tokenizer is built and TypeScript loaded while the planner thinks (the main thread waits for it), once its
  // request has left.
  const warm = client && !detached && !options.review && !options.fromPlan ? setTimeout(warmUp, WARM_AFTER_MS) : null;
  warm?.unref();
  // A saved plan file's steps are run as they are (a copy: the run may drop steps from it).
  const saved = options.fromPlan ? structuredClone(options.fromPlan.file.plan) : null;
  const plan = detached
    ? planOf(detached.report)
    : (saved ?? (options.review ? reviewPlan(options.review.base) : await planned()));
  run.timing.planMs = Date.now() - t1;
  if (run.snapshot) keepReviewSteps(plan);
  emit({ type: 'planned', plan });
  plan.warnings.forEach((message) => emit({ type: 'warning', message }));
  return plan;
}

/** Expands the plan into jobs and estimates them, packed as the run will pack them. */
export async function expandRun(run: RunSetup, repo: IndexedRepo, plan: Plan, ledger: UsageLedger): Promise<Prepared> {
  const { emit, root, baseCommit, config, client, scope } = run;
  emit({ type: 'phase', phase: 'expand' });
  const warnings = [...plan.warnings, ...repo.warnings];
  let session: TypecheckSession | undefined;
  const range: { base?: string } = {};
  const repoPaths = repo.repoFiles.map((f) => f.path);
  const runner = detectTestRunner(root, parseJson(repo.extras.get('package.json') ?? null), repoPaths);
  const { files } = repo;
  const agents = agentsLookup(repo.extras, config.agentsMd.maxBytes);
  const kinds: KindContext = {
    files,
    agentsMdFor: agents.agentsMdFor,
    agentsMdTokens: config.agentsMd.maxTokens,
    changed: inScopeOnly(await changedLinesFor(root, baseCommit, plan, warnings, range), scope),
    tests: { runner: runner.name, pathFor: (source) => testFilePathFor(source, runner, repoPaths) },
    typecheck: () =>
      (session ??= TypecheckSession.create({ root, files: files.map((f) => ({ path: f.path, text: f.text })) })),
    root,
    runRepositoryCode: run.options.runRepositoryCode !== false,
  };
  const targets = shardTargets(expandPlan(plan, kinds), run.options.fromPlan, warnings, emit);
  // The cap is per job's chain, so whether it cut one is known once the jobs are: one warning per run.
  const cut = agents.warning(targets.map((t) => t.file.path));
  if (cut) {
    warnings.push(cut);
    emit({ type: 'warning', message: cut });
  }
  // What a step's tool decided while expanding (which formatter runs, the options derived for it) is shown before any
  // work.
  for (const note of plan.steps.map(formatPlanNote)) {
    if (!note || warnings.includes(note)) continue;
    warnings.push(note);
    emit({ type: 'warning', message: note });
  }
  // Packed as the run will pack them, so the estimate counts the calls that will be made.
  const packs = formPacks(targets.map(newJobState), { config, client, kinds }).map((pack) => pack.map((s) => s.target));
  const estimate = estimateRun(targets, config, ledger, !client, kinds, packs);
  emit({ type: 'expanded', jobs: targets.map((t) => t.job), estimate });
  const reviewed = reviewedRange(run, plan, range.base, kinds.changed?.size ?? 0);
  const decorate = (report: RunReport): RunReport => {
    if (run.scope) report.scope = run.scope;
    if (reviewed) report.reviewed = reviewed;
    return report;
  };
  return { plan, kinds, targets, estimate, runner, ledger, warnings, decorate };
}

/** What a review reviewed (the compared commits, or the working tree), for the report; undefined without a review. */
function reviewedRange(run: RunSetup, plan: Plan, base: string | undefined, files: number): ReviewedRange | undefined {
  if (!base || !plan.steps.some((st) => st.kind === 'review')) return undefined;
  const { snapshot, head, baseCommit } = run;
  const label = `${base.slice(0, 7)}..${snapshot ? 'working tree' : baseCommit.slice(0, 7)}`;
  return { base, head: snapshot ? head : baseCommit, workingTree: Boolean(snapshot), files, label };
}

/**
 * The task as the planner reads it in a scoped run: a path written relative to the scope (`src/` in `-C packages/api`)
 * that names no repository path but names one under the scope becomes repository-relative (`packages/api/src/`).
 */
/** The changed lines of the files under the scope only: a scoped review reviews (and counts) nothing outside it. */
function inScopeOnly<T>(changed: Map<string, T> | null, scope: string): Map<string, T> | null {
  if (!changed || !scope) return changed;
  return new Map([...changed].filter(([file]) => inScope(scope, file)));
}

export function scopedTask(task: string, scope: string, files: readonly FileIndex[]): string {
  if (!scope) return task;
  const known = (p: string) => files.some((f) => f.path === p || f.path.startsWith(`${p.replace(/\/+$/, '')}/`));
  const relative = pathsInTask(task, (p) => !known(p) && known(`${scope}/${p}`));
  if (relative.length === 0) return task;
  const alternatives = relative.map(escapeRegExp).join('|');
  const pattern = new RegExp(`(^|[\\s'"\`(])(?:\\./)?(${alternatives})(?=[/\\s'"\`),.;:]|$)`, 'g');
  return task.replace(pattern, (_, lead: string, p: string) => `${lead}${scope}/${p}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A run that reviews the working tree starts from a snapshot commit holding the user's uncommitted changes: a step that
 * edits would commit those changes on the run branch, so only review steps are kept, with a warning naming the others.
 */
function keepReviewSteps(plan: Plan): void {
  const others = plan.steps.filter((st) => st.kind !== 'review');
  if (!others.length) return;
  plan.steps = plan.steps.filter((st) => st.kind === 'review');
  const names = others.map((st) => `${st.id}: ${st.kind}`).join(', ');
  const note = `reviewing the working tree, so only review steps run; run the rest (${names}) as a task of its own`;
  plan.warnings.push(note);
}

/** The plan of `orchestrate review`: code decides, no planner call. */
function reviewPlan(base: string | null): Plan {
  const selector = {
    paths: [],
    declarationKinds: [],
    names: [],
    exportedOnly: false,
    missingDocsOnly: false,
    changedSince: base,
  };
  const steps: Plan['steps'] = [{ id: 'step-1', kind: 'review', variant: null, selector, instructions: '' }];
  return { steps, source: 'review command', warnings: [] };
}

function parseJson(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}
