// The run's log in the Actions UI: the engine's progress notes and the action's own lines, one per line. Text in them
// comes from models and the repository, and the runner obeys a line that starts with `::` (a workflow command:
// set-output, add-mask, stop-commands), so every line starts with `orchestrate: ` and holds no line break or control
// character: nothing a model or a PR writes can become a command.
import { safeText, type RunEvent } from '@orchestrate/core';
import { formatDuration, initialProgress, progressNotes, reduceProgress } from '@orchestrate/engine';
import type { ActionLog, Toolkit } from './types.js';

const PREFIX = 'orchestrate: ';
/** Line and paragraph separators: not line breaks to the runner today, but nothing is lost by escaping them. */
const SEPARATORS = /[\u2028\u2029]/g;
/** A line longer than this is cut (a model's message can be long; the log is not where it is read in full). */
const MAX_LINE = 4_000;

/** `text` as one log line: prefixed, control, bidi and line-break characters escaped, cut at {@link MAX_LINE}. */
export function logLine(text: string): string {
  const body = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : text;
  let safe = safeText(body).replace(SEPARATORS, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  if (safe.length > MAX_LINE) safe = `${safe.slice(0, MAX_LINE)}… (${safe.length - MAX_LINE} more characters)`;
  return `${PREFIX}${safe}`;
}

/** Options of {@link createActionLog}. */
export interface ActionLogOptions {
  /** The clock, in ms (tests inject one). @default Date.now */
  now?: () => number;
}

/**
 * The log a mode writes through: engine events become the engine's progress notes (every one: there is no live line
 * in a workflow log), and each phase change also shows the counters (jobs done of total, failed, tokens, cost).
 */
export function createActionLog(kit: Pick<Toolkit, 'info'>, options: ActionLogOptions = {}): ActionLog {
  const now = options.now ?? Date.now;
  let state = initialProgress(now());
  const line = (text: string) => kit.info(logLine(text));
  return {
    onEvent(event: RunEvent) {
      state = reduceProgress(state, event, now());
      for (const note of progressNotes(event)) line(note.text);
      if (event.type === 'phase' && state.total > 0) {
        const parts = [`${state.done}/${state.total} jobs`];
        if (state.failed) parts.push(`${state.failed} failed`);
        if (state.tokens) parts.push(`${state.tokens} tokens`);
        const budget = state.budgetUsd !== null ? ` of $${state.budgetUsd}` : '';
        if (state.costUsd || state.budgetUsd !== null) parts.push(`$${state.costUsd.toFixed(4)}${budget}`);
        parts.push(formatDuration(state.elapsedMs));
        line(`[${state.phase}] ${parts.join(' · ')}`);
      }
    },
    line,
  };
}
