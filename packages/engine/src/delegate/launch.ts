// One managed run: runTask() with the manager's stop signals, its events folded into progress and event lines as they
// come, and its end (a report or an error) recorded, so status and result answer from memory while it runs.
import type { EventLine, RunEvent } from '@orchestrate/core';
import { runTask } from '../run-task.js';
import type { RunTaskOptions } from '../run-options.js';
import { errorInfo } from '../shell/errors.js';
import { createEventLines } from '../shell/event-lines.js';
import { initialProgress, reduceProgress } from '../shell/progress.js';
import { gracefulStop } from '../shell/stop.js';
import { isFinished, LineRing, type ManagedRun, type RunRegistry } from './registry.js';
import { commitView } from './views.js';

/** What a run is launched with. */
export interface LaunchOptions {
  /** The id the run is asked to take (a new one, or the id it resumes). */
  id: string;
  repoRoot: string;
  budgetUsd: number | null;
  /** runTask's options without the signals and the listener, which the launch adds. */
  run: RunTaskOptions;
  graceMs: number;
  keepLines: number;
  now: () => number;
  registry: RunRegistry;
}

/** A launched run and a promise that settles at its `run-start` event, or rejects with the error it failed with first. */
export interface Launched {
  run: ManagedRun;
  started: Promise<void>;
}

/** Starts a run in this process and registers it; nothing here waits for it. */
export function launch(o: LaunchOptions): Launched {
  const stopper = gracefulStop(o.graceMs);
  const lines = createEventLines({ now: () => new Date(o.now()) });
  let startedYet = false;
  let onStarted!: () => void;
  let onFailed!: (err: unknown) => void;
  const started = new Promise<void>((resolve, reject) => {
    onStarted = resolve;
    onFailed = reject;
  });
  // An unawaited rejection would be reported as unhandled while `start` has not attached yet.
  started.catch(() => undefined);
  const run: ManagedRun = {
    id: o.id,
    repoRoot: o.repoRoot,
    task: o.run.task,
    engine: null,
    branch: null,
    baseCommit: null,
    budgetUsd: o.budgetUsd,
    state: 'running',
    ended: Promise.resolve(),
    stopper,
    progress: initialProgress(o.now()),
    lines: new LineRing(o.keepLines),
    nextSeq: 0,
    commits: [],
    report: null,
    error: null,
    cause: null,
    startedAt: o.now(),
    endedAt: null,
    listeners: new Set(),
  };
  const emit = (line: EventLine) => {
    run.lines.push(line);
    run.nextSeq = line.seq + 1;
    for (const listener of run.listeners) listener(line);
  };
  const onEvent = (event: RunEvent) => {
    // A listener that throws would fail the run it watches: a line or a count lost is the lesser harm.
    try {
      run.progress = reduceProgress(run.progress, event, o.now());
      if (event.type === 'run-start') {
        o.registry.rename(run, event.runId);
        run.engine = event.engine;
        run.branch = event.dryRun ? null : event.branch;
        run.baseCommit = event.baseCommit;
        run.budgetUsd = event.budgetUsd ?? run.budgetUsd;
      }
      if (event.type === 'commit') {
        const { sha, stepId, subject, jobs, files } = event;
        run.commits.push({ sha, stepId, subject: subject ?? '', jobs, files: files ?? [] });
      }
      for (const line of lines.push(event)) emit(line);
      if (event.type === 'run-start' && !startedYet) {
        startedYet = true;
        onStarted();
      }
    } catch {
      // see above
    }
  };
  // Part 1 of issue 15 adds `runId` to RunTaskOptions; until then runTask ignores it and the run-start event names the
  // id the engine chose (the registry follows it).
  const withId = o.run.resume === undefined ? { runId: o.id } : {};
  const options: RunTaskOptions = { ...o.run, ...withId, stop: stopper.stop, signal: stopper.abort, onEvent };
  o.registry.add(run);
  run.ended = runTask(options).then(
    (report) => {
      run.report = report;
      run.commits = report.commits.map(commitView);
      run.state = report.status === 'interrupted' ? 'interrupted' : 'completed';
    },
    (err: unknown) => {
      const info = errorInfo(err);
      run.error = { code: info.code, message: info.message };
      run.cause = err;
      // An abort (a second stop, or shutdown) leaves a run its journal resumes.
      run.state = info.code === 'E_INTERRUPTED' ? 'interrupted' : 'failed';
      try {
        emit(lines.error(err, { runId: startedYet ? run.id : null }));
      } catch {
        // the error is recorded above; only its line is lost
      }
      if (!startedYet) {
        // A run that never started is its caller's error, not a run: status must not shadow what disk says of the id
        // (a refused resume of a run that completed).
        o.registry.remove(run);
        onFailed(err);
      }
    },
  );
  run.ended = run.ended.finally(() => {
    run.endedAt = o.now();
    stopper.dispose();
    if (!startedYet) {
      startedYet = true;
      onStarted();
    }
    if (!isFinished(run)) run.state = 'failed';
    o.registry.evict();
  });
  return { run, started };
}

/**
 * Waits up to `timeoutMs` for a run to end (an abort of `signal` stops the waiting, not the run), telling `onLine`
 * each line meanwhile; true when the run ended.
 */
export async function waitFor(
  run: ManagedRun,
  o: { signal?: AbortSignal; timeoutMs: number; onLine?: (line: EventLine) => void },
): Promise<boolean> {
  if (isFinished(run)) return true;
  if (o.signal?.aborted) return false;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const listener = o.onLine;
  if (listener) run.listeners.add(listener);
  try {
    return await Promise.race([
      run.ended.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), Math.max(0, o.timeoutMs));
        onAbort = () => resolve(false);
        o.signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) o.signal?.removeEventListener('abort', onAbort);
    if (listener) run.listeners.delete(listener);
  }
}
