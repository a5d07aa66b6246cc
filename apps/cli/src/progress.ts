import { safeText, type RunEvent } from '@orchestrate/core';

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

/** `45s`, `3m07s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

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

/**
 * Renders run events on stderr: one live line on a TTY (phase, a bar, jobs finished of total, failed, running, elapsed
 * time and an estimate of the time left, tokens and cost), plain lines otherwise. A job counts as finished once it is
 * verified (or passed its gates where nothing verifies it) or has failed, not only when it is committed. Every text that
 * can come from a model or the repository is escaped before it is written.
 */
export function createProgress(stream: ProgressStream, options: ProgressOptions): Progress {
  const { live } = options;
  const now = options.now ?? Date.now;
  const started = now();
  let workStarted: number | null = null;
  let phase = 'setup';
  let total = 0;
  const finished = new Set<string>();
  let failed = 0;
  const running = new Set<string>();
  let tokens = 0;
  let cost = 0;
  let budget: number | null = null;
  let throttled = '';
  let lastDraw = -Infinity;
  let liveShown = false;

  const line = () => {
    const at = now();
    const parts = [`[${phase}]`];
    if (total > 0) parts.push(`${bar(finished.size, total)} ${finished.size}/${total} jobs`);
    if (failed) parts.push(`${failed} failed`);
    if (running.size) parts.push(`${running.size} running`);
    parts.push(formatDuration(at - started));
    if (workStarted !== null && finished.size > 0 && finished.size < total) {
      const perJob = (at - workStarted) / finished.size;
      parts.push(`~${formatDuration(perJob * (total - finished.size))} left`);
    }
    if (tokens) parts.push(`${tokens} tokens`);
    if (cost || budget !== null) parts.push(`$${cost.toFixed(4)}${budget !== null ? ` / $${budget}` : ''}`);
    if (throttled) parts.push(`throttled (${throttled})`);
    return parts.join(' · ');
  };
  const draw = (force = false) => {
    if (!live) return;
    const at = now();
    if (!force && at - lastDraw < REDRAW_MS) return;
    lastDraw = at;
    stream.write(`${CLEAR}${fit(line(), stream.columns)}`);
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
  const finish = (id: string) => {
    running.delete(id);
    finished.add(id);
  };

  return {
    onEvent(e) {
      switch (e.type) {
        case 'phase':
          phase = e.phase;
          // Every worker of a round has returned by the time verifying or committing starts: none is in flight.
          if (e.phase === 'verify' || e.phase === 'commit') running.clear();
          if (!live) print(`orchestrate: ${e.phase}${e.detail ? ` (${e.detail})` : ''}`);
          else draw(true);
          break;
        case 'run-start':
          if (options.dryRun) print(`orchestrate: dry run ${e.runId}, ${e.engine} engine, from HEAD ${e.baseCommit.slice(0, 8)} (nothing is created: no branch, no worktree)`);
          else print(`orchestrate: run ${e.runId}, ${e.engine} engine, from HEAD ${e.baseCommit.slice(0, 8)}; the work goes on a new branch ${e.branch}`);
          if (e.dirty) print('orchestrate: you have uncommitted changes; they stay as they are (the run starts from HEAD and never touches them)');
          break;
        case 'indexed':
          print(`orchestrate: indexed ${e.files} files, ${e.declarations} declarations in ${e.ms} ms${e.skipped ? ` (${e.skipped} skipped)` : ''}`);
          break;
        case 'planned':
          for (const s of e.plan.steps) {
            const sel = s.selector;
            print(`orchestrate: plan ${s.id}: ${s.kind}${sel.paths.length ? ` in ${sel.paths.join(', ')}` : ''}${sel.declarationKinds.length ? ` (${sel.declarationKinds.join(', ')})` : ''}${sel.exportedOnly ? ', exported only' : ''}`);
          }
          break;
        case 'expanded':
          total = e.jobs.length;
          print(`orchestrate: ${total} jobs; estimated cost $${e.estimate.costUsdLow.toFixed(4)}–$${e.estimate.costUsdHigh.toFixed(4)}`);
          break;
        case 'job-start':
          workStarted ??= now();
          running.add(e.job.id);
          draw();
          break;
        case 'job-worked':
          running.delete(e.job.id);
          draw();
          break;
        case 'job-verified':
          finish(e.job.id);
          draw();
          break;
        case 'job-end':
          finish(e.job.id);
          if (e.status !== 'succeeded') {
            failed++;
            if (!live) print(`orchestrate: ${e.status} ${e.job.file} ${e.job.symbol}: ${e.error ?? ''}`);
          }
          draw();
          break;
        case 'usage':
          tokens = e.total.inputTokens + e.total.outputTokens;
          cost = e.costUsd;
          budget = e.budgetUsd;
          draw();
          break;
        case 'throttle':
          throttled = `${e.model} at ${e.concurrency} in flight`;
          print(`orchestrate: throttled: ${e.model}: ${e.reason}; concurrency now ${e.concurrency}`);
          break;
        case 'warning':
          print(`orchestrate: warning: ${e.message}`);
          break;
        case 'commit':
        case 'done':
          break;
      }
    },
    note(text) {
      print(text);
    },
    stop() {
      clear();
    },
  };
}
