import { lstatSync } from 'node:fs';
import path from 'node:path';
import {
  EnvironmentError,
  InterruptedError,
  priceUsage,
  UsageError,
  type ResolvedConfig,
  type RunEventListener,
  type UserConfig,
} from '@orchestrate/core';
import type { ModelClient } from '@orchestrate/agents';
import {
  asksForWorkingTree,
  isDirty,
  locateRepo,
  preflightRun,
  readAgentsDocs,
  readCommitFiles,
  resolveCommit,
  runBranch,
  runScope,
  runWorktreeDir,
  snapshotWorkingTree,
} from '@orchestrate/repo';
import { AGENTS_FILE_NAMES } from '@orchestrate/jobs';
import { missingRef } from './changes.js';
import { outcome, settled, type Settled } from './settled.js';
import { callRecorder, type CallRecorder } from './call-recorder.js';
import { batchClient, resolveClient } from './clients.js';
import { loadConfig } from './load-config.js';
import { redactingClient } from './redacting-client.js';
import { modelOverrides, runIdFor, type RunTaskOptions } from './run-options.js';
import { endJournal, journaledClient, openJournal, recordOf, type Journal, type ReplayStats } from './runs/journal.js';
import type { JournalRecord, StartRecord } from './runs/journal-format.js';
import { clearInterrupted, findResumeTarget } from './runs/resume.js';
import { keepFromPlan } from './shards/from-plan.js';
import { loadBatches, saveBatchesNow, type DetachedRun } from './runs/run-state.js';

/** Where a run starts from: the repository, the commit, the task and scope (a resumed run's own, else the options'). */
export interface RunTarget {
  root: string;
  head: string;
  detached: DetachedRun | null;
  interrupted: { start: StartRecord; records: JournalRecord[] } | null;
  scope: string;
  task: string;
  /** The snapshot commit of the working tree a review reviews, or null. */
  snapshot: string | null;
  baseCommit: string;
  /** The commit the config and AGENTS.md are read from (`configAt`), or null: the working tree's config. */
  configAt: string | null;
}

/** The files of a run's base commit: every indexed file (the scope is applied later) and the extras kinds read. */
export type CommitFiles = Awaited<ReturnType<typeof readCommitFiles>>;

/**
 * Reads the base commit's files as a run indexes them, with the AGENTS files of every folder (`AGENTS_FILE_NAMES`) in
 * `extras` under their paths. They come from `trustedAt` when given (a pull request's head may not tell the models what
 * to do), else from the base commit, in the same pass as the sources.
 */
async function readRunFiles(
  root: string,
  baseCommit: string,
  config: ResolvedConfig,
  trustedAt: string | null,
): Promise<CommitFiles> {
  const extraNames = trustedAt ? [] : AGENTS_FILE_NAMES;
  const read = readCommitFiles(root, baseCommit, { ...config, extras: ['package.json'], extraNames });
  if (!trustedAt) return read;
  const [files, docs] = await Promise.all([read, readAgentsDocs(root, trustedAt, AGENTS_FILE_NAMES, config.exclude)]);
  for (const [docPath, text] of docs) files.extras.set(docPath, text);
  return files;
}

/** Everything the phases of a run share once it is set up: target, config, clients, journal, branch and worktree. */
export interface RunSetup extends RunTarget {
  options: RunTaskOptions;
  started: number;
  cpuAtStart: NodeJS.CpuUsage;
  timing: { indexMs: number; planMs: number; workMs: number };
  config: ResolvedConfig;
  runId: string;
  engine: 'openai' | 'offline';
  branch: string;
  worktree: string;
  /** custom id → batch id of every call submitted to the Batch API so far, and the batch ids in order. */
  submitted: Map<string, string>;
  batches: string[];
  journal: Journal | null;
  emit: RunEventListener;
  replay: ReplayStats;
  /** The base commit's files as the index reads them, asked for while the run is set up. */
  files: Promise<Settled<CommitFiles>>;
  /** The planner's client (and the verifier's outside batch mode), and the one worker and verifier calls go through. */
  client: ModelClient | null;
  workers: ModelClient | null;
  /** Every model call of the run, for the report's timeline (`report.calls`). */
  calls: CallRecorder;
}

/** What to undo when a run throws before its worktree's own cleanup takes over; each is told the error. */
export type Undos = Array<(err: unknown) => Promise<void>>;

/**
 * Sets a run up, in the order that keeps failures cheap: the target, the config and clients (a missing key fails here),
 * the branch and worktree preflight (before any model call), then the journal. `onError` gets what to undo on a throw.
 */
export async function setUpRun(options: RunTaskOptions, onError: Undos): Promise<RunSetup> {
  const started = Date.now();
  const cpuAtStart = process.cpuUsage();
  const outer: RunEventListener = options.onEvent ?? (() => {});
  const env = options.env ?? process.env;
  outer({ type: 'phase', phase: 'setup' });
  const target = await resolveTarget(options);
  const { root, detached, interrupted } = target;
  // A resumed run keeps the engine, concurrency and budget it was started with, unless given again.
  const first = interrupted?.start.options ?? {};
  const overrides: Partial<UserConfig> = {
    engine: options.engine ?? (first.engine as UserConfig['engine']),
    concurrency: options.concurrency ?? first.concurrency,
    budgetUsd: options.budgetUsd ?? first.budgetUsd,
    models: modelOverrides(first.models, options.models),
    planning: options.planning,
  };
  const runId = runIdFor(options, root, detached?.report.id ?? interrupted?.start.runId ?? null);
  const branch = runBranch(runId);
  // What git must tell (where the worktree goes, whether the branch can be made, whether the tree is dirty) is asked
  // first, and the config and the SDK load while those git processes run: all of it stands before the planner's
  // request. Each outcome is awaited in the order below, so the first failure is the one the user has always seen.
  const place = async () => {
    // Outside `.git/` (tools such as vite mis-resolve files there) and outside the user's tree (their tools would see
    // it).
    const dir = await runWorktreeDir(root, runId);
    // A run git cannot branch must not pay the planner.
    await preflightRun(root, { branch, worktree: dir });
    return dir;
  };
  // A resumed run first clears what its interrupted process left, and only once its options are known to be good.
  const early = interrupted ? null : settled(place());
  const dirty = settled(isDirty(root));
  const configFile = options.configFile ?? first.configFile;
  const { config } = await loadConfig(root, overrides, configFile, target.configAt ?? undefined);
  // The files the index reads are asked for too (two git processes), before the SDK loads.
  const files = settled(readRunFiles(root, target.baseCommit, config, target.configAt));
  const warn = (message: string) => outer({ type: 'warning', message });
  const calls = callRecorder(started);
  const onThrottle = (e: { model: string; concurrency: number; reason: string }) => {
    calls.throttled(e.model, e.reason);
    outer({ type: 'throttle', ...e });
  };
  const direct = await resolveClient(config, env, onThrottle, warn);
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
  const detach = Boolean(options.detach);
  // Flags that would change nothing are refused rather than ignored: the user meant something by them.
  if (detach && !batchMode) {
    throw new UsageError(
      '--detach goes with --batch (it submits a Batch API batch and exits): add --batch, or drop --detach.',
    );
  }
  if (options.batch && !direct) {
    throw new UsageError(
      '--batch sends model calls through the OpenAI Batch API, and the offline engine makes none: drop --batch, or run with --engine openai (OPENAI_API_KEY set).',
    );
  }
  const direct2 = batchMode && direct ? await batchClient(config, env, { onBatch, known: submitted, detach }) : direct;
  const engine: RunSetup['engine'] = direct ? 'openai' : 'offline';
  if (interrupted) await clearInterrupted(root, runId, target.baseCommit);
  const worktree = early ? outcome(await early) : await place();
  // A run that started none of the repository's tools resumes without them.
  const noCode = options.runRepositoryCode === undefined && first.runRepositoryCode === false;
  const opts = keepFromPlan(
    noCode ? { ...options, runRepositoryCode: false } : options,
    root,
    runId,
    Boolean(interrupted),
  );
  const base = { ...target, options: opts, started, cpuAtStart, config, runId, engine, branch, worktree, calls };
  const setupBase = { ...base, submitted, batches };
  const run = await openRunJournal(
    { ...setupBase, files, timing: { indexMs: 0, planMs: 0, workMs: 0 } },
    outer,
    onError,
  );
  const price = (m: string, u: Parameters<typeof priceUsage>[0]) => priceUsage(u, config.prices[m]);
  const records = interrupted?.records ?? [];
  const journaled = (c: ModelClient | null) =>
    c && run.journal ? journaledClient(c, run.journal, records, run.replay, price) : c;
  // The recorder sits around the journal (a replayed answer is timed too) and inside the redaction, whose tally is
  // keyed by the outermost client.
  const recorded = (c: ModelClient | null) => calls.wrap(journaled(c), run.replay);
  const client = redactingClient(recorded(direct), config.secrets);
  const workers = direct2 === direct ? client : redactingClient(recorded(direct2), config.secrets, client);
  const setup: RunSetup = { ...run, client, workers };
  const { task, scope, baseCommit } = target;
  const { planner, worker, verifier } = config.models;
  const models =
    engine === 'offline' ? { planner: engine, worker: engine, verifier: engine } : { planner, worker, verifier };
  setup.emit({
    type: 'run-start',
    runId,
    engine,
    branch,
    baseCommit,
    dirty: outcome(await dirty),
    task,
    models,
    dryRun: Boolean(options.dryRun),
    resumed: Boolean(detached || interrupted),
    scope: scope || null,
    budgetUsd: config.budgetUsd ?? null,
  });
  return setup;
}

/** The repository, commit, task and scope of a run: a resumed run's own, else what the options and the cwd say. */
async function resolveTarget(options: RunTaskOptions): Promise<RunTarget> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const { root, head } = await locateRepo(cwd);
  refuseLinkedRunsDir(root);
  const resuming = options.resume !== undefined ? await findResumeTarget(root, options.resume || undefined) : null;
  const detached = resuming?.kind === 'detached' ? resuming.detached : null;
  const interrupted = resuming?.kind === 'journal' ? resuming : null;
  // A resumed run reads its config where it first did. Asked of git while the rest is resolved; awaited last, so the
  // errors keep their order.
  const configRef = options.configAt ?? interrupted?.start.options.configAt;
  const trusted = configRef !== undefined ? settled(resolveRef(root, configRef)) : null;
  // `-C <dir>` inside the repository scopes the run to <dir>; a resumed run keeps the scope it started with.
  const scope = detached
    ? (detached.report.scope ?? '')
    : interrupted
      ? (interrupted.start.options.scope ?? '')
      : (options.fromPlan?.file.scope ?? (await runScope(root, cwd)));
  const task = detached?.report.task ?? interrupted?.start.task ?? options.task;
  const review = options.review;
  // A run started at another commit than HEAD has no working tree of its own: the user's sits on HEAD.
  const from = options.from !== undefined ? await resolveRef(root, options.from) : null;
  if (from && review?.workingTree) {
    throw new UsageError(
      "A run started at a given commit (`from`) cannot review the working tree's changes, which sit on HEAD: drop one of the two.",
    );
  }
  // A review of the working tree reviews a snapshot commit of it (made through a temporary index: read-only for the
  // user).
  const reviewHead = review?.head ? await resolveRef(root, review.head) : (from ?? head);
  const wantsWorkingTree =
    !resuming && !from && (review ? (review.workingTree ?? !review.head) : asksForWorkingTree(task));
  const snapshot = wantsWorkingTree && !options.dryRun ? await snapshotWorkingTree(root, head) : null;
  const baseCommit = detached
    ? detached.report.baseCommit
    : interrupted
      ? interrupted.start.baseCommit
      : (snapshot ?? reviewHead);
  const configAt = trusted ? outcome(await trusted) : null;
  return { root, head, detached, interrupted, scope, task, snapshot, baseCommit, configAt };
}

/**
 * Opens the journal (none for a dry run): every answer is kept before it is used, so a run killed at any point resumes
 * without paying twice. Events that matter for resuming go to it before they reach the caller's listener.
 */
async function openRunJournal(
  setup: Omit<RunSetup, 'journal' | 'emit' | 'replay' | 'client' | 'workers'>,
  outer: RunEventListener,
  onError: Undos,
): Promise<Omit<RunSetup, 'client' | 'workers'>> {
  const { options, root, runId, task, baseCommit, branch, engine, scope, interrupted } = setup;
  const journal = options.dryRun ? null : await openJournal(root, runId);
  if (journal && !interrupted) {
    const { concurrency, budgetUsd, batch, models, configFile } = options;
    const { engine: asked } = options;
    const kept = {
      ...(scope ? { scope } : {}),
      ...(setup.configAt ? { configAt: setup.configAt } : {}),
      ...(options.runRepositoryCode === false ? { runRepositoryCode: false as const } : {}),
    };
    const given = { engine: asked, concurrency, budgetUsd, batch, models, configFile, ...kept };
    const at = new Date(setup.started).toISOString();
    journal.append({ t: 'start', runId, task, baseCommit, branch, engine, pid: process.pid, at, options: given }, true);
  } else journal?.append({ t: 'phase', phase: 'resumed', pid: process.pid }, true);
  // A run that fails before its worktree exists (the planner failed, the key was refused) ends its journal: there is
  // nothing to resume, and `runs` shows it failed. One aborted there (E_INTERRUPTED) is resumable, as its error says.
  const ending = (err: unknown) => (err instanceof InterruptedError ? 'interrupted' : 'failed');
  if (journal) onError.push(async (err) => endJournal(journal, ending(err)));
  const emit: RunEventListener = (event) => {
    const record = journal ? recordOf(event) : null;
    if (record) journal!.append(record, record.t === 'phase');
    outer(event);
  };
  return { ...setup, journal, emit, replay: { replayed: 0, verdicts: 0 } };
}

/** The commit a ref the user typed names; an unknown ref is E_USAGE (E_SHALLOW_CLONE when the clone lacks it). */
async function resolveRef(root: string, ref: string): Promise<string> {
  // git would read a leading dash as an option.
  const sha = ref.startsWith('-') ? null : await resolveCommit(root, ref);
  if (!sha) throw await missingRef(root, ref);
  return sha;
}

/**
 * A repository whose `.orchestrate` is a symbolic link (or a file) is refused: the run's journal, reports and config
 * copy are written there, and a link committed to the repository would send those writes anywhere on the machine.
 */
function refuseLinkedRunsDir(root: string): void {
  const dir = path.join(root, '.orchestrate');
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st || st.isDirectory()) return;
  const what = st.isSymbolicLink() ? 'a symbolic link' : 'not a folder';
  throw new EnvironmentError(
    'E_UNSAFE_REPO',
    `${dir} is ${what}: orchestrate keeps its runs there and does not write through it. ` +
      'Remove it (`rm .orchestrate`; it is never committed, orchestrate excludes it in .git/info/exclude) and run again.',
  );
}
