import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jobKind, type HeavyGate } from '@orchestrate/jobs';
import {
  applyEdits,
  checkOutWorktree,
  newDiagnostics,
  runTestCommand,
  runTestFile,
  type TypecheckSession,
  type Diagnostic,
  type FileIndex,
  type TestRunnerInfo,
} from '@orchestrate/repo';
import type { JobState } from './state.js';
import { reject } from './ladder.js';
import type { PhaseContext } from './types.js';

const TEST_TIMEOUT_MS = 5 * 60_000;

/** What the whole-repository gates keep between rounds: the type checker, baselines, the test runner. */
export interface HeavyGateState {
  root: string;
  worktree: string;
  files: FileIndex[];
  runner: TestRunnerInfo | null;
  testCommand: string[] | null;
  warnings: string[];
  /** The run's type checker (shared with the kinds that infer types). */
  session: () => TypecheckSession;
  baseline: Map<string, Diagnostic[]>;
  /** Whether the test suite passes at the base commit (null until run; gate skipped when it does not). */
  testsPassAtBase?: boolean;
  /** The worktree is made without its files; they are written once, before the first gate that runs a command in it. */
  checkedOut?: Promise<void>;
}

/** Writes the worktree's files (once) before a command runs in it. */
function checkedOut(state: HeavyGateState): Promise<void> {
  return (state.checkedOut ??= checkOutWorktree(state.worktree));
}

const needs = (s: JobState, gate: HeavyGate) => jobKind(s.target.job.kind).heavyGates(s.target.step).includes(gate);

/**
 * The gates that need the whole repository, after the per-file proofs and before the verifier: no new type errors
 * compared with the base commit, generated tests that pass, and the repository's tests when it has a test command.
 * In a run that starts none of the repository's code (`runRepositoryCode: false`) the two that run tests are skipped
 * with a warning; the type check (orchestrate's own compiler, reading tsconfig.json as data) still runs.
 */
export async function runHeavyGates(
  batch: JobState[],
  all: JobState[],
  ctx: PhaseContext,
  state: HeavyGateState,
): Promise<void> {
  const ready = () => batch.filter((s) => s.phase === 'ready');
  const typed = ready().filter((s) => needs(s, 'typecheck') || needs(s, 'generated-tests'));
  if (typed.length) typecheckGate(typed, all, ctx, state);
  const generated = ready().filter((s) => needs(s, 'generated-tests') && s.outcome!.newFiles.length);
  if (generated.length) await generatedTestsGate(generated, ctx, state);
  const tested = ready().filter((s) => needs(s, 'tests'));
  if (tested.length) await testSuiteGate(tested, all, ctx, state);
}

/** Base text plus the edits of the jobs already accepted and of `extra`, for one file. */
function textWith(file: FileIndex, all: JobState[], extra: JobState[]): string {
  const accepted = all.filter(
    (s) => s.target.file.path === file.path && (s.phase === 'verified' || s.status === 'succeeded'),
  );
  return applyEdits(
    file.text,
    [...accepted, ...extra].flatMap((s) => s.outcome?.edits ?? []),
  ).text;
}

function typecheckGate(jobs: JobState[], all: JobState[], ctx: PhaseContext, state: HeavyGateState): void {
  const session = state.session();
  const fresh = (file: FileIndex, text: string): Diagnostic[] => {
    if (!state.baseline.has(file.path)) {
      session.update(file.path, file.text);
      state.baseline.set(file.path, session.diagnostics([file.path]));
    }
    session.update(file.path, text);
    return newDiagnostics(state.baseline.get(file.path)!, session.diagnostics([file.path]));
  };
  const byFile = new Map<string, JobState[]>();
  for (const s of jobs.filter((x) => x.outcome!.edits.length))
    byFile.set(s.target.file.path, [...(byFile.get(s.target.file.path) ?? []), s]);
  for (const group of byFile.values()) {
    const file = group[0]!.target.file;
    if (fresh(file, textWith(file, all, group)).length) {
      // Find the culprits: each job's edit alone on top of what is already accepted.
      for (const s of group) {
        const errors = fresh(file, textWith(file, all, [s]));
        if (errors.length) reject(s, `typecheck gate: ${describe(errors)}`, ctx);
      }
    }
    session.update(file.path, file.text);
  }
  for (const s of jobs.filter((x) => x.phase === 'ready')) {
    for (const f of s.outcome!.newFiles) {
      session.addFile(f.path, f.text);
      const found = session.diagnostics([f.path]);
      const runnerMissing = found.some((d) => missingModule(d));
      const errors = found.filter((d) => !missingTestTooling(d) && !(runnerMissing && untypedRunnerParameter(d)));
      session.removeFile(f.path);
      if (errors.length) {
        reject(s, `typecheck gate (${f.path}): ${describe(errors)}`, ctx);
        break;
      }
    }
  }
}

const TEST_GLOBALS = /'(describe|it|test|expect|beforeEach|afterEach|beforeAll|afterAll|vi|jest)'/;

/**
 * A generated test file may use a runner whose package or types the repository has not installed: "cannot find
 * module 'vitest'" or "cannot find name 'describe'" say nothing about the test, so they do not fail it.
 */
function missingTestTooling(d: Diagnostic): boolean {
  if (missingModule(d)) return true;
  return (d.code === 2582 || d.code === 2304 || d.code === 2593) && TEST_GLOBALS.test(d.message);
}

/** "Cannot find module 'x'" (or its declarations) for a package, not a relative file. */
function missingModule(d: Diagnostic): boolean {
  return (d.code === 2307 || d.code === 7016) && /'[^./][^']*'/.test(d.message);
}

/** ava's `t` (the runner's context parameter) is untyped while the runner's package is missing. */
function untypedRunnerParameter(d: Diagnostic): boolean {
  return d.code === 7006 && /^Parameter 't' /.test(d.message);
}

function describe(errors: Diagnostic[]): string {
  const shown = errors.slice(0, 3).map((d) => `${d.file}:${d.line} TS${d.code} ${d.message.slice(0, 200)}`);
  return `${errors.length} new type error(s): ${shown.join('; ')}`;
}

/** Why the gates that run the repository's tests are skipped in a run that starts none of its code. */
const NOT_RUN = "needs the repository's own tools, which are not run on pull-request code";

async function generatedTestsGate(jobs: JobState[], ctx: PhaseContext, state: HeavyGateState): Promise<void> {
  // The test-writing step selects nothing then; this holds for any other kind that asks for the gate.
  if (ctx.kinds.runRepositoryCode === false)
    return warnOnce(state, `generated tests were typechecked but not run: running them ${NOT_RUN}`);
  if (!state.runner?.installed) {
    warnOnce(
      state,
      `generated tests were typechecked but not run: ${state.runner?.name ?? 'the test runner'} is not installed in the repository`,
    );
    return;
  }
  await checkedOut(state);
  for (const s of jobs) {
    for (const f of s.outcome!.newFiles) {
      const absolute = path.join(state.worktree, f.path);
      await mkdir(path.dirname(absolute), { recursive: true });
      await writeFile(absolute, f.text);
      const result = await runTestFile(state.runner.name, state.worktree, f.path, {
        timeoutMs: TEST_TIMEOUT_MS,
        nodeModulesFrom: state.root,
      });
      await rm(absolute, { force: true });
      if (result.notRunnable) {
        warnOnce(state, `generated tests were not run: ${result.notRunnable}`);
        break;
      }
      if (!result.passed) {
        reject(s, `generated tests fail${result.timedOut ? ' (timed out)' : ''}: ${result.output.slice(-600)}`, ctx);
        break;
      }
    }
  }
}

async function testSuiteGate(
  jobs: JobState[],
  all: JobState[],
  ctx: PhaseContext,
  state: HeavyGateState,
): Promise<void> {
  if (ctx.kinds.runRepositoryCode === false)
    return warnOnce(state, `the tests gate was skipped: running the test command ${NOT_RUN}`);
  const command = state.testCommand;
  if (!command) return warnOnce(state, 'no test command configured or detected: the tests gate was skipped');
  await checkedOut(state);
  const run = () =>
    runTestCommand(state.worktree, command, { timeoutMs: TEST_TIMEOUT_MS, nodeModulesFrom: state.root });
  if (state.testsPassAtBase === undefined) {
    const base = await run();
    state.testsPassAtBase = base.passed;
    if (!base.passed)
      warnOnce(state, `the tests fail at the base commit, so the tests gate was skipped: ${base.output.slice(-300)}`);
  }
  if (!state.testsPassAtBase) return;
  const files = [...new Set(jobs.map((s) => s.target.file))];
  for (const file of files)
    await writeFile(path.join(state.worktree, file.path), (file.bom ? '\uFEFF' : '') + textWith(file, all, jobs));
  try {
    const result = await run();
    if (!result.passed)
      for (const s of jobs)
        reject(
          s,
          `tests fail with this change${result.timedOut ? ' (timed out)' : ''}: ${result.output.slice(-600)}`,
          ctx,
        );
  } finally {
    for (const file of files)
      await writeFile(path.join(state.worktree, file.path), (file.bom ? '\uFEFF' : '') + file.text);
  }
}

function warnOnce(state: HeavyGateState, message: string): void {
  if (!state.warnings.includes(message)) state.warnings.push(message);
}
