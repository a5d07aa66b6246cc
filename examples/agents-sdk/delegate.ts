// A small agent on @openai/agents that delegates a bulk coding task to orchestrate: the agent decides what to ask, the
// `orchestrate` tool plans the task, fans it out to small model jobs, verifies them and commits the verified work on a
// new branch, and the agent tells the user what happened. Run it: see README.md.
import { pathToFileURL } from 'node:url';
import { Agent, OpenAIProvider, Runner } from '@openai/agents';
import { RunManager, orchestrateTool, type ResultOutput } from '@orchestrate/mcp/agents';

/** The model name the tests' fake server answers as the delegating agent; use a real one (gpt-5.4-mini) with a key. */
export const DELEGATOR_MODEL = 'delegator';

/** What `delegate` needs: the repository, and where the models are. */
export interface DelegateArgs {
  /** The repository to work in (the only root the tool may act in). */
  repo: string;
  /** An OpenAI-compatible API (default: OpenAI's), for the agent and for orchestrate's planner, workers and verifier. */
  baseURL?: string;
  /** @default process.env.OPENAI_API_KEY */
  apiKey?: string;
  /** What the user asks the agent. @default 'Add docstrings to every undocumented function in src/.' */
  task?: string;
  /** The agent's model. @default DELEGATOR_MODEL */
  model?: string;
  /** The most the orchestrate run may spend, in US dollars. @default 1 */
  budgetUsd?: number;
  /** Send the agent's traces to the OpenAI platform (they go with the key to the real API host). @default false */
  tracing?: boolean;
}

/** What the agent answered, and the orchestrate result it answered from (null when it never called the tool). */
export interface Delegated {
  text: string;
  result: ResultOutput | null;
}

const INSTRUCTIONS = [
  "You help a developer with bulk edits to their repository. Hand the task to the orchestrate tool in one call, in the user's words.",
  'Then answer in two or three sentences: the run id, what was committed and on which branch, what failed, what it cost,',
  'and how to look at, merge or discard the work (the result says). Claim nothing the result does not show.',
].join(' ');

/** Runs the delegating agent once on `task` over `repo`; orchestrate's runs are stopped when it returns. */
export async function delegate(args: DelegateArgs): Promise<Delegated> {
  const apiKey = args.apiKey ?? process.env.OPENAI_API_KEY;
  const env = { ...process.env, OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: args.baseURL ?? process.env.OPENAI_BASE_URL };
  // One manager, made here so it can be closed: close() stops a run still going (its verified work stays committed).
  const manager = new RunManager({
    roots: [args.repo],
    env,
    defaults: { engine: 'openai' },
    maxBudgetUsd: args.budgetUsd ?? 1,
  });
  let answer: Delegated;
  try {
    const agent = new Agent({
      name: 'delegator',
      instructions: INSTRUCTIONS,
      model: args.model ?? DELEGATOR_MODEL,
      tools: [orchestrateTool({ manager })],
    });
    const runner = new Runner({
      modelProvider: new OpenAIProvider({ apiKey, baseURL: args.baseURL }),
      tracingDisabled: args.tracing !== true,
    });
    const run = await runner.run(agent, args.task ?? 'Add docstrings to every undocumented function in src/.', {
      maxTurns: 4,
    });
    answer = { text: String(run.finalOutput ?? ''), result: toolResult(run.newItems) };
  } catch (err) {
    // The agent's failure is the one to report, not a failure to stop what it left running.
    await manager.close().catch(() => undefined);
    throw err;
  }
  await manager.close();
  return answer;
}

/** The last `orchestrate` result among the run's items (the SDK keeps a tool's return value as it was returned). */
function toolResult(items: ReadonlyArray<{ type: string; output?: unknown }>): ResultOutput | null {
  const outputs = items.filter((i) => i.type === 'tool_call_output_item').map((i) => i.output);
  const last = outputs.at(-1);
  const value: unknown = typeof last === 'string' ? safeJson(last) : last;
  return value !== null && typeof value === 'object' && 'runId' in value ? (value as ResultOutput) : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Model text with control and bidi characters escaped, so printing it cannot drive the terminal. */
function printable(text: string): string {
  return text.replace(
    /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

// `tsx delegate.ts <repo> [task]`: the agent on a real model (DELEGATOR_MODEL, default gpt-5.4-mini).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [repo, ...words] = process.argv.slice(2);
  if (!repo || !process.env.OPENAI_API_KEY) {
    process.stderr.write('usage: OPENAI_API_KEY=… tsx examples/agents-sdk/delegate.ts <repository> ["<task>"]\n');
    process.exit(2);
  }
  delegate({
    repo,
    task: words.length ? words.join(' ') : undefined,
    model: process.env.DELEGATOR_MODEL ?? 'gpt-5.4-mini',
    baseURL: process.env.OPENAI_BASE_URL,
  }).then(
    ({ text }) => process.stdout.write(`${printable(text)}\n`),
    (err: unknown) => {
      const e = err as { code?: unknown; message?: unknown };
      process.stderr.write(
        `delegate: ${printable(String(e.code ?? 'error'))}: ${printable(String(e.message ?? err))}\n`,
      );
      process.exit(1);
    },
  );
}
