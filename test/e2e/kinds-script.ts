// A fake-server handler for every job kind: the role of a request is told by its JSON schema (planner `steps`, verifier
// `rejections`, anything else a worker), never by its model, because the ladder escalates a worker job to the verifier's
// model. Plus a runner for the real CLI on a temp repository with the openai engine.
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeOpenAI, type FakeLogEntry, type FakeRequest, type FakeServer } from '../fake/openai-server.js';
import { parseReport, runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { runOutcome, type EngineError, type EngineOptions } from '../helpers/engine.js';
import { onePerCall } from './openai-script.js';
import { docStep, inputText, verdictAnswer, verdictKeys, verifierSections, type ScriptStep } from './openai-script.js';

export { fileAt, inputText, runBranches } from './openai-script.js';

/** The monorepo's root (its node_modules has vitest). */
export const MONOREPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type Role = 'planner' | 'worker' | 'verifier';

/** The role of a request, from the properties of its structured-output schema. */
export function roleOf(req: FakeRequest): Role {
  const props = (req.schema?.properties ?? {}) as Record<string, unknown>;
  if ('steps' in props) return 'planner';
  if ('rejections' in props) return 'verifier';
  return 'worker';
}

/** A planner step (defaults: no paths, names or kinds, everything selected). */
export function step(overrides: Partial<ScriptStep>): ScriptStep {
  return docStep({ paths: [], ...overrides });
}

/** One item of a verifier batch: its key and its section of the input (its file, then its result). */
export interface VerifierItem {
  key: string;
  text: string;
}

/** The items of a verifier request, in key order (each item's text starts with its file). */
export function verifierItems(req: FakeRequest): VerifierItem[] {
  const sections = verifierSections(req);
  return verdictKeys(req).map((key) => ({ key, text: sections.get(key) ?? '' }));
}

export interface KindScript {
  /** The planner's steps. */
  steps?: ScriptStep[];
  /** The worker's JSON output for a request (its input text given). */
  worker: (input: string, req: FakeRequest) => unknown;
  /** Whether the verifier accepts an item (default: every item). */
  accept?: (item: VerifierItem) => boolean;
}

/** The reason the fake verifier gives for a rejection (so tests can find it in retry inputs). */
export const REJECTION = 'fake-verifier-rejects-this';

/** A handler that answers each role by schema, with fixed usage. */
export function kindHandler(script: KindScript) {
  return (req: FakeRequest) => {
    const role = roleOf(req);
    const usage = { input: 300, cached: 0, output: 40 };
    if (role === 'planner') return { json: { steps: script.steps ?? [], unsupported: null }, usage };
    if (role === 'worker') return { json: script.worker(inputText(req), req), usage };
    const items = verifierItems(req);
    const accepted = new Set(items.filter((item) => script.accept?.(item) ?? true).map((item) => item.key));
    return { json: verdictAnswer(verdictKeys(req), (k) => accepted.has(k), REJECTION), usage };
  };
}

/** The served requests of a role, in the order the server got them. */
export function requests(server: FakeServer, role: Role): FakeRequest[] {
  return server.log.filter((e: FakeLogEntry) => e.status === 200 && roleOf(e.request) === role).map((e) => e.request);
}

/** The worker requests whose input contains `marker` (e.g. "`add`" or "File: src/math.ts"). */
export function workerRequestsFor(server: FakeServer, marker: string): FakeRequest[] {
  return requests(server, 'worker').filter((r) => inputText(r).includes(marker));
}

export interface KindRun {
  repo: TempRepo;
  server: FakeServer;
  exitCode: number;
  stdout: string;
  stderr: string;
  report: Record<string, any> | null;
}

export interface KindRunOptions {
  files: Record<string, string>;
  script: KindScript;
  /** CLI arguments after `-C <dir> --json --engine openai` (default: a task). */
  args?: string[];
  /** Runs after the initial commit, before the CLI (e.g. a second commit, a node_modules link). */
  prepare?: (repo: TempRepo) => void;
}

/** Makes the repository and the fake server, runs the real CLI with the openai engine, and registers cleanup. */
export async function runKinds(
  options: KindRunOptions,
  onFinished: (fn: () => void | Promise<void>) => void,
): Promise<KindRun> {
  const repo = makeRepo(onePerCall(options.files));
  const server = await startFakeOpenAI(kindHandler(options.script));
  onFinished(async () => {
    await server.close();
    repo.cleanup();
  });
  options.prepare?.(repo);
  const args = options.args ?? ['do the task'];
  const [first, ...rest] = args;
  // A subcommand (review) must come first; its options follow it.
  const argv =
    first === 'review'
      ? ['review', ...rest, '-C', repo.dir, '--json', '--engine', 'openai']
      : ['-C', repo.dir, '--json', '--engine', 'openai', ...args];
  const result = await runCli(argv, { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.url });
  const report = result.stdout.trim() ? parseReport(result.stdout) : null;
  return { repo, server, ...result, report };
}

export interface EngineKindRun {
  repo: TempRepo;
  server: FakeServer;
  /** The report (null when the run threw). */
  report: Record<string, any> | null;
  /** What the run threw, `{ code, message }` (null when it resolved). */
  error: EngineError | null;
}

export interface EngineKindRunOptions extends Omit<KindRunOptions, 'args'> {
  /** The task. @default 'do the task' */
  task?: string;
  /** More `runTask()` options (`review`, `dryRun`, …). */
  run?: Partial<EngineOptions>;
}

/** `runKinds` in process: makes the repository and the fake server, calls `runTask()` with the openai engine. */
export async function engineKinds(
  options: EngineKindRunOptions,
  onFinished: (fn: () => void | Promise<void>) => void,
): Promise<EngineKindRun> {
  const repo = makeRepo(onePerCall(options.files));
  const server = await startFakeOpenAI(kindHandler(options.script));
  onFinished(async () => {
    await server.close();
    repo.cleanup();
  });
  options.prepare?.(repo);
  const { report, error } = await runOutcome({
    cwd: repo.dir,
    task: options.task ?? 'do the task',
    engine: 'openai',
    // The scripted planner answer is the plan (planning auto would let the rules plan a task they map).
    planning: 'model',
    ...options.run,
    env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.url },
  });
  return { repo, server, report, error };
}

/** Commits the working tree of a temp repository as a new commit. */
export function commitAll(repo: TempRepo, message: string): void {
  repo.git('add', '-A');
  repo.git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '-m', message);
}

/** Makes the repository's node_modules a symlink to the monorepo's (which has vitest), ignored by git. */
export function linkNodeModules(repo: TempRepo): void {
  symlinkSync(path.join(MONOREPO, 'node_modules'), path.join(repo.dir, 'node_modules'), 'dir');
}

/** The report item of a job by symbol (and file, when given). */
export function item(report: Record<string, any>, symbol: string, file?: string): Record<string, any> {
  const found = (report.items as any[]).find((i) => i.symbol === symbol && (file === undefined || i.file === file));
  if (!found) throw new Error(`no report item for ${symbol}`);
  return found;
}

/** Whether a file exists at a ref. */
export function existsAt(repo: TempRepo, ref: string, file: string): boolean {
  try {
    repo.git('cat-file', '-e', `${ref}:${file}`);
    return true;
  } catch {
    return false;
  }
}
