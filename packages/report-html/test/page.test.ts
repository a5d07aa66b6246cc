// The report page: self-contained (no URL fetched, strict CSP), model and repository text escaped, the chart data
// JSON unable to close its script element, the figures as report.json holds them, and its size on a 5,000-job run.
import { describe, expect, it } from 'vitest';
import type { CallSpan, ReportItem, RunReport } from '@orchestrate/core';
import {
  escapeHtml,
  inputHistogram,
  jsonForScript,
  renderReportHtml,
  REPORT_CSP,
  stepRows,
  timeline,
} from '../src/index.js';

const HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)>\u2028&amp;';

function item(i: number, over: Partial<ReportItem> = {}): ReportItem {
  return {
    id: `j${i}`,
    stepId: 'step-1',
    kind: 'docstring',
    file: `src/f${i % 50}.ts`,
    symbol: `fn${i}`,
    status: 'succeeded',
    model: 'gpt-5.4-nano',
    tokens: { input: 500 + (i % 300), cachedInput: 0, output: 40 },
    costUsd: 0.0001,
    error: null,
    verdict: null,
    attempts: [{ model: 'gpt-5.4-nano', rejected: null }],
    diff:
      `--- a/src/f${i % 50}.ts\n+++ b/src/f${i % 50}.ts\n@@ -10,6 +10,9 @@\n line\n line\n line\n` +
      `+/**\n+ * Returns the value of fn${i}, scaled by its factor.\n+ */\n export function fn${i}(v: number): number {\n line\n line\n`,
    ...over,
  };
}

function report(items: ReportItem[], calls: CallSpan[] = []): RunReport {
  return {
    id: 'r1',
    task: HOSTILE,
    engine: 'openai',
    status: 'completed',
    repo: '/repo',
    baseCommit: 'a'.repeat(40),
    branch: 'orchestrate/r1',
    worktree: null,
    plan: {
      source: 'model',
      steps: [{ id: 'step-1', kind: 'docstring', variant: null, model: 'gpt-5.4-nano' } as never],
      warnings: [],
    },
    commits: [],
    jobs: { total: items.length, succeeded: items.length, failed: 0, skipped: 0 },
    usage: {
      'gpt-5.4-nano': { requests: 3, inputTokens: 100, cachedInputTokens: 0, outputTokens: 10, costUsd: 0.5 } as never,
    },
    costUsd: 0.5,
    budgetUsd: null,
    estimate: null,
    durationMs: 1234,
    batches: [],
    throttling: {},
    faults: {},
    metrics: { indexMs: 0, planMs: 0, workMs: 0, cpuMs: 0, peakRssMb: 0 },
    startedAt: '2026-01-01T00:00:00.000Z',
    items,
    annotations: [],
    warnings: [],
    calls,
    callsDropped: 0,
  };
}

function span(startMs: number, endMs: number, outcome: CallSpan['outcome'] = 'ok'): CallSpan {
  const tokens = { inputTokens: 10, cachedInputTokens: 0, outputTokens: 1 };
  return { model: 'gpt-5.4-nano', role: 'worker', startMs, endMs, jobs: 8, ...tokens, outcome };
}

describe('renderReportHtml', () => {
  it('escapes every text from the report and keeps its own three script elements only', () => {
    const html = renderReportHtml(report([item(1, { file: HOSTILE, symbol: HOSTILE, error: HOSTILE, diff: HOSTILE })]));
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>alert');
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).toContain(escapeHtml(HOSTILE));
  });

  it('is self-contained: a strict CSP and no URL to fetch', () => {
    const html = renderReportHtml(report([item(1)]));
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}">`);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/);
  });

  it('writes chart data as JSON that cannot close its element and parses back unchanged', () => {
    const value = { s: HOSTILE, n: [1, 2] };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('counts the calls in flight over time with throttled and failed attempts marked', () => {
    const t = timeline([span(0, 100), span(50, 80, 'throttled'), span(80, 200), span(90, 95, 'error')]);
    expect(t.t).toEqual([0, 0.05, 0.08, 0.09, 0.095, 0.1, 0.2]);
    expect(t.inFlight).toEqual([1, 2, 2, 3, 2, 1, 0]);
    expect(t.throttled[2]).toBe(2);
    expect(t.errors[4]).toBe(3);
    expect(t.peak).toBe(3);
    expect(t.counts).toMatchObject({ calls: 4, ok: 2, throttled: 1, error: 1 });
  });

  it('sums each step from its items and bins input tokens over the jobs range', () => {
    const items = [item(0), item(1, { costUsd: 0.25 }), item(2, { stepId: 'step-2' })];
    const rows = stepRows(report(items));
    expect(rows.map((r) => [r.stepId, r.jobs, r.costUsd])).toEqual([
      ['step-1', 2, 0.2501],
      ['step-2', 1, 0.0001],
    ]);
    const h = inputHistogram(report(items));
    expect(h.jobs.reduce((a, b) => a + b, 0)).toBe(3);
    expect(h.from[0]).toBe(500);
  });

  it('stays reasonable for 5,000 jobs with diffs and 1,000 calls (the size is what the page holds)', () => {
    const items = Array.from({ length: 5000 }, (_, i) => item(i));
    const calls = Array.from({ length: 1000 }, (_, i) => span(i * 20, i * 20 + 900, i % 97 === 0 ? 'throttled' : 'ok'));
    const r = report(items, calls);
    const html = renderReportHtml(r);
    const json = JSON.stringify(r, null, 2);
    // Measured: report.json 3.7 MB (2.4 MB of it without diffs and calls), report.html 3.6 MB (uPlot's 53 KB once).
    expect(json.length).toBeLessThan(6_000_000);
    expect(html.length).toBeLessThan(5_000_000);
  });
});
