// The runs one delegating process knows: each run's latest progress and event lines in memory, so status answers
// without reading files, and a bound on how many finished runs it keeps (older ones are read from disk).
import type { EventLine, RunReport } from '@orchestrate/core';
import type { ProgressState } from '../shell/progress.js';
import type { GracefulStop } from '../shell/stop.js';

/** Finished runs kept in memory; older ones are read from their files (`showRun`). */
export const KEEP_FINISHED = 100;

/** Where a managed run stands. */
export type ManagedState = 'running' | 'stopping' | 'completed' | 'interrupted' | 'failed';

/** The graceful stop of one run: `stop` ends it as a first Ctrl-C does, `abort` cancels the calls still in flight. */
export type Stopper = GracefulStop;

/** The last `capacity` event lines of a run. */
export class LineRing {
  private readonly lines: EventLine[] = [];
  private head = 0;
  constructor(readonly capacity: number) {}
  /** Keeps a line, dropping the oldest when full. */
  push(line: EventLine): void {
    if (this.capacity <= 0) return;
    if (this.lines.length < this.capacity) this.lines.push(line);
    else {
      this.lines[this.head] = line;
      this.head = (this.head + 1) % this.capacity;
    }
  }
  /** The kept lines, oldest first. */
  all(): EventLine[] {
    return [...this.lines.slice(this.head), ...this.lines.slice(0, this.head)];
  }
  /** The newest `limit` lines with `seq >= sinceSeq`, oldest first. */
  latest(limit: number, sinceSeq = 0): EventLine[] {
    const kept = this.all().filter((l) => l.seq >= sinceSeq);
    return limit > 0 ? kept.slice(-limit) : [];
  }
}

/** One run this process started. */
export interface ManagedRun {
  id: string;
  repoRoot: string;
  task: string;
  engine: 'openai' | 'offline' | null;
  branch: string | null;
  baseCommit: string | null;
  /** The budget it was started with (min of asked and the maximum). */
  budgetUsd: number | null;
  state: ManagedState;
  /** Settles (never rejects) once the run ended, however it ended. */
  ended: Promise<void>;
  stopper: Stopper;
  progress: ProgressState;
  lines: LineRing;
  /** The seq the next line will have. */
  nextSeq: number;
  /** Commits made so far (from the run's `commit` events; the report's once it ended). */
  commits: { sha: string; stepId: string; subject: string; jobs: number; files: string[] }[];
  report: RunReport | null;
  error: { code: string; message: string } | null;
  /** What the run threw, as it was thrown (a blocking call rethrows it). */
  cause: unknown;
  startedAt: number;
  endedAt: number | null;
  /** Who hears each line as it comes (waiting calls). */
  listeners: Set<(line: EventLine) => void>;
}

/** Whether a run has ended. */
export function isFinished(run: ManagedRun): boolean {
  return run.state !== 'running' && run.state !== 'stopping';
}

/** The managed runs by id, in the order they were added, keeping every running run and the newest finished ones. */
export class RunRegistry {
  private readonly runs = new Map<string, ManagedRun>();
  constructor(private readonly keepFinished = KEEP_FINISHED) {}
  get(id: string): ManagedRun | undefined {
    return this.runs.get(id);
  }
  /** Adds a run (replacing one of the same id: a resumed run), then forgets the oldest finished runs beyond the cap. */
  add(run: ManagedRun): void {
    this.runs.delete(run.id);
    this.runs.set(run.id, run);
    this.evict();
  }
  /** Gives a run the id its `run-start` event named, when the engine chose another. */
  rename(run: ManagedRun, id: string): void {
    if (run.id === id) return;
    this.runs.delete(run.id);
    run.id = id;
    this.runs.set(id, run);
  }
  remove(run: ManagedRun): void {
    if (this.runs.get(run.id) === run) this.runs.delete(run.id);
  }
  /** Runs that have not ended. */
  running(): ManagedRun[] {
    return [...this.runs.values()].filter((r) => !isFinished(r));
  }
  /** Forgets the oldest finished runs beyond the cap. */
  evict(): void {
    const finished = [...this.runs.values()].filter(isFinished);
    for (const run of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) this.runs.delete(run.id);
  }
}
