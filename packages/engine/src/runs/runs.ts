import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, type RunReport, type RunStatus } from '@orchestrate/core';
import { branchExists, findRepoRoot, listBranches } from '@orchestrate/repo';
import { JOURNAL_FILE, parseJournal, type JournalRecord, type StartRecord } from './journal-format.js';
import { isProcessAlive } from './liveness.js';
import { runDir } from './report.js';

export { isProcessAlive };

/** A run's state as `runs` shows it: a finished run's report status, or what its journal says of an unfinished one. */
export type RunState = RunStatus | 'interrupted' | 'running' | 'undone' | 'failed';

/** One run of a repository, read from its report.json, else from its journal. */
export interface RunInfo {
  id: string;
  task: string;
  status: RunState;
  engine: string | null;
  baseCommit: string | null;
  /** The run's branch as the run recorded it (null: the run kept none). */
  branch: string | null;
  /** Whether that branch still exists (false after `undo` or a manual delete). */
  branchExists: boolean;
  /** Jobs so far; for an unfinished run, from its job records. */
  jobs: { total: number; succeeded: number; failed: number; skipped: number };
  costUsd: number;
  startedAt: string | null;
  /** The process that ran it (journal only). */
  pid: number | null;
  source: 'report' | 'journal';
}

/** Everything `show` prints: the run, its report when it finished, and what an unfinished run had done. */
export interface RunDetail extends RunInfo {
  report: RunReport | null;
  /** Commits already on the branch of an unfinished run (its journal's `committed` phase records). */
  commits: { sha: string; detail: string | null }[];
  /** Model answers recorded so far (an unfinished run's resume does not pay for them again). */
  answers: number;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** A run's state is kept under this directory of the repository root, which `apply` ignores when checking for changes. */
export const STATE_DIR = '.orchestrate/';

/** Throws E_USAGE unless `runId` has the shape of a run id (letters, digits, `.`, `_`, `-`; no path separators, no `..`). */
export function assertRunId(runId: string): void {
  if (!RUN_ID.test(runId) || runId.includes('..')) {
    throw new UsageError(`Not a run id: ${JSON.stringify(runId)}. List the runs with \`orchestrate runs\`.`);
  }
}

/** The runs of the repository at `cwd`, newest first. */
export async function listRuns(options: { cwd?: string } = {}): Promise<RunInfo[]> {
  const root = await findRepoRoot(path.resolve(options.cwd ?? process.cwd()));
  const entries = await readdir(path.join(root, '.orchestrate', 'runs'), { withFileTypes: true }).catch(() => []);
  const branches = await listBranches(root, 'orchestrate/');
  const runs: RunInfo[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !RUN_ID.test(entry.name) || entry.name.includes('..')) continue;
    const run = await loadRun(root, entry.name, branches);
    if (run) runs.push(summary(run));
  }
  return runs.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '') || b.id.localeCompare(a.id));
}

/** One run in detail; an unknown id is E_USAGE naming `orchestrate runs`. */
export async function showRun(options: { cwd?: string; runId: string }): Promise<RunDetail> {
  assertRunId(options.runId);
  const root = await findRepoRoot(path.resolve(options.cwd ?? process.cwd()));
  return requireRun(root, options.runId);
}

/**
 * Reads run `runId` of the repository at `root` from its report.json, else its journal; null when it has neither.
 * `branches` (the existing `orchestrate/` branches) saves a git call per run when listing.
 */
export async function loadRun(root: string, runId: string, branches?: Set<string>): Promise<RunDetail | null> {
  const dir = runDir(root, runId);
  const report = await readFile(path.join(dir, 'report.json'), 'utf8').then(
    (t) => JSON.parse(t) as RunReport,
    () => null,
  );
  // A journal can be large: it is read for a finished run only when it may say more than the report (`undo` ends an
  // interrupted run's journal with `undone`).
  const records =
    report && report.status !== 'interrupted'
      ? []
      : await readFile(path.join(dir, JOURNAL_FILE), 'utf8').then(parseJournal, () => null);
  if (!report && !records) return null;
  const exists = async (branch: string | null) =>
    branch ? (branches ? branches.has(branch) : await branchExists(root, branch)) : false;
  if (report) {
    const undone = records?.filter((r) => r.t === 'end').pop()?.status === 'undone';
    return {
      id: runId,
      task: report.task,
      status: undone ? 'undone' : report.status,
      engine: report.engine,
      baseCommit: report.baseCommit,
      branch: report.branch,
      branchExists: await exists(report.branch),
      jobs: report.jobs,
      costUsd: report.costUsd,
      startedAt: report.startedAt,
      pid: null,
      source: 'report',
      report,
      commits: report.commits.map((c) => ({ sha: c.sha, detail: c.message })),
      answers: Object.values(report.usage).reduce((n, u) => n + u.requests, 0),
    };
  }
  const progress = journalProgress(records!);
  const start = progress.start;
  return {
    id: runId,
    task: start?.task ?? '',
    status: progress.status,
    engine: start?.engine ?? null,
    baseCommit: start?.baseCommit ?? null,
    branch: start?.branch ?? `orchestrate/${runId}`,
    branchExists: await exists(start?.branch ?? `orchestrate/${runId}`),
    jobs: progress.jobs,
    costUsd: Math.round(progress.costUsd * 1e9) / 1e9,
    startedAt: start?.at ?? null,
    pid: progress.pid,
    source: 'journal',
    report: null,
    commits: progress.commits,
    answers: progress.answers,
  };
}

/**
 * What a journal says: its start record, its status (the `end` record's, else `running` while the process lives,
 * else `interrupted`), the jobs by their latest record (succeeded: `verified` or `committed`, or `gated` on the offline
 * engine, which has no verifier), the cost of its answers and the commits made. The process that runs it is the one
 * the last `start` or `resumed` record names, with its start time when recorded (a zombie or a reused pid is not it).
 */
export function journalProgress(
  records: JournalRecord[],
  alive: (pid: number, startTime?: string) => boolean = isProcessAlive,
) {
  let start: StartRecord | null = null;
  let end: string | null = null;
  let costUsd = 0;
  let answers = 0;
  const latest = new Map<string, string>();
  const commits: { sha: string; detail: string | null }[] = [];
  let pid: number | null = null;
  let pidStart: string | undefined;
  for (const r of records) {
    if (r.t === 'start') {
      if (!start) {
        start = r;
        pid = r.pid;
        pidStart = r.pidStart;
      }
    } else if (r.t === 'end') end = r.status;
    else if (r.t === 'phase' && r.phase === 'resumed') {
      // A resume continues the run in another process: it is running again until that process ends it.
      end = null;
      if (r.pid !== undefined) [pid, pidStart] = [r.pid, r.pidStart];
    } else if (r.t === 'answer') {
      costUsd += Number(r.costUsd) || 0;
      answers++;
    } else if (r.t === 'job') latest.set(r.id, r.event);
    else if (r.t === 'phase' && r.phase === 'committed' && r.sha)
      commits.push({ sha: r.sha, detail: r.detail ?? null });
  }
  const done = new Set(['verified', 'committed', ...(start?.engine === 'offline' ? ['gated'] : [])]);
  const events = [...latest.values()];
  const jobs = {
    total: events.length,
    succeeded: events.filter((e) => done.has(e)).length,
    failed: events.filter((e) => e === 'failed').length,
    skipped: events.filter((e) => e === 'skipped').length,
  };
  const status: RunState =
    end !== null ? (end as RunState) : pid !== null && alive(pid, pidStart) ? 'running' : 'interrupted';
  return { start, status, pid, jobs, costUsd, answers, commits };
}

/** A run of the repository, or E_USAGE naming how to list them. */
export async function requireRun(root: string, runId: string): Promise<RunDetail> {
  const run = await loadRun(root, runId);
  if (!run) throw new UsageError(`No run ${runId} in this repository. List the runs with \`orchestrate runs\`.`);
  return run;
}

function summary(run: RunDetail): RunInfo {
  const { report: _report, commits: _commits, answers: _answers, ...info } = run;
  return info;
}
