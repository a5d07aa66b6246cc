import { safeText, type RunReport } from '@orchestrate/core';

/** How many jobs a dry run lists before it says how many more there are. */
const LISTED_JOBS = 50;
/** How many warnings a dry run prints before it points at the report. */
const LISTED_WARNINGS = 5;

/**
 * What a dry run prints: the plan's steps (each with its worker model), the jobs (at most 50) and the estimate per
 * model. File names, symbols and paths come from the repository and the planner, so the whole text is escaped.
 */
export function formatDryRun(report: RunReport): string {
  const noWorker = report.engine === 'openai' ? ' and no worker was called' : '';
  const nothing = 'nothing was created (no branch, no worktree, no commit)';
  const lines = [`orchestrate dry run (${report.engine} engine): ${nothing}${noWorker}.`];
  for (const step of report.plan.steps) {
    const paths = step.selector.paths;
    const model = step.model ? ` on ${step.model}` : '';
    lines.push(`  ${step.id}: ${step.kind}${paths.length ? ` in ${paths.join(', ')}` : ''}${model}`);
  }
  lines.push(`  planned by: ${plannedBy(report.plan.source)}`);
  lines.push(`  jobs: ${report.jobs.total}`);
  for (const item of report.items.slice(0, LISTED_JOBS)) {
    lines.push(`    ${safeText(item.file)} ${safeText(item.symbol)}`);
  }
  if (report.items.length > LISTED_JOBS) lines.push(`    … ${report.items.length - LISTED_JOBS} more`);
  const est = report.estimate;
  if (est && Object.keys(est.perModel).length) {
    lines.push('  estimate per model (calls, input tokens, output tokens low, $ low–high):');
    for (const [model, m] of Object.entries(est.perModel)) {
      const cost = `$${m.costUsdLow.toFixed(4)}–$${m.costUsdHigh.toFixed(4)}`;
      lines.push(`    ${model}: ${m.calls} calls, ${m.inputTokens} in, ${m.outputTokens} out, ${cost}`);
    }
    lines.push(`  total: $${est.costUsdLow.toFixed(4)}–$${est.costUsdHigh.toFixed(4)}`);
  } else lines.push('  estimate: $0 (offline engine, no model calls)');
  for (const [model, u] of Object.entries(report.usage)) {
    lines.push(`  spent on planning: ${model} ${u.inputTokens} in, ${u.outputTokens} out, $${u.costUsd.toFixed(4)}`);
  }
  for (const w of report.warnings.slice(0, LISTED_WARNINGS)) lines.push(`  warning: ${safeText(w)}`);
  if (report.warnings.length > LISTED_WARNINGS) {
    lines.push(`  … ${report.warnings.length - LISTED_WARNINGS} more warnings in the report`);
  }
  return safeText(lines.join('\n'), { multiline: true });
}

/** Who planned, from the plan's source: the rules (no planner call), the offline engine, a command, or a model. */
function plannedBy(source: string): string {
  if (source === 'rules') return 'the planning rules (no planner call)';
  if (source === 'offline') return 'the offline rules';
  if (source === 'review command') return 'the review command (no planner call)';
  return `the planner model ${safeText(source)}`;
}
