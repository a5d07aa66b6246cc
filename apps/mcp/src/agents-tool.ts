// orchestrate as function tools for agents built on @openai/agents: the delegation tools of the MCP server (same zod
// schemas, same structured results, one RunManager) handed to `tool()`. The SDK turns each zod object into a strict
// schema (every `.optional()` field becomes required and nullable) and drops the nulls before zod parses, so the
// manager sees the same input an MCP client sends. Errors are returned, not thrown: a tool without an outputSchema
// shows the model only a generic "An error occurred" for a thrown error, and the code is what the model acts on.
import { ModelBehaviorError, tool, type FunctionTool } from '@openai/agents';
import { ConfigError, safeText } from '@orchestrate/core';
import { DELEGATE_TOOLS, RunManager, errorInfo, type DelegateOptions } from '@orchestrate/engine';
import { z } from 'zod';

/** The manager to pass as `manager` (and to `close()` at shutdown), and the result the run tools return. */
export { RunManager, type DelegateOptions, type ResultOutput } from '@orchestrate/engine';

/** How the tools reach their runs: an existing manager to share, or the options one is made from. */
export interface OrchestrateToolOptions extends Partial<DelegateOptions> {
  /**
   * The manager the tools start and watch runs with; pass one to share it between tool sets or to `close()` it at
   * shutdown (which stops its runs gracefully). Without it one is made from these options, which then need `roots`.
   */
  manager?: RunManager;
}

/** A function tool of orchestrate's: its parameters are a zod object (the SDK sends the model its strict schema). */
export type OrchestrateFunctionTool = FunctionTool<unknown, z.ZodObject>;

/** The structured result of a call that failed: the error's stable code and its message (escaped). */
export interface OrchestrateToolError {
  error: { code: string; message: string };
}

/** The delegation tools of {@link orchestrateTools}, in the order an agent is told about them. */
const NAMES = ['plan', 'start_run', 'run_status', 'run_result', 'cancel_run', 'run'] as const;
type AgentToolName = (typeof NAMES)[number];

/** What each tool is for, written for the model that picks one (a runId is all it needs between calls). */
const DESCRIPTIONS: Record<AgentToolName, string> = {
  plan:
    'Plan a coding task over a repository without changing anything: the steps, the jobs and their estimated cost. ' +
    'Use it to check the scope and price of a large task before starting it.',
  start_run:
    'Start a coding task (e.g. "add docstrings to src/") as a run on a new branch of the repository and return its ' +
    'runId at once. For large tasks: follow it with run_status and run_result. resume continues an interrupted run.',
  run_status:
    "Where a run stands: its phase, job counts, cost so far and its latest event lines. Pass the last call's nextSeq " +
    'as sinceSeq to get only new lines.',
  run_result:
    'The result of a run: its commits, diffstat, failed jobs and cost, and how to look at, merge or discard the work. ' +
    'waitSec waits for it to finish; finished is false while it goes on.',
  cancel_run:
    'Stop a run gracefully: verified work is committed on its branch and the run can be resumed with start_run.',
  run:
    'Run a small coding task to the end and return its result (commits on a new branch, failed jobs, cost). ' +
    'For large tasks use start_run with run_status and run_result instead.',
};

/** The blocking tool's description: the whole task, one call. */
const ORCHESTRATE_DESCRIPTION =
  'Delegate a bulk coding task over a repository (e.g. "add docstrings to src/", "add a license header to every ' +
  'file") to orchestrate: it plans the task, fans it out to small model jobs, verifies them and commits the verified ' +
  'work on a new branch, and returns the runId, the commits, failed jobs, cost and how to merge or discard the work. ' +
  "The user's own branch and files are never touched.";

/**
 * The blocking tool waits this long by default: an agent of its own has no client timeout to stay under, and with one
 * tool it cannot ask again for a run it gave up on. (The MCP `run` tool's default is 240 s, below Codex's 300 s.)
 */
const ORCHESTRATE_WAIT_SEC = 3600;

/**
 * The SDK's own failures (arguments that do not fit the schema), as the same `{ error }` result as ours; the SDK wants
 * a string from a tool without an outputSchema, and a result object is sent to the model as its JSON anyway. The SDK
 * hides the zod issues unless tool data may be logged (OPENAI_AGENTS_DONT_LOG_TOOL_DATA=0), and the strict JSON schema
 * the model saw has no numeric bounds, so the message then lists the tool's limits instead.
 */
function sdkError(limits: string) {
  return (_context: unknown, err: unknown): string => {
    if (!(err instanceof ModelBehaviorError)) {
      const info = errorInfo(err);
      return JSON.stringify(toolError(info.message, info.code));
    }
    const cause = (err as { originalError?: unknown }).originalError;
    const detail = cause instanceof z.ZodError ? `: ${z.prettifyError(cause)}` : limits ? ` (limits: ${limits})` : '';
    return JSON.stringify(
      toolError(`The arguments do not fit the tool's parameters${detail}. Fix them and call again.`, 'E_USAGE'),
    );
  };
}

type JsonField = { type?: string; minimum?: number; maximum?: number; exclusiveMinimum?: number } & {
  minLength?: number;
  maxLength?: number;
};

/** A bound zod set only to keep an integer safe is no limit worth telling. */
const bound = (n: number | undefined) => (n === undefined || Math.abs(n) >= Number.MAX_SAFE_INTEGER ? undefined : n);

/** The bounds of a schema's top-level fields in words ("concurrency: an integer 1–256; budgetUsd: > 0"). */
function limitsOf(schema: z.ZodObject): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonField>;
  };
  const out: string[] = [];
  for (const [key, f] of Object.entries(json.properties ?? {})) {
    if (f.type === 'string' && (f.minLength !== undefined || f.maxLength !== undefined)) {
      out.push(`${key}: ${f.minLength ?? 0}–${f.maxLength ?? '∞'} characters`);
      continue;
    }
    if (f.type !== 'integer' && f.type !== 'number') continue;
    const [low, high, above] = [bound(f.minimum), bound(f.maximum), bound(f.exclusiveMinimum)];
    const kind = f.type === 'integer' ? 'an integer ' : '';
    const parts = [above !== undefined ? `> ${above}` : low !== undefined && high === undefined ? `≥ ${low}` : null];
    if (high !== undefined) parts.push(low !== undefined && above === undefined ? `${low}–${high}` : `≤ ${high}`);
    const range = parts.filter(Boolean).join(', ');
    if (range) out.push(`${key}: ${kind}${range}`);
  }
  return out.join('; ');
}

function toolError(message: string, code: string): OrchestrateToolError {
  return { error: { code, message: safeText(message, { multiline: true }) } };
}

/** Runs a manager call; what it throws comes back as `{ error: { code, message } }`. */
async function answer(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return await call();
  } catch (err) {
    const info = errorInfo(err);
    return toolError(info.message, info.code);
  }
}

/** The manager of a tool set: the one given, else a new one over the options' roots. */
function managerOf(o: OrchestrateToolOptions): RunManager {
  if (o.manager) return o.manager;
  const { manager: _none, roots, ...rest } = o;
  if (!roots?.length) {
    throw new ConfigError(
      'orchestrate tools need `roots` (the folders runs may act in) or a `manager` (a RunManager to share).',
    );
  }
  return new RunManager({ ...rest, roots });
}

type Call<S extends z.ZodObject> = (input: z.output<S>, signal: AbortSignal | undefined) => Promise<unknown>;

/**
 * One function tool over a delegation schema; `details.signal` (the agent run's abort) goes to the call. The input the
 * SDK parsed is parsed again by the same schema: that types it without a cast, and it costs nothing beside a run.
 */
function delegateTool<S extends z.ZodObject>(
  name: string,
  description: string,
  schema: S,
  call: Call<S>,
): OrchestrateFunctionTool {
  const parameters: z.ZodObject = schema;
  return tool({
    name,
    description,
    parameters,
    errorFunction: sdkError(limitsOf(schema)),
    execute: (input, _context, details) => answer(() => call(schema.parse(input), details?.signal)),
  });
}

/**
 * The delegation tools (plan, start_run, run_status, run_result, cancel_run, run) for an `Agent`, with the MCP
 * server's schemas and results, sharing one manager.
 */
export function orchestrateTools(o: OrchestrateToolOptions): OrchestrateFunctionTool[] {
  const m = managerOf(o);
  const T = DELEGATE_TOOLS;
  const calls: { [K in AgentToolName]: Call<(typeof T)[K]['input']> } = {
    plan: (input, signal) => m.plan(input, signal),
    start_run: (input) => m.start(input),
    run_status: (input) => m.status(input),
    run_result: (input) => m.result(input),
    cancel_run: (input) => m.cancel(input),
    run: (input, signal) => m.run(input, { signal }),
  };
  return NAMES.map((name) =>
    delegateTool(name, DESCRIPTIONS[name], T[name].input, calls[name] as Call<(typeof T)[typeof name]['input']>),
  );
}

/** The blocking tool's parameters: the `run` tool's without `waitSec`, which the program sets, not the model. */
const OrchestrateInput = DELEGATE_TOOLS.run.input.omit({ waitSec: true });

/**
 * One blocking tool (`orchestrate` unless named) that runs a task to its end and returns the `run` tool's result; an
 * abort of the agent's run stops the orchestrate run gracefully (verified work committed, resumable).
 */
export function orchestrateTool(
  o: OrchestrateToolOptions & { name?: string; waitSec?: number },
): OrchestrateFunctionTool {
  const { name, waitSec: wait, ...options } = o;
  const m = managerOf(options);
  const waitSec = wait ?? ORCHESTRATE_WAIT_SEC;
  return delegateTool(name ?? 'orchestrate', ORCHESTRATE_DESCRIPTION, OrchestrateInput, (input, signal) =>
    m.run({ ...input, waitSec }, { signal }),
  );
}
