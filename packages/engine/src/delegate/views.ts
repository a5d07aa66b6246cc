// A run's report as the delegation tools return it: the fields an agent acts on, capped so a result stays well under
// what clients hand a model (Claude Code's 25k tokens); everything else stays in report.json, which `reportPath` names.
import type { ReportCommit, RunReport } from '@orchestrate/core';
import { diffStat, type DiffStatEntry } from '@orchestrate/repo';
import { runDir } from '../runs/report.js';
import type { RunInfo } from '../runs/runs.js';
import type { PlanOutput, ResultOutput, ReviewOutput, StatusOutput } from './schemas.js';

/** The most items, warnings, files, jobs and annotations one result lists. */
export const CAPS = { items: 100, warnings: 50, perFile: 200, jobs: 200, annotations: 100, commitFiles: 50 } as const;

type Commit = ResultOutput['commits'][number];
/** A view before its summary is written. */
export type Unsummarized<T> = Omit<T, 'summary'>;

/**
 * A report's commit as the tools show it: the subject line instead of the whole message, and at most 50 of its files
 * (a commit of a large run can hold thousands: the last entry then says how many more and how to list them).
 */
export function commitView(c: ReportCommit): Commit {
  const subject = c.message.split('\n')[0] ?? '';
  const files = capped(c.files ?? [], CAPS.commitFiles, `git show --stat ${c.sha}`);
  return { sha: c.sha, stepId: c.stepId, subject, jobs: c.jobs, files };
}

/** The first `cap` entries; when more are left, the last kept entry says how many more and where they are. */
export function capped(items: readonly string[], cap: number, where: string | null): string[] {
  if (items.length <= cap) return [...items];
  const more = items.length - (cap - 1);
  return [...items.slice(0, cap - 1), `… ${more} more${where ? ` in ${where}` : ''}`];
}

/** What the commits changed (per file, at most 200 listed; the totals cover every file; binary files count 0). */
export function diffstatView(entries: readonly DiffStatEntry[]): ResultOutput['diffstat'] {
  const sum = (pick: (e: DiffStatEntry) => number) => entries.reduce((n, e) => n + Math.max(0, pick(e)), 0);
  return {
    files: entries.length,
    insertions: sum((e) => e.added),
    deletions: sum((e) => e.removed),
    perFile: entries.slice(0, CAPS.perFile).map((e) => ({ path: e.path, added: e.added, removed: e.removed })),
  };
}

/** The report's path on disk, or null for a run that writes none (a dry run). */
export function reportPathOf(report: Pick<RunReport, 'repo' | 'id' | 'status'>): string | null {
  return report.status === 'dry-run' ? null : `${runDir(report.repo, report.id)}/report.json`;
}

/** Items (failed first, at most 100), and whether some were left out. */
function itemsView(report: RunReport): Pick<ResultOutput, 'items' | 'itemsTruncated'> {
  const failedFirst = [
    ...report.items.filter((i) => i.status !== 'succeeded'),
    ...report.items.filter((i) => i.status === 'succeeded'),
  ];
  const items = failedFirst.slice(0, CAPS.items).map((i) => ({
    id: i.id,
    kind: i.kind,
    file: i.file,
    symbol: i.symbol,
    status: i.status,
    error: i.error,
    verdict: i.verdict,
  }));
  return { items, itemsTruncated: report.items.length > CAPS.items };
}

/** The next steps of a run with commits: a git command to look at them, and the tools that merge or discard them. */
export function nextSteps(
  id: string,
  baseCommit: string | null,
  branch: string | null,
  commits: number,
  finished: boolean,
): ResultOutput['next'] {
  const has = Boolean(branch && commits > 0);
  return {
    look: has && baseCommit ? `git log -p ${baseCommit.slice(0, 12)}..${branch}` : null,
    apply: has && finished ? `apply_run ${id}` : null,
    undo: has ? `undo_run ${id}` : null,
  };
}

/** The result view of a finished run's report; the diffstat comes from the repository, empty when the commits are gone. */
export async function resultView(
  report: RunReport,
  error: { code: string; message: string } | null = null,
): Promise<Unsummarized<ResultOutput>> {
  const commits = report.commits.map(commitView);
  const last = commits.at(-1)?.sha;
  const stat = last ? await diffStat(report.repo, report.baseCommit, last).catch(() => []) : [];
  const reportPath = reportPathOf(report);
  const interrupted = report.status === 'interrupted';
  return {
    finished: true,
    runId: report.id,
    status: report.status,
    branch: commits.length ? report.branch : null,
    baseCommit: report.baseCommit,
    commits,
    diffstat: diffstatView(stat),
    jobs: { unchanged: 0, ...report.jobs },
    ...itemsView(report),
    usage: report.usage,
    costUsd: report.costUsd,
    budgetUsd: report.budgetUsd,
    warnings: capped(report.warnings, CAPS.warnings, reportPath),
    reportPath,
    error,
    next: nextSteps(report.id, report.baseCommit, report.branch, commits.length, !interrupted),
  };
}

/** The result view of a run with no report: still going, or failed before it wrote one. */
export function pendingView(o: {
  id: string;
  finished: boolean;
  /** The run's state in words when it has no report (`failed`, `interrupted`), or null while it runs. */
  status: string | null;
  baseCommit: string | null;
  branch: string | null;
  commits: Commit[];
  jobs: { total: number; succeeded: number; failed: number; skipped: number };
  costUsd: number;
  budgetUsd: number | null;
  error: { code: string; message: string } | null;
}): Unsummarized<ResultOutput> {
  return {
    finished: o.finished,
    runId: o.id,
    status: o.status,
    branch: o.commits.length ? o.branch : null,
    baseCommit: o.baseCommit,
    commits: o.commits,
    diffstat: diffstatView([]),
    jobs: { unchanged: 0, ...o.jobs },
    items: [],
    itemsTruncated: false,
    usage: {},
    costUsd: o.costUsd,
    budgetUsd: o.budgetUsd,
    warnings: [],
    reportPath: null,
    error: o.error,
    next: nextSteps(o.id, o.baseCommit, o.branch, o.commits.length, o.finished),
  };
}

/** A dry run's report as `plan` returns it: the steps, the jobs (at most 200 listed) and the estimate. */
export function planView(report: RunReport): Unsummarized<PlanOutput> {
  const est = report.estimate;
  const perModel = Object.fromEntries(
    Object.entries(est?.perModel ?? {}).map(([m, e]) => [
      m,
      { calls: e.calls, costUsdLow: e.costUsdLow, costUsdHigh: e.costUsdHigh },
    ]),
  );
  return {
    runId: report.id,
    engine: report.engine,
    steps: report.plan.steps.map((s) => ({
      id: s.id,
      kind: s.kind,
      paths: s.selector.paths,
      instructions: s.instructions,
    })),
    jobs: {
      total: report.items.length,
      listed: report.items.slice(0, CAPS.jobs).map((i) => ({ id: i.id, kind: i.kind, file: i.file, symbol: i.symbol })),
      truncated: report.items.length > CAPS.jobs,
    },
    estimate: { costUsdLow: est?.costUsdLow ?? 0, costUsdHigh: est?.costUsdHigh ?? 0, perModel },
    plannerCostUsd: report.costUsd,
    warnings: capped(report.warnings, CAPS.warnings, null),
  };
}

/** A review's report as `review` returns it: what was reviewed, the counts and at most 100 annotations (errors first). */
export function reviewView(report: RunReport): Unsummarized<ReviewOutput> {
  const order = { error: 0, warning: 1, note: 2 } as const;
  const all = [...report.annotations].sort((a, b) => order[a.severity] - order[b.severity]);
  const counts = { error: 0, warning: 0, note: 0 };
  for (const a of all) counts[a.severity]++;
  const r = report.reviewed;
  return {
    runId: report.id,
    reviewed: { base: r?.base ?? null, head: r?.head ?? null, label: r?.label ?? 'nothing', files: r?.files ?? 0 },
    counts,
    annotations: all.slice(0, CAPS.annotations).map((a) => ({
      file: a.file,
      line: a.line,
      endLine: a.endLine,
      severity: a.severity,
      ruleId: a.ruleId,
      message: a.message,
      suggestion: a.suggestion ?? null,
    })),
    truncated: all.length > CAPS.annotations,
  };
}

/** A listed run as `list_runs` returns it. */
export function runInfoView(r: RunInfo) {
  return {
    id: r.id,
    task: r.task,
    status: r.status,
    engine: r.engine,
    branch: r.branch,
    branchExists: r.branchExists,
    jobs: r.jobs,
    costUsd: r.costUsd,
    startedAt: r.startedAt,
  };
}

/** The status fields of a run known only from its files (another process's, or one this process forgot). */
export function diskStatusState(status: string): StatusOutput['state'] {
  if (status === 'running') return 'running';
  if (status === 'interrupted' || status === 'detached') return 'interrupted';
  if (status === 'failed') return 'failed';
  return 'completed';
}
