import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import path from 'node:path';
import {
  ModelError,
  UsageError,
  type Plan,
  UsageLedger,
  priceUsage,
  type Estimate,
  type RunEventListener,
  type ReviewedRange,
  type RunReport,
  type RunStatus,
  type UserConfig,
} from '@orchestrate/core';
import { formatPlanNote, type KindContext } from '@orchestrate/jobs';
import {
  addWorktree,
  detectTestRunner,
  testFilePathFor,
  TypecheckSession,
  ensureExcluded,
  deleteRunBranch,
  findRepoRoot,
  headCommit,
  indexFiles,
  isDirty,
  readCommitFiles,
  preflightRun,
  inScope,
  removeWorktree,
  resolveCommit,
  runBranch,
  runScope,
  runWorktreeDir,
  asksForWorkingTree,
  snapshotWorkingTree,
  type FileIndex,
} from '@orchestrate/repo';
import { pathsInTask, type ModelClient } from '@orchestrate/agents';
import { changedLinesFor, missingRef } from './changes.js';
import { commitSteps } from './commit.js';
import { loadBatches, planOf, saveBatches, saveBatchesNow } from './runs/run-state.js';
import { endJournal, journaledClient, openJournal, recordOf, verdictsOf, type ReplayStats } from './runs/journal.js';
import { batchClient, resolveClient } from './clients.js';
import { buildReport } from './runs/run-report.js';
import { clearInterrupted, findResumeTarget } from './runs/resume.js';
import { estimateRun } from './estimate.js';
import { finish, newJobState, type JobState } from './job/state.js';
import { loadConfig, stripUndefined } from './load-config.js';
import { expandPlan, makePlan } from './plan.js';
import { writeReport } from './runs/report.js';
import type { HeavyGateState } from './job/heavy-gates.js';
import { formPacks } from './job/packing.js';
import { runRounds } from './job/rounds.js';
import { settle } from './job/state.js';
import type { PhaseContext } from './job/types.js';
import { redactingClient } from './redacting-client.js';

/** Options of one run. CLI flags map one to one onto these. */
export interface RunTaskOptions {
  task: string;
  /** A directory inside the target repository. @default process.cwd() */
  cwd?: string;
  engine?: 'auto' | 'openai' | 'offline';
  /** Plan, expand and estimate; create nothing and call no worker. */
  dryRun?: boolean;
  concurrency?: number;
  budgetUsd?: number;
  /** Models per role, over the config file's (`--planner`, `--worker`, `--verifier`). */
  models?: { planner?: string; worker?: string; verifier?: string };
  /** An explicit config file (absolute) instead of `agents.config.ts` at the repository root; missing: E_CONFIG. */
  configFile?: string;
  /** Environment to read OPENAI_API_KEY / OPENAI_BASE_URL from. @default process.env */
  env?: Record<string, string | undefined>;
  onEvent?: RunEventListener;
  signal?: AbortSignal;
  /**
   * Review a range instead of planning: `base` (default: the merge base with the default branch) to `head` (default
   * HEAD). No planner call; one review step over the changed lines.
   */
  review?: {
    base: string | null;
    head: string | null;
    /**
     * Review the working tree's uncommitted changes (staged, unstaged, untracked files that are not ignored) on top of
     * `head`: read-only, through a temporary index. @default true when `head` is null, as `git diff <base>` compares
     * with the working tree
     */
    workingTree?: boolean;
  };
  /** Send worker and verifier calls through the OpenAI Batch API (half price; the run waits for each batch). */
  batch?: boolean;
  /** With `batch`: submit the first batch and stop; `resume` collects it later. */
  detach?: boolean;
  /**
   * Resume a run by id ('' = the newest resumable run): a detached one collects its batches; an interrupted one (killed,
   * or stopped with Ctrl-C) is redone from its base commit with every answer its journal holds, so nothing is paid twice.
   */
  resume?: string;
  /** Stop gracefully: start no new call, let calls in flight finish, commit what was verified, report `interrupted`. */
  stop?: AbortSignal;
  /** Asked after planning with the jobs and the estimate; resolving false cancels the run before anything is spent on jobs. */
  confirm?: (info: { jobs: number; estimate: Estimate }) => Promise<boolean>;
}

/** The model flags over those a resumed run was started with; undefined when neither names one. */
function modelOverrides(...layers: Array<RunTaskOptions['models']>): RunTaskOptions['models'] {
  const models = Object.assign({}, ...layers.map((m) => stripUndefined(m ?? {})));
  return Object.keys(models).length ? models : undefined;
}

/** A new run id: sortable by time, unique enough for branch names. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * Runs a task on a repository: index → plan → expand → work → gates → verify → commit → report. Every edit happens in a
 * git worktree on a new branch `orchestrate/<run-id>` created from HEAD; the user's working tree, index and branch are
 * never touched. Resolves with the report; rejects only with OrchestrateError for user-fixable problems (or a bug).
 */
export async function runTask(options: RunTaskOptions): Promise<RunReport> {
  const onError: Array<() => Promise<void>> = [];
  try {
    return await run(options, onError);
  } catch (err) {
    for (const undo of onError) await undo().catch(() => undefined);
    throw err;
  }
}

/** The run itself; `onError` collects what to undo if it throws before the worktree's own cleanup takes over. */
async function run(options: RunTaskOptions, onError: Array<() => Promise<void>>): Promise<RunReport> {
  const started = Date.now();
  const cpuAtStart = process.cpuUsage();
  const timing = { indexMs: 0, planMs: 0, workMs: 0 };
  const outer: RunEventListener = options.onEvent ?? (() => {});
  const env = options.env ?? process.env;
  outer({ type: 'phase', phase: 'setup' });
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const root = await findRepoRoot(cwd);
  const head = await headCommit(root);
  const resuming = options.resume !== undefined ? await findResumeTarget(root, options.resume || undefined) : null;
  const detached = resuming?.kind === 'detached' ? resuming.detached : null;
  const interrupted = resuming?.kind === 'journal' ? resuming : null;
  // `-C <dir>` inside the repository scopes the run to <dir>; a resumed run keeps the scope it started with.
  const scope = detached ? (detached.report.scope ?? '') : interrupted ? (interrupted.start.options.scope ?? '') : await runScope(root, cwd);
  const task = detached?.report.task ?? interrupted?.start.task ?? options.task;
  // A review of the working tree reviews a snapshot commit of it (made through a temporary index: read-only for the user).
  const reviewHead = options.review?.head ? await resolveRef(root, options.review.head) : head;
  const wantsWorkingTree = !resuming && (options.review ? (options.review.workingTree ?? !options.review.head) : asksForWorkingTree(task));
  const snapshot = wantsWorkingTree && !options.dryRun ? await snapshotWorkingTree(root, head) : null;
  const baseCommit = detached
    ? detached.report.baseCommit
    : interrupted
    ? interrupted.start.baseCommit
    : snapshot ?? reviewHead;
  // A resumed run keeps the engine, concurrency and budget it was started with, unless given again.
  const first = interrupted?.start.options ?? {};
  const overrides: Partial<UserConfig> = {
    engine: options.engine ?? (first.engine as UserConfig['engine']),
    concurrency: options.concurrency ?? first.concurrency,
    budgetUsd: options.budgetUsd ?? first.budgetUsd,
    models: modelOverrides(first.models, options.models),
  };
  const { config } = await loadConfig(root, overrides, options.configFile ?? first.configFile);
  const direct = await resolveClient(config, env, (e) => outer({ type: 'throttle', ...e }));
  const runId = detached?.report.id ?? interrupted?.start.runId ?? newRunId();
  // Every submitted batch is saved at once (not only on --detach): a run killed while it waits collects, not resubmits.
  const submitted = detached?.batches ?? (interrupted ? loadBatches(root, runId) : new Map<string, string>());
  const batches: string[] = [...new Set([...(detached?.report.batches ?? []), ...submitted.values()])];
  const onBatch = (e: { batchId: string; requests: number; status: string; customIds: string[] }) => {
    if (!batches.includes(e.batchId)) batches.push(e.batchId);
    for (const id of e.customIds) submitted.set(id, e.batchId);
    if (e.customIds.length) saveBatchesNow(root, runId, submitted);
    outer({ type: 'phase', phase: 'work', detail: `batch ${e.batchId}: ${e.requests} request(s), ${e.status}` });
  };
  const batchMode = Boolean(options.batch || detached || interrupted?.start.options.batch);
  const direct2 = batchMode && direct ? await batchClient(config, env, { onBatch, known: submitted, detach: Boolean(options.detach) }) : direct;
  const engine = direct ? 'openai' : 'offline';
  const branch = runBranch(runId);
  if (interrupted) await clearInterrupted(root, runId, baseCommit);
  // Outside `.git/` (tools such as vite mis-resolve files there) and outside the user's tree (their tools would see it).
  const worktree = await runWorktreeDir(root, runId);
  // What the branch and worktree need is checked before any model call: a run git cannot branch must not pay the planner.
  await preflightRun(root, { branch, worktree });
  // The journal: every answer is kept before it is used, so a run killed at any point resumes without paying twice.
  const journal = options.dryRun ? null : await openJournal(root, runId);
  if (journal && !interrupted) {
    journal.append(
      { t: 'start', runId, task, baseCommit, branch, engine, pid: process.pid, at: new Date(started).toISOString(), options: { engine: options.engine, concurrency: options.concurrency, budgetUsd: options.budgetUsd, batch: options.batch, models: options.models, configFile: options.configFile, ...(scope ? { scope } : {}) } },
      true,
    );
  } else journal?.append({ t: 'phase', phase: 'resumed', pid: process.pid }, true);
  // A run that fails before its worktree exists (the planner failed, the key was refused) ends its journal: there is
  // nothing to resume, and `runs` shows it failed.
  if (journal) onError.push(async () => endJournal(journal, 'failed'));
  const emit: RunEventListener = (event) => {
    const record = journal ? recordOf(event) : null;
    if (record) journal!.append(record, record.t === 'phase');
    outer(event);
  };
  const replay: ReplayStats = { replayed: 0, verdicts: 0 };
  const journaled = (c: ModelClient | null) => (c && journal ? journaledClient(c, journal, interrupted?.records ?? [], replay, (m, u) => priceUsage(u, config.prices[m])) : c);
  const client = redactingClient(journaled(direct), config.secrets);
  const workers = direct2 === direct ? client : redactingClient(journaled(direct2), config.secrets, client);
  emit({ type: 'run-start', runId, engine, branch, baseCommit, dirty: await isDirty(root) });

  emit({ type: 'phase', phase: 'index' });
  const t0 = Date.now();
  const read = await readCommitFiles(root, baseCommit, { ...config, extras: ['package.json', 'AGENTS.md'] });
  const { extras } = read;
  // Paths stay repository-relative (git's); only the files under the scope are indexed, planned and expanded.
  const repoFiles = read.files.filter((f) => inScope(scope, f.path));
  const skipped = read.skipped.filter((f) => inScope(scope, f.path));
  const files = indexFiles(repoFiles);
  timing.indexMs = Date.now() - t0;
  emit({ type: 'indexed', files: files.length, declarations: files.reduce((n, f) => n + f.declarations.length, 0), skipped: skipped.length, ms: timing.indexMs });

  const ledger = new UsageLedger(config.prices, config.budgetUsd ?? null);
  // Without a confirmation to wait for, the worktree is made (by a git child process) while the planner thinks; a run
  // that then has nothing to do removes it again. It holds no files until a gate runs a command in it.
  const early = options.dryRun || options.confirm ? null : settled(addWorktree(root, worktree, branch, baseCommit, { checkout: false }));
  let dropped = false;
  const dropEarly = async () => {
    if (!early || dropped || (await early).error) return;
    dropped = true;
    await removeWorktree(root, worktree).catch(() => undefined);
    await deleteRunBranch(root, branch).catch(() => undefined);
  };
  onError.push(dropEarly);
  emit({ type: 'phase', phase: 'plan' });
  const t1 = Date.now();
  if (detached) ledger.restore(detached.report.usage);
  const plan = detached
    ? planOf(detached.report)
    : options.review
    ? reviewPlan(options.review.base)
    : await makePlan({ task: scopedTask(task, scope, files), files, config, client, ledger, root, commit: baseCommit });
  timing.planMs = Date.now() - t1;
  if (snapshot) keepReviewSteps(plan);
  emit({ type: 'planned', plan });
  plan.warnings.forEach((message) => emit({ type: 'warning', message }));

  emit({ type: 'phase', phase: 'expand' });
  const warnings = [...plan.warnings, ...skipped.map((s) => `skipped ${s.path}: ${s.reason}`)];
  let session: TypecheckSession | undefined;
  const range: { base?: string } = {};
  const runner = detectTestRunner(root, parseJson(extras.get('package.json') ?? null), repoFiles.map((f) => f.path));
  const repoPaths = repoFiles.map((f) => f.path);
  const kinds: KindContext = {
    files,
    agentsMd: extras.get('AGENTS.md') ?? null,
    changed: await changedLinesFor(root, baseCommit, plan, warnings, range),
    tests: { runner: runner.name, pathFor: (source) => testFilePathFor(source, runner, repoPaths) },
    typecheck: () => (session ??= TypecheckSession.create({ root, files: files.map((f) => ({ path: f.path, text: f.text })) })),
    root,
  };
  const targets = expandPlan(plan, kinds);
  // What a step's tool decided while expanding (which formatter runs, the options derived for it) is shown before any work.
  for (const note of plan.steps.map(formatPlanNote)) {
    if (!note || warnings.includes(note)) continue;
    warnings.push(note);
    emit({ type: 'warning', message: note });
  }
  // Packed as the run will pack them, so the estimate counts the calls that will be made.
  const packs = formPacks(targets.map(newJobState), { config, client, kinds }).map((pack) => pack.map((s) => s.target));
  const estimate = estimateRun(targets, config, ledger, !client, kinds, packs);
  emit({ type: 'expanded', jobs: targets.map((t) => t.job), estimate });
  const states = targets.map(newJobState);
  // What every report of this run adds to buildReport's: the scope, and what a review reviewed.
  const reviewed: ReviewedRange | undefined =
    range.base && plan.steps.some((st) => st.kind === 'review')
      ? {
          base: range.base,
          head: snapshot ? head : baseCommit,
          workingTree: Boolean(snapshot),
          files: kinds.changed?.size ?? 0,
          label: `${range.base.slice(0, 7)}..${snapshot ? 'working tree' : baseCommit.slice(0, 7)}`,
        }
      : undefined;
  const decorate = (report: RunReport): RunReport => {
    if (scope) report.scope = scope;
    if (reviewed) report.reviewed = reviewed;
    return report;
  };
  const base = { id: runId, task, engine, repo: root, baseCommit, plan, estimate, warnings, timing, cpuAtStart, client, batches, startedAt: new Date(started).toISOString() } as const;

  const cancelled = !options.dryRun && states.length > 0 && options.confirm ? !(await options.confirm({ jobs: states.length, estimate })) : false;
  if (options.dryRun || states.length === 0 || cancelled) {
    const status: RunStatus = options.dryRun ? 'dry-run' : cancelled ? 'cancelled' : 'nothing-to-do';
    const reason = options.dryRun ? 'dry run: planned, not run' : 'cancelled at the confirmation prompt';
    if (options.dryRun || cancelled) states.forEach((s) => finish(s, 'skipped', reason));
    const report = decorate(buildReport({ ...base, status, branch: null, worktree: null, commits: [], states, ledger, config, maxAnnotations: config.maxAnnotations, started }));
    await dropEarly();
    if (!options.dryRun) {
      await ensureExcluded(root);
      await writeReport(root, report);
    }
    endJournal(journal, status);
    emit({ type: 'done', report });
    return report;
  }

  await ensureExcluded(root);
  emit({ type: 'phase', phase: 'setup', detail: `worktree on ${branch}` });
  if (!early) await addWorktree(root, worktree, branch, baseCommit, { checkout: false });
  else {
    const { error } = await early;
    if (error) throw error;
  }
  // From here the try/finally below removes the worktree (and the branch when nothing was committed).
  onError.length = 0;
  // Through the Batch API every call of a round is submitted together, so the concurrency limit does not apply.
  const phaseConfig = workers !== client ? { ...config, concurrency: 100_000 } : config;
  const ctx: PhaseContext = {
    config: phaseConfig,
    client: workers,
    ledger,
    emit,
    signal: options.signal,
    stop: options.stop,
    kinds,
    limit: pLimit(phaseConfig.concurrency),
    fatal: null,
    verdicts: journal ? verdictsOf(journal, interrupted?.records ?? [], replay) : undefined,
  };
  options.stop?.addEventListener('abort', () => journal?.append({ t: 'phase', phase: 'stopping' }, true), { once: true });
  const heavy: HeavyGateState = {
    root,
    worktree,
    files,
    runner,
    testCommand: config.testCommand ?? runner.testCommand,
    warnings,
    baseline: new Map(),
    session: () => kinds.typecheck(),
  };
  let commits: RunReport['commits'] = [];
  try {
    const t2 = Date.now();
    await runRounds(states, ctx, heavy);
    timing.workMs = Date.now() - t2;
    if (workers?.detached) {
      const report = await detach(root, runId, submitted, states, (status) =>
        decorate(buildReport({ ...base, status, branch: null, worktree: null, commits: [], states, ledger, config, maxAnnotations: config.maxAnnotations, started })), emit);
      endJournal(journal, report.status);
      return report;
    }
    emit({ type: 'phase', phase: 'commit' });
    journal?.append({ t: 'phase', phase: 'commit' }, true);
    commits = await commitSteps(plan, states, worktree, {
      runId,
      task,
      engine,
      models: { worker: config.models.worker, verifier: config.models.verifier },
    });
    for (const c of commits) journal?.append({ t: 'phase', phase: 'committed', sha: c.sha, detail: c.stepId }, true);
  } finally {
    await removeWorktree(root, worktree).catch(() => undefined);
    if (commits.length === 0) {
      await deleteRunBranch(root, branch).catch((err: unknown) => {
        warnings.push(`could not delete the empty branch ${branch} (${err instanceof Error ? err.message.split('\n')[0] : err}): delete it with \`git branch -D ${branch}\``);
      });
    }
  }
  for (const s of states) {
    if (s.phase !== 'done') {
      s.phase = 'done';
      s.status = 'failed';
      s.error ??= 'not committed';
    }
    settle(s, ctx);
  }
  const failed = states.some((s) => s.status !== 'succeeded');
  const stopped = Boolean(options.stop?.aborted || options.signal?.aborted) && failed;
  const status: RunStatus = ledger.budgetReached ? 'budget-exceeded' : stopped ? 'interrupted' : failed ? 'completed-with-failures' : 'completed';
  emit({ type: 'phase', phase: 'report' });
  const report = decorate(buildReport({ ...base, status, branch: commits.length ? branch : null, worktree: null, commits, states, ledger, config, maxAnnotations: config.maxAnnotations, started }));
  report.replayedCalls = replay.replayed;
  report.replayedVerdicts = replay.verdicts;
  await writeReport(root, report);
  endJournal(journal, status);
  emit({ type: 'done', report });
  if (ctx.fatal) throw new ModelError(`The run stopped: ${ctx.fatal.message} (report: .orchestrate/runs/${runId}/report.json)`);
  return report;
}

/** A promise's outcome without a rejection to handle later: the early worktree may fail while the planner runs. */
function settled(promise: Promise<void>): Promise<{ error: unknown }> {
  return promise.then(
    () => ({ error: null }),
    (error: unknown) => ({ error }),
  );
}

/** Ends a run whose calls wait in a batch: nothing is committed; the report and the batch ids say how to resume. */
async function detach(
  root: string,
  runId: string,
  submitted: Map<string, string>,
  states: JobState[],
  build: (status: RunStatus) => RunReport,
  emit: RunEventListener,
): Promise<RunReport> {
  for (const s of states) if (s.phase !== 'done') finish(s, 'skipped', `waiting for a batch: run \`orchestrate resume ${runId}\``);
  await saveBatches(root, runId, submitted);
  const report = build('detached');
  report.warnings.push(`detached: the batch runs on OpenAI's side; collect it with \`orchestrate resume ${runId}\``);
  await writeReport(root, report);
  emit({ type: 'done', report });
  return report;
}

/**
 * The task as the planner reads it in a scoped run: a path written relative to the scope (`src/` in `-C packages/api`)
 * that names no repository path but names one under the scope becomes repository-relative (`packages/api/src/`).
 */
export function scopedTask(task: string, scope: string, files: readonly FileIndex[]): string {
  if (!scope) return task;
  const known = (p: string) => files.some((f) => f.path === p || f.path.startsWith(`${p.replace(/\/+$/, '')}/`));
  const relative = pathsInTask(task, (p) => !known(p) && known(`${scope}/${p}`));
  if (relative.length === 0) return task;
  const pattern = new RegExp(`(^|[\\s'"\`(])(?:\\./)?(${relative.map(escapeRegExp).join('|')})(?=[/\\s'"\`),.;:]|$)`, 'g');
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
  plan.warnings.push(`reviewing the working tree, so only review steps run; run the rest (${others.map((st) => `${st.id}: ${st.kind}`).join(', ')}) as a task of its own`);
}

/** The plan of `orchestrate review`: code decides, no planner call. */
function reviewPlan(base: string | null): Plan {
  const selector = { paths: [], declarationKinds: [], names: [], exportedOnly: false, missingDocsOnly: false, changedSince: base };
  return { steps: [{ id: 'step-1', kind: 'review', variant: null, selector, instructions: '' }], source: 'review command', warnings: [] };
}

async function resolveRef(root: string, ref: string): Promise<string> {
  const sha = await resolveCommit(root, ref);
  if (!sha) throw await missingRef(root, ref);
  return sha;
}

function parseJson(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}
