import pLimit from 'p-limit';
import { UsageLedger, type BudgetReached, type ReportCommit, type RunReport } from '@orchestrate/core';
import { addWorktree, deleteRunBranch, ensureExcluded, removeWorktree } from '@orchestrate/repo';
import { commitSteps } from './commit.js';
import type { HeavyGateState } from './job/heavy-gates.js';
import { runRounds } from './job/rounds.js';
import { newJobState } from './job/state.js';
import type { PhaseContext } from './job/types.js';
import { endDetached, endWithoutWork, endWorked } from './run-endings.js';
import type { RunTaskOptions } from './run-options.js';
import { expandRun, indexRepo, planRun, type Prepared } from './run-prepare.js';
import { setUpRun, type RunSetup, type Undos } from './run-setup.js';
import { escalationsOf, verdictsOf } from './runs/journal.js';
import { settled } from './settled.js';

export { newRunId, type RunTaskOptions } from './run-options.js';
export { scopedTask } from './run-prepare.js';

/**
 * Runs a task on a repository: index → plan → expand → work → gates → verify → commit → report. Every edit happens in a
 * git worktree on a new branch `orchestrate/<run-id>` created from HEAD; the user's working tree, index and branch are
 * never touched. Resolves with the report; rejects only with OrchestrateError for user-fixable problems (or a bug).
 */
export async function runTask(options: RunTaskOptions): Promise<RunReport> {
  const onError: Undos = [];
  try {
    return await run(options, onError);
  } catch (err) {
    for (const undo of onError) await undo(err).catch(() => undefined);
    throw err;
  }
}

/** The phase sequence; `onError` collects what to undo if it throws before the worktree's own cleanup takes over. */
async function run(options: RunTaskOptions, onError: Undos): Promise<RunReport> {
  const setup = await setUpRun(options, onError);
  const repo = await indexRepo(setup);
  // The first call the budget refuses is told once; a refused planner call is told right before its E_BUDGET.
  const onReached = (info: BudgetReached) => setup.emit({ type: 'budget-reached', ...info });
  const ledger = new UsageLedger(setup.config.prices, setup.config.budgetUsd ?? null, { onReached });
  const worktree = earlyWorktree(setup);
  onError.push(worktree.drop);
  const plan = await planRun(setup, repo, ledger);
  const prep = await expandRun(setup, repo, plan, ledger);
  const states = prep.targets.map(newJobState);
  const { dryRun, confirm } = options;
  const asked = !dryRun && states.length > 0 && confirm;
  const cancelled = asked ? !(await confirm({ jobs: states.length, estimate: prep.estimate })) : false;
  if (dryRun || states.length === 0 || cancelled) return endWithoutWork(setup, prep, states, cancelled, worktree.drop);

  await ensureExcluded(setup.root);
  setup.emit({ type: 'phase', phase: 'setup', detail: `worktree on ${setup.branch}` });
  await worktree.ready();
  // From here the try/finally below removes the worktree (and the branch when nothing was committed).
  onError.length = 0;
  const ctx = phaseContext(setup, prep);
  const heavy: HeavyGateState = {
    root: setup.root,
    worktree: setup.worktree,
    files: repo.files,
    runner: prep.runner,
    testCommand: setup.config.testCommand ?? prep.runner.testCommand,
    warnings: prep.warnings,
    baseline: new Map(),
    session: () => prep.kinds.typecheck(),
  };
  let commits: RunReport['commits'] = [];
  try {
    const t2 = Date.now();
    await runRounds(states, ctx, heavy);
    setup.timing.workMs = Date.now() - t2;
    if (setup.workers?.detached) return await endDetached(setup, prep, states);
    commits = await commit(setup, prep, states);
  } finally {
    await removeWorktree(setup.root, setup.worktree).catch(() => undefined);
    if (commits.length === 0) await dropEmptyBranch(setup, prep.warnings);
  }
  return endWorked(setup, prep, states, ctx, commits);
}

/**
 * Without a confirmation to wait for, the worktree is made (by a git child process) while the planner thinks; a run
 * that then has nothing to do removes it again. It holds no files until a gate runs a command in it.
 */
function earlyWorktree(run: RunSetup): { drop: () => Promise<void>; ready: () => Promise<void> } {
  const { root, worktree, branch, baseCommit, options } = run;
  const add = () => addWorktree(root, worktree, branch, baseCommit, { checkout: false });
  const early = options.dryRun || options.confirm ? null : settled(add());
  let dropped = false;
  const drop = async () => {
    if (!early || dropped || (await early).error) return;
    dropped = true;
    await removeWorktree(root, worktree).catch(() => undefined);
    await deleteRunBranch(root, branch).catch(() => undefined);
  };
  const ready = async () => {
    if (!early) return add();
    const { error } = await early;
    if (error) throw error;
  };
  return { drop, ready };
}

/** The context the work phases share: the worker client, the ledger, the one concurrency limit, the stop signals. */
function phaseContext(run: RunSetup, prep: Prepared): PhaseContext {
  const { config, workers, client, journal, interrupted, options } = run;
  // Through the Batch API every call of a round is submitted together, so the concurrency limit does not apply.
  const phaseConfig = workers !== client ? { ...config, concurrency: 100_000 } : config;
  const verdicts = journal ? verdictsOf(journal, interrupted?.records ?? [], run.replay) : undefined;
  const escalationJournal = journal ? escalationsOf(journal, interrupted?.records ?? []) : undefined;
  const stopping = () => journal?.append({ t: 'phase', phase: 'stopping' }, true);
  options.stop?.addEventListener('abort', stopping, { once: true });
  return {
    config: phaseConfig,
    client: workers,
    ledger: prep.ledger,
    emit: run.emit,
    signal: options.signal,
    stop: options.stop,
    kinds: prep.kinds,
    limit: pLimit(phaseConfig.concurrency),
    fatal: null,
    verdicts,
    ...(escalationJournal ? { escalationJournal } : {}),
  };
}

/**
 * Commits the verified jobs, one commit per step; each commit is told (and so journaled, see `recordOf`) as it is
 * made, so a run killed between two commits resumes knowing the first.
 */
async function commit(run: RunSetup, prep: Prepared, states: Parameters<typeof commitSteps>[1]) {
  const { journal, runId, task, engine, config } = run;
  run.emit({ type: 'phase', phase: 'commit' });
  journal?.append({ t: 'phase', phase: 'commit' }, true);
  const models = { worker: config.models.worker, verifier: config.models.verifier };
  const onCommit = ({ sha, stepId, message, jobs, files }: ReportCommit) =>
    run.emit({ type: 'commit', sha, stepId, subject: message, jobs, files: files ?? [] });
  return commitSteps(prep.plan, states, run.worktree, { runId, task, engine, models }, { onCommit });
}

/** A run that committed nothing leaves no branch; one git will not delete is named in a warning. */
async function dropEmptyBranch(run: RunSetup, warnings: string[]): Promise<void> {
  const { root, branch } = run;
  await deleteRunBranch(root, branch).catch((err: unknown) => {
    const why = err instanceof Error ? err.message.split('\n')[0] : err;
    warnings.push(`could not delete the empty branch ${branch} (${why}): delete it with \`git branch -D ${branch}\``);
  });
}
