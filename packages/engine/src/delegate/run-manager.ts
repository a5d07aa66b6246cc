// The runs a delegating agent starts, in one process (the MCP server, the Agents SDK tool): each is a runTask() whose
// events the manager keeps, so start returns at once and status, result and cancel answer from memory (or from the
// run's files on disk for a run of another process). Skeleton: part 3 of issue 15 builds it.
import type { RunTaskOptions } from '../run-options.js';
import type { ProgressState } from '../shell/progress.js';
import type {
  ApplyInput,
  ApplyOutput,
  CancelInput,
  CancelOutput,
  ListInput,
  ListOutput,
  PlanInput,
  PlanOutput,
  ResultInput,
  ResultOutput,
  ReviewInput,
  ReviewOutput,
  RunInput,
  StartInput,
  StartOutput,
  StatusInput,
  StatusOutput,
  UndoInput,
  UndoOutput,
} from './schemas.js';

/** How a delegating process runs its runs: the roots it may act in and the defaults and limits of its flags. */
export interface DelegateOptions {
  /** The folders runs may act in (realpath'd at construction); an empty list is refused. */
  roots: string[];
  /** @default process.env */
  env?: Record<string, string | undefined>;
  /** The server's flags: what a tool call does not set. */
  defaults?: Pick<RunTaskOptions, 'engine' | 'concurrency' | 'budgetUsd' | 'models' | 'configFile'>;
  /** Each run's budget is min(asked, this); a run that asks none gets this. */
  maxBudgetUsd?: number | null;
  /** Runs in flight in this process. @default 2 */
  maxRuns?: number;
  /** After a stop, model calls still in flight are aborted after this. @default 20_000 */
  graceMs?: number;
  /** Event lines kept per run. @default 500 */
  keepLines?: number;
  now?: () => number;
}

/** What a waiting call hears as a run goes on: its progress and the event line that moved it. */
export type ProgressListener = (
  state: ProgressState,
  line: { type: string; seq: number; [key: string]: unknown },
) => void;

const todo = (): never => {
  throw new Error('RunManager: not built yet (issue 15, part 3)');
};

/** Starts, watches, stops and reads the runs of one delegating process. */
export class RunManager {
  constructor(readonly options: DelegateOptions) {}
  /** A dry run: the plan, its jobs and their estimate; blocks until planned. */
  plan(_input: PlanInput, _signal?: AbortSignal): Promise<PlanOutput> {
    return todo();
  }
  /** Starts a run and resolves once it has its id and branch (setup errors reject). */
  start(_input: StartInput): Promise<StartOutput> {
    return todo();
  }
  /** Where a run stands: phase, counts, cost, the latest event lines. */
  status(_input: StatusInput): Promise<StatusOutput> {
    return todo();
  }
  /** Waits up to `timeoutMs` for a run to end; true when it ended. */
  wait(
    _runId: string,
    _o: { signal?: AbortSignal; timeoutMs: number; onProgress?: ProgressListener },
  ): Promise<boolean> {
    return todo();
  }
  /** A run's result (waiting up to `waitSec`); `finished: false` while it goes on. */
  result(_input: ResultInput): Promise<ResultOutput> {
    return todo();
  }
  /** Stops a run as Ctrl-C does (verified work is committed) and waits up to `waitSec` for its end. */
  cancel(_input: CancelInput): Promise<CancelOutput> {
    return todo();
  }
  /** start + wait + result; an abort of `signal` cancels the run. */
  run(_input: RunInput, _o: { signal?: AbortSignal; onProgress?: ProgressListener }): Promise<ResultOutput> {
    return todo();
  }
  /** Reviews a range (or the working tree) and returns its annotations. */
  review(_input: ReviewInput, _signal?: AbortSignal): Promise<ReviewOutput> {
    return todo();
  }
  /** The runs of a repository, newest first. */
  list(_input: ListInput): Promise<ListOutput> {
    return todo();
  }
  /** Merges a finished run's branch into the user's current branch (as `orchestrate apply`). */
  apply(_input: ApplyInput): Promise<ApplyOutput> {
    return todo();
  }
  /** Deletes a run's branch and worktree (as `orchestrate undo`). */
  undo(_input: UndoInput): Promise<UndoOutput> {
    return todo();
  }
  /** Stops every run gracefully, waits `graceMs`, then aborts: for shutdown. */
  close(): Promise<void> {
    return todo();
  }
}
