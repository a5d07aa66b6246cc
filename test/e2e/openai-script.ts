// A scripted handler for the fake OpenAI server: answers planner, worker and verifier requests (told apart by model)
// from the JSON schema in the request, with fixed token usage per role, and helpers to read what was served.
import {
  startFakeOpenAI,
  type FakeLogEntry,
  type FakeReply,
  type FakeRequest,
  type FakeServer,
  type FakeUsage,
} from '../fake/openai-server.js';
import { declaredSymbol, paramFields } from '../fake/doc-fields.js';
import { parseReport, runCli } from '../helpers/cli.js';
import { runOutcome, type EngineError, type EngineOptions } from '../helpers/engine.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { snapshotUserTree, type UserTreeSnapshot } from '../helpers/user-tree.js';

/** The default model per role. */
export const MODELS = { planner: 'gpt-5.4', worker: 'gpt-5.4-nano', verifier: 'gpt-5.4-mini' } as const;
export type RoleName = keyof typeof MODELS;

/** The default price table, USD per million tokens. */
export const PRICES: Record<string, { input: number; cachedInput: number; output: number }> = {
  'gpt-5.4': { input: 2.5, cachedInput: 0.25, output: 15 },
  'gpt-5.4-mini': { input: 0.75, cachedInput: 0.075, output: 4.5 },
  'gpt-5.4-nano': { input: 0.2, cachedInput: 0.02, output: 1.25 },
};

/** Token usage served per role (some cached input on every role, so the cached rate is exercised). */
export const USAGE: Record<RoleName, Required<FakeUsage>> = {
  planner: { input: 1200, cached: 400, output: 90 },
  worker: { input: 300, cached: 120, output: 45 },
  verifier: { input: 700, cached: 256, output: 60 },
};

/** The planner step the script plans by default. */
export interface ScriptStep {
  kind: 'docstring' | 'boilerplate' | 'reformat' | 'review' | 'custom';
  variant: string | null;
  changedSince: string | null;
  paths: string[];
  declarationKinds: string[];
  names: string[];
  exportedOnly: boolean;
  includeDocumented: boolean;
  instructions: string;
}

export interface Script {
  /** Planner steps (default: one docstring step over src/math.ts). */
  steps?: ScriptStep[];
  /** Worker reply for a symbol; return undefined for the default schema-shaped answer. */
  worker?: (symbol: string, req: FakeRequest) => FakeReply | undefined;
  /** Verifier verdict for a symbol (default: accept). */
  accept?: (symbol: string) => boolean;
  /** Reply for any request before the role logic (e.g. an HTTP error); undefined to go on. */
  before?: (req: FakeRequest) => FakeReply | undefined;
  /** Token usage served per role, instead of USAGE. */
  usage?: Partial<Record<RoleName, Required<FakeUsage>>>;
}

export function docStep(overrides: Partial<ScriptStep> = {}): ScriptStep {
  return {
    kind: 'docstring',
    variant: null,
    changedSince: null,
    paths: ['src/math.ts'],
    declarationKinds: [],
    names: [],
    exportedOnly: false,
    includeDocumented: false,
    instructions: '',
    ...overrides,
  };
}

/** Which role a request is for, from its model. */
export function roleOf(req: FakeRequest): RoleName {
  const role = (Object.keys(MODELS) as RoleName[]).find((r) => MODELS[r] === req.model);
  if (!role) throw new Error(`unexpected model ${req.model}`);
  return role;
}

/** Everything the model was sent, as one string (instructions + input, either wire). */
export function requestText(req: FakeRequest): string {
  return JSON.stringify(req.body);
}

/** The user input of a request (Responses `input` or the chat `user` messages), as plain text. */
export function inputText(req: FakeRequest): string {
  const body = req.body as Record<string, any>;
  const parts: string[] = [];
  const collect = (content: unknown): void => {
    if (typeof content === 'string') parts.push(content);
    else if (Array.isArray(content))
      content.forEach((c) => collect(typeof c === 'string' ? c : (c?.text ?? c?.content)));
  };
  if (typeof body.input === 'string') parts.push(body.input);
  else if (Array.isArray(body.input))
    body.input.filter((m: any) => m.role === 'user').forEach((m: any) => collect(m.content));
  if (Array.isArray(body.messages))
    body.messages.filter((m: any) => m.role === 'user').forEach((m: any) => collect(m.content));
  return parts.join('\n');
}

/**
 * The symbol a worker request documents: its `Declaration: function \`add\`` line, else the name its code's first line
 * declares (`export function add(`: the context leaves the line out then).
 */
export function workerSymbol(req: FakeRequest): string {
  const symbol = declaredSymbol(inputText(req));
  if (!symbol) throw new Error('worker request names no declaration');
  return symbol;
}

/**
 * The sections of a verifier request's input by item key, each with its file heading first: `### file`, then the
 * item's `// j1` part of the file's fence (a docstring's comment and head) or its `## j1` section.
 */
export function verifierSections(req: FakeRequest): Map<string, string> {
  const out = new Map<string, string>();
  let file = '';
  let key: string | null = null;
  let fenced = false;
  for (const line of inputText(req).split('\n')) {
    const marker = /^(?:\/\/|##) (j\d+)$/.exec(line);
    if (line.startsWith('### ')) [file, key] = [line.slice(4), null];
    else if (line.startsWith('Task for ')) key = null;
    else if (marker) {
      key = marker[1]!;
      fenced = line.startsWith('//');
      out.set(key, `${file}\n`);
    } else if (key && fenced && line === '```') key = null;
    else if (key) out.set(key, `${out.get(key)}${line}\n`);
  }
  return out;
}

/** The symbol of each verifier item key: the one its doc comment names (the worker's answer), else its head's name. */
export function verifierSymbols(req: FakeRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, section] of verifierSections(req)) {
    const lines = section.trimEnd().split('\n');
    const named = /Documented (\S+) for the tests/.exec(section)?.[1];
    const head =
      /(?:function\*?|class|interface|type|enum|const|let|get|set)\s+([\w$]+)|^\s*(?:async\s+)?([\w$]+)\s*[(<]/.exec(
        lines[lines.length - 1] ?? '',
      );
    const symbol = named ?? head?.[1] ?? head?.[2];
    if (symbol) out[key] = symbol;
  }
  return out;
}

/** The item keys of a verifier request (the enum of its schema's `rejections[].key`), in key order. */
export function verdictKeys(req: FakeRequest): string[] {
  return req.schema?.properties?.rejections?.items?.properties?.key?.enum ?? [];
}

/** A verifier answer in its shape: a rejection with `reason` for each key not accepted (the rest are accepted). */
export function verdictAnswer(keys: string[], accept: (key: string) => boolean, reason: string) {
  return { rejections: keys.filter((k) => !accept(k)).map((key) => ({ key, reason })) };
}

/** A schema-shaped worker answer: a summary, one line per parameter (flat or under `params`), returns/throws when asked. */
export function workerAnswer(req: FakeRequest, symbol: string): Record<string, unknown> {
  const props = (req.schema?.properties ?? {}) as Record<string, any>;
  const out: Record<string, unknown> = {
    summary: `Documented ${symbol} for the tests.`,
    ...paramFields(req.schema, (k) => `The ${k} argument.`),
  };
  if (props.returns) out.returns = `The result of ${symbol}.`;
  if (props.throws) out.throws = `When ${symbol} fails.`;
  return out;
}

/** The handler for a script. */
export function scripted(script: Script = {}) {
  return (req: FakeRequest): FakeReply => {
    const early = script.before?.(req);
    if (early) return early;
    const role = roleOf(req);
    const usage = script.usage?.[role] ?? USAGE[role];
    if (role === 'planner') return { json: { steps: script.steps ?? [docStep()], unsupported: null }, usage };
    if (role === 'worker') {
      const symbol = workerSymbol(req);
      return script.worker?.(symbol, req) ?? { json: workerAnswer(req, symbol), usage };
    }
    const symbols = verifierSymbols(req);
    const accept = (k: string) => script.accept?.(symbols[k] ?? '') ?? true;
    return { json: verdictAnswer(verdictKeys(req), accept, 'inaccurate'), usage };
  };
}

/** Entries of the log served for a role. */
export function served(server: FakeServer, role: RoleName): FakeLogEntry[] {
  return server.log.filter((e) => e.request.model === MODELS[role]);
}

/** What the server served per model: requests (200s) and token counts, as the report's `usage` counts them. */
export function servedUsage(
  server: FakeServer,
): Record<string, { requests: number; inputTokens: number; cachedInputTokens: number; outputTokens: number }> {
  const out: Record<
    string,
    { requests: number; inputTokens: number; cachedInputTokens: number; outputTokens: number }
  > = {};
  for (const e of server.log) {
    if (!e.usage) continue;
    const u = (out[e.request.model] ??= { requests: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 });
    u.requests++;
    u.inputTokens += e.usage.input_tokens;
    u.cachedInputTokens += e.usage.cached_tokens;
    u.outputTokens += e.usage.output_tokens;
  }
  return out;
}

/** USD for usage at the default prices, cached input at the cached rate. */
export function priced(
  model: string,
  u: { inputTokens: number; cachedInputTokens: number; outputTokens: number },
): number {
  const p = PRICES[model]!;
  return (
    ((u.inputTokens - u.cachedInputTokens) * p.input +
      u.cachedInputTokens * p.cachedInput +
      u.outputTokens * p.output) /
    1e6
  );
}

/** The CLI environment pointing the openai engine at the fake server. */
export function fakeEnv(server: FakeServer): Record<string, string> {
  return { OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: server.url };
}

/** A small source file with three undocumented functions. */
export const MATH_TS = [
  'export function add(a: number, b: number): number {',
  '  return a + b;',
  '}',
  '',
  'export function divide(numerator: number, denominator: number): number {',
  "  if (denominator === 0) throw new RangeError('division by zero');",
  '  return numerator / denominator;',
  '}',
  '',
  'export function clamp(value: number, low: number, high: number): number {',
  '  return Math.min(high, Math.max(low, value));',
  '}',
  '',
].join('\n');

/** One CLI run against a fresh repository and a fresh fake server. */
export interface Scenario {
  repo: TempRepo;
  server: FakeServer;
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The --json report (null when the CLI printed none). */
  report: Record<string, any> | null;
  /** `repo.snapshot()` taken right before the run. */
  before: string;
  /** The user's tree, index, HEAD and stash right before the run, for counting changed bytes. */
  beforeTree: UserTreeSnapshot;
}

export interface ScenarioOptions {
  files?: Record<string, string>;
  script?: Script;
  /** Contents of an `agents.config.ts` committed with the files. */
  config?: string;
  /** Extra CLI flags (before the task). */
  flags?: string[];
  task?: string;
  /** Changes made to the working tree after the initial commit (the user's uncommitted work). */
  prepare?: (repo: TempRepo) => void;
}

/** The repository and the server of a scenario, cleaned up through `onFinished`, and the user's tree before the run. */
async function scenarioSetup(
  options: Omit<ScenarioOptions, 'flags'>,
  onFinished: (fn: () => void | Promise<void>) => void,
) {
  const files = { ...(options.files ?? { 'src/math.ts': MATH_TS }) };
  if (options.config !== undefined) files['agents.config.ts'] = options.config;
  const repo = makeRepo(onePerCall(files));
  const server = await startFakeOpenAI(scripted(options.script));
  onFinished(async () => {
    await server.close();
    repo.cleanup();
  });
  options.prepare?.(repo);
  return { repo, server, before: repo.snapshot(), beforeTree: snapshotUserTree(repo.dir) };
}

/** Makes the repository and the server, runs the real CLI with `--json --engine openai`, and registers cleanup. */
export async function runScenario(
  options: ScenarioOptions,
  onFinished: (fn: () => void | Promise<void>) => void,
): Promise<Scenario> {
  const { repo, server, before, beforeTree } = await scenarioSetup(options, onFinished);
  const task = options.task ?? 'add docstrings to src/math.ts';
  const result = await runCli(
    // The scripted planner answer is the plan (planning auto would let the rules plan a task they map).
    ['-C', repo.dir, '--json', '--engine', 'openai', '--planning', 'model', ...(options.flags ?? []), task],
    fakeEnv(server),
  );
  let report: Record<string, any> | null = null;
  if (result.stdout.trim()) report = parseReport(result.stdout);
  return { repo, server, ...result, report, before, beforeTree };
}

/** One in-process `runTask()` against a fresh repository and a fresh fake server (the report, or the error it threw). */
export interface EngineScenario {
  repo: TempRepo;
  server: FakeServer;
  /** The report (null when the run threw). */
  report: Record<string, any> | null;
  /** What the run threw, `{ code, message }` like the `--json` error (null when it resolved). */
  error: EngineError | null;
  /** `repo.snapshot()` taken right before the run. */
  before: string;
  /** The user's tree, index, HEAD and stash right before the run, for counting changed bytes. */
  beforeTree: UserTreeSnapshot;
}

export interface EngineScenarioOptions extends Omit<ScenarioOptions, 'flags'> {
  /** More `runTask()` options (the CLI flags of `runScenario`: `dryRun`, `budgetUsd`, `concurrency`, …). */
  run?: Partial<EngineOptions>;
}

/** `runScenario` in process: makes the repository and the server, calls `runTask()` with the openai engine. */
export async function engineScenario(
  options: EngineScenarioOptions,
  onFinished: (fn: () => void | Promise<void>) => void,
): Promise<EngineScenario> {
  const { repo, server, before, beforeTree } = await scenarioSetup(options, onFinished);
  const { report, error } = await runOutcome({
    cwd: repo.dir,
    task: options.task ?? 'add docstrings to src/math.ts',
    engine: 'openai',
    // The scripted planner answer is the plan (planning auto would let the rules plan a task they map).
    planning: 'model',
    ...options.run,
    env: fakeEnv(server),
  });
  return { repo, server, report, error, before, beforeTree };
}

/** Local branches made by runs. */
export function runBranches(repo: TempRepo): string[] {
  return repo.git('branch', '--list', 'orchestrate/*', '--format=%(refname:short)').split('\n').filter(Boolean);
}

/** A file as committed on a branch. */
export function fileAt(repo: TempRepo, ref: string, file: string): string {
  return repo.git('show', `${ref}:${file}`);
}

/** Text with every `/** … *\/` doc comment (and the line break after it) removed. */
export function withoutDocs(text: string): string {
  return text.replace(/^[ \t]*\/\*\*[\s\S]*?\*\/\r?\n/gm, '');
}

/**
 * These scenarios assert one worker request per job, so they turn packing off (packing has its own tests): adds
 * `packing: { maxJobs: 1 }` to the repository's agents.config.ts, or writes one.
 */
export function onePerCall(files: Record<string, string>): Record<string, string> {
  const config = files['agents.config.ts'];
  if (config?.includes('packing')) return files;
  const packed =
    config === undefined
      ? 'export default { packing: { maxJobs: 1 } };\n'
      : config.replace('export default {', 'export default { packing: { maxJobs: 1 },');
  return { ...files, 'agents.config.ts': packed };
}
