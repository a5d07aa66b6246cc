import { safeText, type RunEvent } from '@orchestrate/core';
import {
  formatDuration,
  initialProgress,
  progressAt,
  progressNotes,
  reduceProgress,
  type ProgressState,
} from '@orchestrate/engine';

/** Where progress goes: stderr, or a fake stream in tests (`columns` is the terminal's width when it is one). */
export interface ProgressStream {
  write(text: string): unknown;
  columns?: number;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** One live line redrawn in place (a TTY); else plain lines, one per event worth a line. */
  live: boolean;
  /** The clock, in ms (injected by tests). @default Date.now */
  now?: () => number;
  /** A dry run: it creates no branch, so the start line must not name one as if it did. */
  dryRun?: boolean;
}

/** A progress renderer fed with run events. */
export interface Progress {
  onEvent(e: RunEvent): void;
  /** Prints a line of the CLI's own (e.g. Ctrl-C's notice) after clearing the live line. */
  note(text: string): void;
  /** Clears the live line (before the summary, a prompt or an error is printed). */
  stop(): void;
}

const CLEAR = '\r\x1b[2K';
const BAR_WIDTH = 16;
/** The least time between two redraws of the live line. */
const REDRAW_MS = 80;

/** A bar of `width` cells, `done` of `total` filled. */
export function bar(done: number, total: number, width = BAR_WIDTH): string {
  const filled = total > 0 ? Math.min(width, Math.floor((done / total) * width)) : 0;
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/** `text` cut to `columns - 1` characters (code points): a line as wide as the terminal wraps and is never cleared. */
function fit(text: string, columns: number | undefined): string {
  const max = Math.max(10, (columns && columns > 0 ? columns : 80) - 1);
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** The live line of a state: phase, a bar, jobs finished of total, failed, running, times, tokens, cost, throttling. */
function liveLine(s: ProgressState): string {
  const parts = [`[${s.phase}]`];
  if (s.total > 0) parts.push(`${bar(s.done, s.total)} ${s.done}/${s.total} jobs`);
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.running) parts.push(`${s.running} running`);
  parts.push(formatDuration(s.elapsedMs));
  if (s.etaMs !== null) parts.push(`~${formatDuration(s.etaMs)} left`);
  if (s.tokens) parts.push(`${s.tokens} tokens`);
  if (s.costUsd || s.budgetUsd !== null) {
    parts.push(`$${s.costUsd.toFixed(4)}${s.budgetUsd !== null ? ` / $${s.budgetUsd}` : ''}`);
  }
  if (s.throttled) parts.push(`throttled (${s.throttled.model} at ${s.throttled.concurrency} in flight)`);
  return parts.join(' · ');
}

/** Events that change the live line's counters: redrawn at most every {@link REDRAW_MS}. */
const COUNTED = new Set<RunEvent['type']>(['job-start', 'job-worked', 'job-verified', 'job-end', 'usage']);

/**
 * Renders run events on stderr: one live line on a TTY, plain lines otherwise; what is counted is the engine's
 * progress model ({@link reduceProgress}), this draws it. Every text that can come from a model or the repository is
 * escaped before it is written.
 */
export function createProgress(stream: ProgressStream, options: ProgressOptions): Progress {
  const { live } = options;
  const now = options.now ?? Date.now;
  let state = initialProgress(now());
  let lastDraw = -Infinity;
  let liveShown = false;

  const draw = (force = false) => {
    if (!live) return;
    const at = now();
    if (!force && at - lastDraw < REDRAW_MS) return;
    lastDraw = at;
    state = progressAt(state, at);
    stream.write(`${CLEAR}${fit(liveLine(state), stream.columns)}`);
    liveShown = true;
  };
  const clear = () => {
    if (live && liveShown) stream.write(CLEAR);
    liveShown = false;
  };
  const print = (text: string) => {
    clear();
    stream.write(`${safeText(text)}\n`);
    draw(true);
  };

  return {
    onEvent(e) {
      state = reduceProgress(state, e, now());
      for (const note of progressNotes(e, { dryRun: options.dryRun })) if (!live || !note.liveShows) print(note.text);
      if (e.type === 'phase') draw(true);
      else if (COUNTED.has(e.type)) draw();
    },
    note(text) {
      print(text);
    },
    stop() {
      clear();
    },
  };
}
