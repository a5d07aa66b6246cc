import type { RunReport } from '@orchestrate/core';
import { CLIENT_SCRIPT } from './client.js';
import { escapeHtml as e, jsonForScript } from './escape.js';
import { inputHistogram, modelRows, stepRows, timeline } from './figures.js';
import { callsHtml, jobsHtml, modelsHtml, stepsHtml, summaryHtml } from './tables.js';
import { UPLOT_CSS, UPLOT_SCRIPT, UPLOT_VERSION } from './vendor/uplot.js';

/** The page's Content-Security-Policy: nothing is fetched; only the page's own inline script and styles run. */
export const REPORT_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `:root { --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --accent: #3b6ea5; --bg: #fff; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: var(--ink); background: var(--bg); margin: 0 auto; padding: 16px 24px 48px; max-width: 1200px; }
h1 { font-size: 20px; margin: 8px 0 12px; } h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
table { border-collapse: collapse; margin: 6px 0; } th, td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top; }
table.figures td, table.figures th, table.jobs td, table.jobs th { border-bottom: 1px solid var(--line); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tfoot th, tfoot td { font-weight: 600; }
.summary th { color: var(--muted); font-weight: normal; padding-right: 16px; } .summary td.num { text-align: left; }
.status.completed, .status.succeeded { color: #1a7f37; } .status.failed, .status.budget-exceeded, .status.interrupted { color: #c0392b; }
.status.skipped, .status.completed-with-failures { color: #9a6700; }
.note, .none, .counts { color: var(--muted); } .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
.chart { min-height: 40px; } table.jobs { width: 100%; font-size: 13px; } table.jobs td { word-break: break-word; }
pre.diff { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; background: #f6f8fa; padding: 8px; overflow-x: auto; max-width: 720px; }
pre.diff .a { color: #1a7f37; } pre.diff .d { color: #c0392b; } pre.diff .h { color: var(--muted); }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }`;

/**
 * The report of a run as one self-contained HTML page: summary; cost and tokens per model and per step (tables and
 * bar charts); the timeline of model calls (in flight over time, 429s and failures marked); input tokens per job; the
 * jobs with their diffs. Nothing is fetched: uPlot and the styles are inline, a strict CSP says so. Every text from
 * the report is escaped; the chart data is JSON that cannot close its script element.
 */
export function renderReportHtml(report: RunReport): string {
  const models = modelRows(report);
  const steps = stepRows(report);
  const t = timeline(report.calls ?? [], report.callsDropped ?? 0);
  const h = inputHistogram(report);
  const data = {
    models: { labels: models.map((m) => m.model), cost: models.map((m) => m.costUsd) },
    steps: { labels: steps.map((s) => s.stepId), cost: steps.map((s) => s.costUsd) },
    timeline: { t: t.t, inFlight: t.inFlight, throttled: t.throttled, errors: t.errors },
    histogram: { labels: h.from.map((f) => `${f}–${f + h.width - 1}`), jobs: h.jobs },
  };
  const chart = (id: string, label: string) =>
    `<div class="chart" id="${id}" role="img" aria-label="${e(label)}"></div>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(REPORT_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>orchestrate run ${e(report.id)}: ${e(report.status)}</title>
<style>${UPLOT_CSS}</style>
<style>${STYLE}</style>
</head>
<body>
<h1>orchestrate run ${e(report.id)}</h1>
<section id="summary">${summaryHtml(report)}</section>
<h2>Cost and tokens per model</h2>
<div class="charts">${modelsHtml(models, report)}${chart('chart-models', 'cost per model')}</div>
<h2>Cost and tokens per step</h2>
<div class="charts">${stepsHtml(steps)}${chart('chart-steps', 'cost per step')}</div>
<h2>Model calls over time</h2>
${callsHtml(t, report)}
${chart('chart-timeline', 'calls in flight over time')}
<h2>Input tokens per job</h2>
${chart('chart-tokens', 'jobs per input-token range')}
<h2>Jobs</h2>
${jobsHtml(report.items)}
<footer>Written by orchestrate from report.json; charts by uPlot ${e(UPLOT_VERSION)} (MIT), inlined.</footer>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${UPLOT_SCRIPT}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
