// The one place a RunEvent becomes an event line (`orchestrate exec --json`, run_status, the Agents SDK tool).
// Day-0 placeholder of issue 15: part 2 builds the real renderer behind this interface.
import type { EventLine, RunEvent } from '@orchestrate/core';
import { errorInfo } from './errors.js';

/** Turns a run's events into its lines, in order (stateful: the sequence number, the run id, the plan). */
export interface EventLineRenderer {
  /** The lines an event gives (none for the events that have no line). */
  push(event: RunEvent): EventLine[];
  /** The `error` line for a run that threw. */
  error(err: unknown, at?: { runId?: string | null }): EventLine;
}

/** A renderer for one run. */
export function createEventLines(options: { now?: () => Date } = {}): EventLineRenderer {
  const now = options.now ?? (() => new Date());
  let seq = 0;
  let runId: string | null = null;
  const line = (type: string, fields: Record<string, unknown>): EventLine => ({
    type,
    run_id: runId,
    seq: seq++,
    ts: now().toISOString(),
    ...fields,
  });
  return {
    push(event) {
      if (event.type === 'run-start') runId = event.runId;
      return [line(event.type.replace('-', '.'), {})];
    },
    error(err, at) {
      if (at?.runId !== undefined) runId = at.runId;
      const info = errorInfo(err);
      return line('error', { code: info.code, message: info.message, exit_code: info.exitCode });
    },
  };
}
