import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { safeText, UsageError, WorkingTreeError, type RunReport, type RunStatus } from '@orchestrate/core';
import { branchExists, currentBranch, findRepoRoot, isAncestor, listBranches, mergeBranch, workingTreeChanges } from '@orchestrate/repo';
import { JOURNAL_FILE, parseJournal, type JournalRecord, type StartRecord } from './journal-format.js';
import { isProcessAlive } from './liveness.js';
import { formatSummary, runDir } from './report.js';

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
const STATE_DIR = '.orchestrate/';

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
  const report = await readFile(path.join(dir, 'report.json'), 'utf8').then((t) => JSON.parse(t) as RunReport, () => null);
  // A journal can be large: it is read for a finished run only when it may say more than the report (`undo` ends an
  // interrupted run's journal with `undone`).
  const records = report && report.status !== 'interrupted' ? [] : await readFile(path.join(dir, JOURNAL_FILE), 'utf8').then(parseJournal, () => null);
  if (!report && !records) return null;
  const exists = async (branch: string | null) => (branch ? (branches ? branches.has(branch) : await branchExists(root, branch)) : false);
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
export function journalProgress(records: JournalRecord[], alive: (pid: number, startTime?: string) => boolean = isProcessAlive) {
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
    }
    else if (r.t === 'answer') {
      costUsd += Number(r.costUsd) || 0;
      answers++;
    } else if (r.t === 'job') latest.set(r.id, r.event);
    else if (r.t === 'phase' && r.phase === 'committed' && r.sha) commits.push({ sha: r.sha, detail: r.detail ?? null });
  }
  const done = new Set(['verified', 'committed', ...(start?.engine === 'offline' ? ['gated'] : [])]);
  const events = [...latest.values()];
  const jobs = {
    total: events.length,
    succeeded: events.filter((e) => done.has(e)).length,
    failed: events.filter((e) => e === 'failed').length,
    skipped: events.filter((e) => e === 'skipped').length,
  };
  const status: RunState = end !== null ? (end as RunState) : pid !== null && alive(pid, pidStart) ? 'running' : 'interrupted';
  return { start, status, pid, jobs, costUsd, answers, commits };
}

async function requireRun(root: string, runId: string): Promise<RunDetail> {
  const run = await loadRun(root, runId);
  if (!run) throw new UsageError(`No run ${runId} in this repository. List the runs with \`orchestrate runs\`.`);
  return run;
}

function summary(run: RunDetail): RunInfo {
  const { report: _report, commits: _commits, answers: _answers, ...info } = run;
  return info;
}

/** How long ago, in the largest whole unit: `45s`, `3m`, `2h`, `5d`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

function cut(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function statusLabel(run: RunInfo): string {
  return run.branch && !run.branchExists && run.source === 'report' && run.status !== 'undone' ? `${run.status} (branch deleted)` : run.status;
}

/** The `runs` table (id, task, status, jobs succeeded/total, cost, age), or a one-line hint when there are none. */
export function formatRuns(runs: RunInfo[], now = new Date()): string {
  if (!runs.length) return 'No runs in this repository yet. Start one with `orchestrate "<task>"`, e.g. orchestrate "add docstrings to src/".';
  const rows = [
    ['ID', 'TASK', 'STATUS', 'JOBS', 'COST', 'AGE'],
    ...runs.map((r) => [
      r.id,
      cut(safeText(r.task), 40),
      statusLabel(r),
      `${r.jobs.succeeded}/${r.jobs.total}`,
      `$${r.costUsd.toFixed(4)}`,
      r.startedAt ? formatAge(now.getTime() - Date.parse(r.startedAt)) : '?',
    ]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return rows.map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  ')).join('\n');
}

/** Lines of a finished run's summary that tell how to look at, merge or delete its branch (wrong once it is gone). */
const BRANCH_ADVICE = /^(Your working tree, index and current branch were not touched\. Next:|\s+(look|merge|delete):\s)/;

/**
 * `show`: a finished run's summary (formatSummary), or an unfinished run's task, base, progress and next step. A run
 * whose branch is gone (undone, or deleted by hand) says so instead of telling how to merge it. The task and the
 * commit subjects are escaped: they come from the user, a model and the repository.
 */
export function formatRun(run: RunDetail, now = new Date()): string {
  if (run.report) {
    const text = formatSummary(run.report);
    if (!run.branch || run.branchExists) return text;
    const how = run.status === 'undone' ? 'undone' : 'undone or deleted';
    const kept = text.split('\n').filter((l) => l.trim() !== '' && !BRANCH_ADVICE.test(l)).map((l) => l.replace(/^  branch: /, '  branch (gone): '));
    kept[0] = `${kept[0]} — ${how}: ${run.branch} no longer exists`;
    return [...kept, `  note: the run was ${how}; there is nothing to merge or delete (its report is kept).`].join('\n');
  }
  const age = run.startedAt ? ` (${formatAge(now.getTime() - Date.parse(run.startedAt))} ago)` : '';
  const lines = [`orchestrate run ${run.id}${run.engine ? ` (${run.engine} engine)` : ''}: ${run.status}`];
  lines.push(`  task: ${run.task ? safeText(run.task) : '(unknown: the journal has no start record)'}`);
  if (run.baseCommit) lines.push(`  base commit: ${run.baseCommit.slice(0, 8)}`);
  if (run.startedAt) lines.push(`  started: ${run.startedAt}${age}${run.pid ? `, process ${run.pid}${run.status === 'running' ? ' is still running' : ''}` : ''}`);
  const { jobs } = run;
  lines.push(`  so far: ${jobs.total} jobs seen, ${jobs.succeeded} succeeded, ${jobs.failed} failed, ${jobs.skipped} skipped; ${run.answers} model answers, $${run.costUsd.toFixed(4)}`);
  if (run.commits.length) {
    lines.push(`  committed on ${run.branch}:`);
    for (const c of run.commits) lines.push(`    ${c.sha.slice(0, 8)}${c.detail ? ` ${safeText(c.detail)}` : ''}`);
  } else lines.push(`  nothing committed yet${run.branchExists ? ` (branch ${run.branch} exists)` : ''}.`);
  if (run.status === 'interrupted') {
    lines.push('');
    lines.push('Next:');
    lines.push(`  resume:  orchestrate resume ${run.id}   (answers already recorded are not paid again)`);
    lines.push(`  discard: orchestrate undo ${run.id}`);
  } else if (run.status === 'running') lines.push('  it is still running: wait for it to end, or stop its process.');
  lines.push(`  journal: ${path.join('.orchestrate', 'runs', run.id, JOURNAL_FILE)}`);
  return lines.join('\n');
}

/** What `apply` did. */
export interface ApplyResult {
  runId: string;
  branch: string;
  /** The branch it was merged into. */
  into: string;
  fastForward: boolean;
  commits: number;
  head: string;
}

/**
 * Merges a finished run's branch into the current branch (a fast-forward when possible, else a merge commit naming the
 * run). Refuses unless the working tree and index are clean (E_DIRTY_TREE; run state under `.orchestrate/` does not
 * count); a conflict aborts the merge and leaves the tree as it was (E_MERGE_CONFLICT).
 */
export async function applyRun(options: { cwd?: string; runId: string }): Promise<ApplyResult> {
  const { runId } = options;
  assertRunId(runId);
  const root = await findRepoRoot(path.resolve(options.cwd ?? process.cwd()));
  const run = await requireRun(root, runId);
  if (run.status === 'running') throw new UsageError(`Run ${runId} is still running (process ${run.pid}): wait for it to end, then apply it.`);
  if (run.status === 'interrupted') {
    throw new UsageError(`Run ${runId} was interrupted: finish it with \`orchestrate resume ${runId}\` (or discard it with \`orchestrate undo ${runId}\`), then apply it.`);
  }
  if (run.status === 'detached') throw new UsageError(`Run ${runId} is waiting for its batch: finish it with \`orchestrate resume ${runId}\`, then apply it.`);
  const branch = run.branch;
  if (!branch || !run.report?.commits.length) throw new UsageError(`Run ${runId} committed nothing (${run.status}): there is no branch to apply.`);
  if (!(await branchExists(root, branch))) {
    throw new UsageError(`${branch} no longer exists (the run was undone or the branch deleted): there is nothing to apply. List the runs with \`orchestrate runs\`.`);
  }
  const into = await currentBranch(root);
  if (!into) throw new UsageError(`HEAD is detached: switch to the branch to merge ${branch} into (e.g. \`git switch main\`), then apply again.`);
  if (into === branch) throw new UsageError(`${branch} is the current branch: switch to the branch to merge it into (e.g. \`git switch main\`).`);
  if (await isAncestor(root, branch, 'HEAD')) throw new UsageError(`${branch} is already merged into ${into}: nothing to apply.`);
  const changes = await workingTreeChanges(root, [STATE_DIR]);
  if (changes.length) {
    const shown = changes.slice(0, 5).join(', ') + (changes.length > 5 ? `, … ${changes.length - 5} more` : '');
    throw new WorkingTreeError(
      'E_DIRTY_TREE',
      `Your working tree or index has changes (${shown}): commit or stash them first (\`git stash --include-untracked\`), then apply ${runId} again.`,
      changes,
    );
  }
  const message = `Merge ${branch}: ${cut(run.task, 60)}\n\nOrchestrate-Run: ${runId}\n`;
  const merged = await mergeBranch(root, branch, message);
  return { runId, branch, into, ...merged };
}
