export { renderReportHtml, REPORT_CSP } from './page.js';
export { escapeHtml, jsonForScript } from './escape.js';
export { inputHistogram, modelRows, stepRows, timeline } from './figures.js';
export type { Histogram, ModelRow, StepRow, Timeline } from './figures.js';
export { formatCount, formatDuration, formatUsd } from './format.js';
