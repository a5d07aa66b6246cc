import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { safeText, type FaultCounts, type FaultKind, type PlanStep, type RunReport } from '@orchestrate/core';
import { renderReportHtml } from '@orchestrate/report-html';

/** Where a run's state lives in the target repository. */
export function runDir(root: string, runId: string): string {
  return path.join(root, '.orchestrate', 'runs', runId);
}

/** The name of the page written beside a run's report.json. */
export const REPORT_HTML = 'report.html';

/**
 * Writes `report.json` atomically enough for readers (whole file, one write), then the page beside it (`report.html`).
 * The page is a view of the report: if it cannot be rendered or written the run still ends with its report, and
 * `orchestrate show <id> --html` says why.
 */
export async function writeReport(root: string, report: RunReport): Promise<string> {
  const dir = runDir(root, report.id);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'report.json');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  await writeReportHtml(root, report).catch(() => undefined);
  return file;
}

/** Writes a report's page to `file` (default: `report.html` in the run's directory) and returns its path. */
export async function writeReportHtml(root: string, report: RunReport, file?: string): Promise<string> {
  const out = file ?? path.join(runDir(root, report.id), REPORT_HTML);
  await writeFile(out, renderReportHtml(report));
  return out;
}

/** The human summary at the end of a run: what happened, what it cost, and how to look at, merge or delete the branch. */
export function formatSummary(report: RunReport): string {
  const lines: string[] = [];
  const { jobs } = report;
  lines.push(`orchestrate run ${report.id} (${report.engine} engine): ${report.status}`);
  if (report.scope) lines.push(`  scope: ${report.scope}/ (-C: files outside it were not looked at)`);
  lines.push(
    `  jobs: ${jobs.total} total, ${jobs.succeeded} succeeded${unchangedNote(report)}, ${jobs.failed} failed, ${jobs.skipped} skipped`,
  );
  const models = Object.entries(report.usage);
  if (models.length) {
    lines.push(
      `  cost: $${report.costUsd.toFixed(4)}${report.budgetUsd !== null ? ` of $${report.budgetUsd} budget` : ''}`,
    );
    for (const [model, u] of models) {
      lines.push(
        `    ${model}: ${u.requests} requests, ${u.inputTokens} in (${u.cachedInputTokens} cached), ${u.outputTokens} out, $${u.costUsd.toFixed(4)}`,
      );
    }
  } else lines.push('  cost: $0 (no model calls)');
  // The model per step: the report names it on every step of a run with a model (offline runs have none).
  for (const step of report.plan.steps) if (step.model) lines.push(`  ${stepLine(step, report.items)}`);
  const faults = faultsLine(report.faults);
  if (faults) lines.push(`  model faults: ${faults}`);
  const escalated = escalationsLine(report.escalations);
  if (escalated) lines.push(`  escalated: ${escalated}`);
  const failed = report.status === 'cancelled' ? [] : report.items.filter((i) => i.status !== 'succeeded');
  for (const item of failed.slice(0, 10))
    lines.push(`  ${item.status}: ${item.file} ${item.symbol}: ${item.error ?? ''}`);
  if (failed.length > 10) lines.push(`  … ${failed.length - 10} more in the report`);
  for (const w of report.warnings.slice(0, 5)) lines.push(`  warning: ${w}`);
  if (report.status === 'interrupted')
    lines.push(`  resume: orchestrate resume ${report.id}  (answers already received are not paid again)`);
  if (report.branch && report.commits.length) {
    lines.push(
      `  branch: ${report.branch} (${report.commits.length} commit${report.commits.length === 1 ? '' : 's'} on ${report.baseCommit.slice(0, 8)})`,
    );
    for (const c of report.commits) lines.push(`    ${c.sha.slice(0, 8)} ${c.message}`);
    lines.push('');
    lines.push('Your working tree, index and current branch were not touched. Next:');
    lines.push(`  look:   git log -p ${report.baseCommit.slice(0, 8)}..${report.branch}`);
    lines.push(`  merge:  orchestrate apply ${report.id}  (or git merge ${report.branch})`);
    lines.push(`  delete: git branch -D ${report.branch}`);
  } else if (report.status !== 'dry-run' && report.items.some((i) => i.kind !== 'review')) {
    lines.push('  nothing was committed; no branch was kept.');
  } else if (report.annotations.length || report.items.length || report.reviewed) {
    const range = report.reviewed
      ? ` reviewed ${report.reviewed.label} (${report.reviewed.files} file${report.reviewed.files === 1 ? '' : 's'}):`
      : '';
    lines.push(`  review:${range} ${report.annotations.length} finding(s); no edits were made.`);
  }
  lines.push(`  report: ${path.join('.orchestrate', 'runs', report.id, 'report.json')}`);
  // Warnings, errors, paths, symbols and commit subjects come from models and the repository: escaped for the terminal.
  return safeText(lines.join('\n'), { multiline: true });
}

/**
 * ` (3 already formatted or ignored, no change)`: succeeded jobs that wrote nothing, so the counts agree with what the commits hold.
 */
function unchangedNote(report: RunReport): string {
  const items = report.items.filter((i) => i.unchanged);
  if (!items.length) return '';
  const what = items.every((i) => i.kind === 'reformat') ? 'already formatted or ignored, no change' : 'with no change';
  return ` (${items.length} ${what})`;
}

const FAULT_LABELS: Record<FaultKind, string> = {
  rateLimited: 'rate limited (429)',
  serverErrors: 'server errors (5xx)',
  connectionErrors: 'connection errors',
  timeouts: 'timeouts',
  truncatedBody: 'truncated bodies',
  invalidJson: 'not JSON',
  schemaFailures: 'schema failures',
  incomplete: 'cut off',
  emptyOutput: 'empty',
  oversizedOutput: 'too large',
};

/** `step-1: docstring on gpt-5.4-nano, 3 jobs`: a step, its worker model when it has one, and its job count. */
export function stepLine(step: PlanStep, items: readonly { stepId: string }[]): string {
  const jobs = items.filter((i) => i.stepId === step.id).length;
  const kind = step.variant ? `${step.kind}/${step.variant}` : step.kind;
  return `${step.id}: ${kind}${step.model ? ` on ${step.model}` : ''}, ${jobs} job${jobs === 1 ? '' : 's'}`;
}

/**
 * `2 (docstring: too-complex 1, unclear-task 1), 4 refused (…)`: jobs the worker sent to the verifier's model, per kind and
 * reason, and the requests past the cap; '' when the worker asked for none.
 */
export function escalationsLine(escalations: RunReport['escalations']): string {
  if (!escalations || (escalations.total === 0 && escalations.ignored === 0)) return '';
  const kinds = Object.entries(escalations.byKind).map(
    ([kind, reasons]) =>
      `${kind}: ${Object.entries(reasons)
        .map(([r, n]) => `${r} ${n}`)
        .join(', ')}`,
  );
  const ignored = escalations.ignored
    ? `, ${escalations.ignored} refused (past ladder.maxSelfEscalations: asked again on the worker)`
    : '';
  return `${escalations.total}${kinds.length ? ` (${kinds.join('; ')})` : ''}${ignored}`;
}

/** `rate limited (429): 3, timeouts: 1` for the faults that happened, or '' when none did. */
export function faultsLine(faults: FaultCounts | undefined): string {
  return (Object.keys(FAULT_LABELS) as FaultKind[])
    .filter((k) => (faults?.[k] ?? 0) > 0)
    .map((k) => `${FAULT_LABELS[k]}: ${faults![k]}`)
    .join(', ');
}
