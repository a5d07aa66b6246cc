import type { Phase, RunEvent } from '@orchestrate/core';

/**
 * Which jobs are finished and which have a worker call in flight, by id. States share one tracker and it grows in
 * place (a copy per event would cost O(jobs) per event), so feed only the newest state to {@link reduceProgress}.
 */
export interface ProgressJobs {
  readonly finished: Set<string>;
  readonly running: Set<string>;
}

/** What every progress display shows (the CLI's line, the Action's log, the MCP server's `run_status`). */
export interface ProgressState {
  phase: Phase;
  /** Jobs the run expanded to; 0 until it has. */
  total: number;
  /** Jobs finished: verified (or past their gates where nothing verifies them) or failed; committed or not. */
  done: number;
  /** Jobs that ended without succeeding (failed, given up, skipped). */
  failed: number;
  /** Jobs whose worker call is in flight. */
  running: number;
  /** Jobs neither finished nor running: waiting for a call slot, for the verifier or for a retry. */
  queued: number;
  /** Input and output tokens of every call so far. */
  tokens: number;
  costUsd: number;
  budgetUsd: number | null;
  /** The newest rate limiting seen: the model and how many calls it now lets through at once; null when none. */
  throttled: { model: string; concurrency: number } | null;
  /** When the run started and when its first job started (ms, the caller's clock). */
  startedAt: number;
  workStartedAt: number | null;
  elapsedMs: number;
  /** Time left at the pace of the jobs finished so far; null before the first finishes and after the last. */
  etaMs: number | null;
  readonly jobs: ProgressJobs;
}

/** The state before any event: phase `setup`, nothing counted. */
export function initialProgress(startedAt: number): ProgressState {
  return {
    phase: 'setup',
    total: 0,
    done: 0,
    failed: 0,
    running: 0,
    queued: 0,
    tokens: 0,
    costUsd: 0,
    budgetUsd: null,
    throttled: null,
    startedAt,
    workStartedAt: null,
    elapsedMs: 0,
    etaMs: null,
    jobs: { finished: new Set(), running: new Set() },
  };
}

/** The state with its times (elapsed, time left) as of `now`; a display that redraws on a timer calls this. */
export function progressAt(state: ProgressState, now: number): ProgressState {
  const { done, total, workStartedAt } = state;
  const working = workStartedAt !== null && done > 0 && done < total;
  const etaMs = working ? ((now - workStartedAt) / done) * (total - done) : null;
  return { ...state, elapsedMs: now - state.startedAt, etaMs };
}

/**
 * The progress after one more event at time `now` (no clock and no I/O inside: the same events at the same times give
 * the same states). A job counts as done once it is verified, or has ended, whichever comes first, and only once.
 */
export function reduceProgress(state: ProgressState, event: RunEvent, now: number): ProgressState {
  const { finished, running } = state.jobs;
  const next: ProgressState = { ...state };
  const finish = (id: string) => {
    running.delete(id);
    finished.add(id);
  };
  switch (event.type) {
    case 'phase':
      next.phase = event.phase;
      // Every worker of a round has returned by the time verifying or committing starts: none is in flight.
      if (event.phase === 'verify' || event.phase === 'commit') running.clear();
      break;
    case 'expanded':
      next.total = event.jobs.length;
      break;
    case 'job-start':
      next.workStartedAt ??= now;
      running.add(event.job.id);
      break;
    case 'job-worked':
      running.delete(event.job.id);
      break;
    case 'job-verified':
      finish(event.job.id);
      break;
    case 'job-end':
      finish(event.job.id);
      if (event.status !== 'succeeded') next.failed++;
      break;
    case 'usage':
      next.tokens = event.total.inputTokens + event.total.outputTokens;
      next.costUsd = event.costUsd;
      next.budgetUsd = event.budgetUsd;
      break;
    case 'throttle':
      next.throttled = { model: event.model, concurrency: event.concurrency };
      break;
    default:
      break;
  }
  next.done = finished.size;
  next.running = running.size;
  next.queued = Math.max(0, next.total - next.done - next.running);
  return progressAt(next, now);
}

/** A line an event is worth in a log. `liveShows`: a live display shows it already (print it only without one). */
export interface ProgressNote {
  text: string;
  liveShows: boolean;
}

/** Options of {@link progressNotes}. */
export interface ProgressNoteOptions {
  /** A dry run: it creates no branch, so the start line must not name one as if it did. */
  dryRun?: boolean;
}

/**
 * The lines an event is worth in a log, unescaped: each shell escapes them for where they go (a terminal, a PR
 * comment), as file names, symbols and messages come from the repository and the models.
 */
export function progressNotes(event: RunEvent, options: ProgressNoteOptions = {}): ProgressNote[] {
  const log = (text: string): ProgressNote => ({ text: `orchestrate: ${text}`, liveShows: false });
  switch (event.type) {
    case 'phase':
      return [{ text: `orchestrate: ${event.phase}${event.detail ? ` (${event.detail})` : ''}`, liveShows: true }];
    case 'run-start': {
      const from = `${event.engine} engine, from commit ${event.baseCommit.slice(0, 8)}`;
      const notes = [
        options.dryRun
          ? log(`dry run ${event.runId}, ${from} (nothing is created: no branch, no worktree)`)
          : log(`run ${event.runId}, ${from}; the work goes on a new branch ${event.branch}`),
      ];
      if (event.dirty) {
        const why = 'the run starts from a commit and never touches them';
        notes.push(log(`you have uncommitted changes; they stay as they are (${why})`));
      }
      return notes;
    }
    case 'indexed': {
      const skipped = event.skipped ? ` (${event.skipped} skipped)` : '';
      return [log(`indexed ${event.files} files, ${event.declarations} declarations in ${event.ms} ms${skipped}`)];
    }
    case 'planned':
      return event.plan.steps.map((s) => {
        const sel = s.selector;
        const where = sel.paths.length ? ` in ${sel.paths.join(', ')}` : '';
        const kinds = sel.declarationKinds.length ? ` (${sel.declarationKinds.join(', ')})` : '';
        return log(`plan ${s.id}: ${s.kind}${where}${kinds}${sel.exportedOnly ? ', exported only' : ''}`);
      });
    case 'expanded': {
      const est = event.estimate;
      const cost = `$${est.costUsdLow.toFixed(4)}–$${est.costUsdHigh.toFixed(4)}`;
      return [log(`${event.jobs.length} jobs; estimated cost ${cost}`)];
    }
    case 'job-end':
      if (event.status === 'succeeded') return [];
      const { file, symbol } = event.job;
      return [{ text: `orchestrate: ${event.status} ${file} ${symbol}: ${event.error ?? ''}`, liveShows: true }];
    case 'throttle':
      return [log(`throttled: ${event.model}: ${event.reason}; concurrency now ${event.concurrency}`)];
    case 'warning':
      return [log(`warning: ${event.message}`)];
    default:
      return [];
  }
}

/** `45s`, `3m07s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
