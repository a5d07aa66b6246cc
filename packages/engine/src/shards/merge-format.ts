// What `orchestrate merge` prints: which shards made the branch, which did not (with their jobs), and what to do next.
import { safeText, type RunReport } from '@orchestrate/core';
import { formatSummary } from '../runs/report.js';

/** The merged run as `orchestrate merge --json` prints it: the report's summary, without its items and calls. */
export function mergeSummary(report: RunReport): Record<string, unknown> {
  const { id, status, branch, baseCommit, commits, shards, jobs, usage, costUsd, warnings } = report;
  return { id, status, branch, baseCommit, commits, shards, jobs, usage, costUsd, warnings };
}

/** The human lines of a merge: the shards merged and missing, then the run's summary (branch, commits, next commands). */
export function formatMerge(report: RunReport): string {
  const shards = report.shards;
  const lines: string[] = [];
  if (shards) {
    const merged = shards.merged.length ? shards.merged.join(', ') : 'none';
    lines.push(`merged shards ${merged} of ${shards.total}`);
    for (const m of shards.missing) {
      lines.push(
        `  shard ${m.index}/${shards.total} not merged (${m.jobs} job${m.jobs === 1 ? '' : 's'}): ${safeText(m.reason)}`,
      );
    }
  }
  lines.push(formatSummary(report));
  if (report.branch && report.commits.length)
    lines.push(`  push:   git push origin ${report.branch}  (then open a pull request)`);
  if (shards?.missing.length) {
    lines.push(
      'Once the missing shards have run, merge every bundle again (a new branch; `orchestrate undo ' +
        `${report.id}\` drops this one).`,
    );
  }
  return lines.join('\n');
}
