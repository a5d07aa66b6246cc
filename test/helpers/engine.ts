// In-process runs of the engine for tests whose subject is what a run does (not argv, exit codes or terminal output):
// `runTask()` called directly, on a real temp repository, with the wire-level fake OpenAI server when a model is needed.
import type { RunEvent } from '@orchestrate/core';
import { runTask, type RunTaskOptions } from '@orchestrate/engine';

/** What one in-process run produced: the report as `--json` prints it, and every event in order. */
export interface EngineRun {
  /** The report after a JSON round trip (so it compares equal to `report.json` on disk and to `--json` output). */
  report: Record<string, any>;
  events: RunEvent[];
}

/** The options of `runEngine`: `runTask`'s, with the repository required. */
export type EngineOptions = Omit<RunTaskOptions, 'cwd'> & { cwd: string };

/**
 * Runs `runTask` in this process. The model environment is empty unless `env` names one (the machine's own
 * OPENAI_API_KEY never leaks in); rejects as `runTask` does, with the error itself (its `code`, not an exit code).
 */
export async function runEngine(options: EngineOptions): Promise<EngineRun> {
  const events: RunEvent[] = [];
  const report = await runTask({
    ...options,
    env: { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, ...options.env },
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
  });
  return { report: JSON.parse(JSON.stringify(report)) as Record<string, any>, events };
}

/** The environment pointing the openai engine at a fake server (`startFakeOpenAI`). */
export function fakeModelEnv(server: { url: string }, key = 'test-key'): Record<string, string> {
  return { OPENAI_API_KEY: key, OPENAI_BASE_URL: server.url };
}

/** The coded error a run threw, as the `--json` error object prints it. */
export interface EngineError {
  code: string;
  message: string;
}

/**
 * Runs `runTask()` and returns its report and events, or the coded error it threw (`{ code, message }`, what the CLI
 * turns into an exit code); an error without a code is a bug and is rethrown.
 */
export async function runOutcome(
  options: EngineOptions,
): Promise<{ report: Record<string, any> | null; error: EngineError | null; events: RunEvent[] }> {
  const events: RunEvent[] = [];
  try {
    const run = await runEngine({ ...options, onEvent: (event) => (events.push(event), options.onEvent?.(event)) });
    return { report: run.report, error: null, events };
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    if (typeof e.code !== 'string') throw err;
    return { report: null, error: { code: e.code, message: String(e.message) }, events };
  }
}

/** The engine's shared renderings, for tests that check what every shell shows. */
export { formatRunOutput, formatSummary } from '@orchestrate/engine';
