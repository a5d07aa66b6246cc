import path from 'node:path';
import { safeText, type RunReport } from '@orchestrate/core';
import { JOURNAL_FILE } from './journal-format.js';
import { formatSummary } from './report.js';
import type { RunDetail, RunInfo } from './runs.js';

/** How long ago, in the largest whole unit: `45s`, `3m`, `2h`, `5d`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

export function cut(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function statusLabel(run: RunInfo): string {
  return run.branch && !run.branchExists && run.source === 'report' && run.status !== 'undone'
    ? `${run.status} (branch deleted)`
    : run.status;
}

/** The `runs` table (id, task, status, jobs succeeded/total, cost, age), or a one-line hint when there are none. */
export function formatRuns(runs: RunInfo[], now = new Date()): string {
  if (!runs.length)
    return 'No runs in this repository yet. Start one with `orchestrate "<task>"`, e.g. orchestrate "add docstrings to src/".';
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
  return rows
    .map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  '))
    .join('\n');
}

/** Lines of a finished run's summary that tell how to look at, merge or delete its branch (wrong once it is gone). */
const BRANCH_ADVICE =
  /^(Your working tree, index and current branch were not touched\. Next:|\s+(look|merge|delete):\s)/;

/** A merged sharded run's shards: which merged, and each missing or failed one with its jobs and why. */
function shardLines(shards: RunReport['shards']): string {
  if (!shards) return '';
  const lines = [
    `\n  shards: ${shards.merged.length} of ${shards.total} merged (${shards.merged.join(', ') || 'none'})`,
  ];
  for (const m of shards.missing) {
    lines.push(`    shard ${m.index}/${shards.total} not merged (${m.jobs} jobs): ${safeText(m.reason)}`);
  }
  return lines.join('\n');
}

/**
 * `show`: a finished run's summary (formatSummary), or an unfinished run's task, base, progress and next step. A run
 * whose branch is gone (undone, or deleted by hand) says so instead of telling how to merge it. The task and the
 * commit subjects are escaped: they come from the user, a model and the repository.
 */
export function formatRun(run: RunDetail, now = new Date()): string {
  if (run.report) {
    const text = formatSummary(run.report) + shardLines(run.report.shards);
    if (!run.branch || run.branchExists) return text;
    const how = run.status === 'undone' ? 'undone' : 'undone or deleted';
    const kept = text
      .split('\n')
      .filter((l) => l.trim() !== '' && !BRANCH_ADVICE.test(l))
      .map((l) => l.replace(/^  branch: /, '  branch (gone): '));
    kept[0] = `${kept[0]} — ${how}: ${run.branch} no longer exists`;
    return [...kept, `  note: the run was ${how}; there is nothing to merge or delete (its report is kept).`].join(
      '\n',
    );
  }
  const age = run.startedAt ? ` (${formatAge(now.getTime() - Date.parse(run.startedAt))} ago)` : '';
  const lines = [`orchestrate run ${run.id}${run.engine ? ` (${run.engine} engine)` : ''}: ${run.status}`];
  lines.push(`  task: ${run.task ? safeText(run.task) : '(unknown: the journal has no start record)'}`);
  if (run.baseCommit) lines.push(`  base commit: ${run.baseCommit.slice(0, 8)}`);
  if (run.startedAt)
    lines.push(
      `  started: ${run.startedAt}${age}${run.pid ? `, process ${run.pid}${run.status === 'running' ? ' is still running' : ''}` : ''}`,
    );
  const { jobs } = run;
  lines.push(
    `  so far: ${jobs.total} jobs seen, ${jobs.succeeded} succeeded, ${jobs.failed} failed, ${jobs.skipped} skipped; ${run.answers} model answers, $${run.costUsd.toFixed(4)}`,
  );
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
