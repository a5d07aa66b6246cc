import type { ReportItem, RunReport } from '@orchestrate/core';
import { escapeHtml as e } from './escape.js';
import type { ModelRow, StepRow, Timeline } from './figures.js';
import { formatCount, formatDuration, formatUsd } from './format.js';

/** A table cell holding a figure: `data-figure` names it, `data-value` holds it exactly (what a test compares). */
function fig(name: string, value: number, text: string, tag = 'td'): string {
  return `<${tag} class="num" data-figure="${e(name)}" data-value="${value}">${e(text)}</${tag}>`;
}

/** The summary: task, status, engine, branch, jobs, cost against budget, duration. */
export function summaryHtml(report: RunReport): string {
  const { jobs } = report;
  const row = (label: string, value: string) => `<tr><th>${e(label)}</th>${value}</tr>`;
  const text = (name: string, value: string) => `<td data-figure="${name}">${e(value)}</td>`;
  const budget = report.budgetUsd !== null ? ` of ${formatUsd(report.budgetUsd)} budget` : '';
  return `<table class="summary">
${row('task', text('task', report.task))}
${row('run', text('id', report.id))}
${row('status', `<td data-figure="status"><span class="status ${e(report.status)}">${e(report.status)}</span></td>`)}
${row('engine', text('engine', report.engine))}
${row('branch', text('branch', report.branch ?? '(none kept)'))}
${row('base commit', text('baseCommit', report.baseCommit.slice(0, 12)))}
${row('jobs', `${fig('jobs.total', jobs.total, formatCount(jobs.total))}`)}
${row('succeeded', fig('jobs.succeeded', jobs.succeeded, formatCount(jobs.succeeded)))}
${row('failed', fig('jobs.failed', jobs.failed, formatCount(jobs.failed)))}
${row('skipped', fig('jobs.skipped', jobs.skipped, formatCount(jobs.skipped)))}
${row('cost', fig('costUsd', report.costUsd, `${formatUsd(report.costUsd)}${budget}`))}
${row('duration', fig('durationMs', report.durationMs, formatDuration(report.durationMs)))}
${row('started', text('startedAt', report.startedAt))}
</table>`;
}

/** The per-model table, with a total row (the sums of `report.usage`; its cost is `report.costUsd`). */
export function modelsHtml(rows: ModelRow[], report: RunReport): string {
  if (!rows.length) return '<p class="none">No model calls (offline engine, or nothing to do).</p>';
  const body = rows.map(
    (r) =>
      `<tr data-model="${e(r.model)}"><td>${e(r.model)}</td>${fig(`model.requests`, r.requests, formatCount(r.requests))}` +
      `${fig('model.inputTokens', r.inputTokens, formatCount(r.inputTokens))}` +
      `${fig('model.cachedInputTokens', r.cachedInputTokens, formatCount(r.cachedInputTokens))}` +
      `${fig('model.outputTokens', r.outputTokens, formatCount(r.outputTokens))}${fig('model.costUsd', r.costUsd, formatUsd(r.costUsd))}</tr>`,
  );
  const sum = (k: keyof Omit<ModelRow, 'model'>) => rows.reduce((n, r) => n + r[k], 0);
  const total =
    `<tr class="total"><th>total</th>${fig('models.requests', sum('requests'), formatCount(sum('requests')))}` +
    `${fig('models.inputTokens', sum('inputTokens'), formatCount(sum('inputTokens')))}` +
    `${fig('models.cachedInputTokens', sum('cachedInputTokens'), formatCount(sum('cachedInputTokens')))}` +
    `${fig('models.outputTokens', sum('outputTokens'), formatCount(sum('outputTokens')))}` +
    `${fig('models.costUsd', report.costUsd, formatUsd(report.costUsd))}</tr>`;
  return `<table class="figures" id="table-models"><thead><tr><th>model</th><th>requests</th><th>input tokens</th>
<th>cached input</th><th>output tokens</th><th>cost</th></tr></thead><tbody>${body.join('\n')}</tbody><tfoot>${total}</tfoot></table>`;
}

/** The per-step table: each step's jobs and the tokens and cost of their items. */
export function stepsHtml(rows: StepRow[]): string {
  if (!rows.length) return '<p class="none">No steps.</p>';
  const body = rows.map(
    (r) =>
      `<tr data-step="${e(r.stepId)}"><td>${e(r.stepId)}</td><td>${e(r.kind)}</td><td>${e(r.model)}</td>` +
      `${fig('step.jobs', r.jobs, formatCount(r.jobs))}${fig('step.inputTokens', r.inputTokens, formatCount(r.inputTokens))}` +
      `${fig('step.outputTokens', r.outputTokens, formatCount(r.outputTokens))}${fig('step.costUsd', r.costUsd, formatUsd(r.costUsd))}</tr>`,
  );
  return `<table class="figures" id="table-steps"><thead><tr><th>step</th><th>kind</th><th>model</th><th>jobs</th>
<th>input tokens</th><th>output tokens</th><th>cost</th></tr></thead><tbody>${body.join('\n')}</tbody></table>
<p class="note">A step's cost is its jobs' share of the worker and verifier calls; the planner's call is in no step.</p>`;
}

/** The counts under the timeline: calls, throttled attempts (each retried as a new call), failures, replays. */
export function callsHtml(t: Timeline, report: RunReport): string {
  const c = t.counts;
  if (!report.calls) return '<p class="none">This report has no call timeline (written by an older version).</p>';
  const dropped = c.dropped
    ? `; ${fig('callsDropped', c.dropped, formatCount(c.dropped), 'span')} later calls not kept`
    : '';
  const throttling = Object.entries(report.throttling)
    .map(([m, v]) => `${e(m)}: ${formatCount(v.throttled)} × 429, concurrency down to ${v.minConcurrency}`)
    .join('; ');
  const limited = Object.values(report.throttling).reduce((n, v) => n + v.throttled, 0);
  // The client tells a 429 at most once a second per model (when it halves concurrency); its count has every one.
  const unmarked =
    limited > c.throttled
      ? ` The timeline marks ${formatCount(c.throttled)} of them: a model's 429s within one second of the last show as one.`
      : '';
  return `<p class="counts">${fig('calls', c.calls, formatCount(c.calls), 'span')} attempts:
${fig('calls.ok', c.ok, formatCount(c.ok), 'span')} answered,
${fig('calls.throttled', c.throttled, formatCount(c.throttled), 'span')} throttled (429, retried),
${fig('calls.error', c.error, formatCount(c.error), 'span')} failed,
${fig('calls.replayed', c.replayed, formatCount(c.replayed), 'span')} replayed from the journal; peak
${fig('calls.peak', t.peak, formatCount(t.peak), 'span')} in flight${dropped}.</p>
${throttling ? `<p class="note">Rate limiting: ${throttling}.${unmarked}</p>` : ''}`;
}

/** The jobs table: one row per job, its diff in a collapsed `<details>` under it. */
export function jobsHtml(items: readonly ReportItem[]): string {
  if (!items.length) return '<p class="none">No jobs.</p>';
  const rows = items.map((i) => {
    const reason = i.error ?? (i.attempts.find((a) => a.rejected)?.rejected || '');
    const diff = i.diff ? `<details><summary>diff</summary><pre class="diff">${diffHtml(i.diff)}</pre></details>` : '';
    return (
      `<tr class="job ${e(i.status)}"><td>${e(i.file)}</td><td>${e(i.symbol)}</td><td>${e(i.kind)}</td>` +
      `<td class="status ${e(i.status)}">${e(i.status)}${i.unchanged ? ' (unchanged)' : ''}</td><td>${e(i.model ?? '')}</td>` +
      `${fig('item.inputTokens', i.tokens.input, formatCount(i.tokens.input))}${fig('item.costUsd', i.costUsd, formatUsd(i.costUsd))}` +
      `<td>${e(i.verdict ?? '')}</td><td>${e(reason)}${diff}</td></tr>`
    );
  });
  return `<table class="jobs" id="table-jobs"><thead><tr><th>file</th><th>symbol</th><th>kind</th><th>status</th><th>model</th>
<th>input tokens</th><th>cost</th><th>verdict</th><th>reason / diff</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}

/** A unified diff, escaped, its added and removed lines marked for colour. */
function diffHtml(diff: string): string {
  return diff
    .split('\n')
    .map((l) => {
      const cls =
        l.startsWith('+++') || l.startsWith('---')
          ? 'h'
          : l[0] === '+'
            ? 'a'
            : l[0] === '-'
              ? 'd'
              : l[0] === '@'
                ? 'h'
                : '';
      return cls ? `<span class="${cls}">${e(l)}</span>` : e(l);
    })
    .join('\n');
}
