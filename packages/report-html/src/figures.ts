import type { CallSpan, RunReport } from '@orchestrate/core';

/** One model's line: its usage as `report.usage` holds it (the figures the run's summary prints). */
export interface ModelRow {
  model: string;
  requests: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** One step's line: its jobs' tokens and cost summed from `report.items` (the planner's call belongs to no step). */
export interface StepRow {
  stepId: string;
  kind: string;
  model: string;
  jobs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** The report's calls as charts read them: concurrency after each change, and the throttled and failed attempts. */
export interface Timeline {
  /** Seconds since the run started, ascending. */
  t: number[];
  /** Calls in flight from `t[i]` on. */
  inFlight: number[];
  /** At a throttled attempt's end: the calls in flight; else null. */
  throttled: (number | null)[];
  /** At a failed call's end: the calls in flight; else null. */
  errors: (number | null)[];
  counts: { calls: number; ok: number; throttled: number; error: number; replayed: number; dropped: number };
  peak: number;
}

/** Input tokens per job in equal-width bins. */
export interface Histogram {
  /** Each bin's lower bound (tokens); the last bin includes `max`. */
  from: number[];
  width: number;
  jobs: number[];
}

/** The models' lines, in the report's order. */
export function modelRows(report: RunReport): ModelRow[] {
  return Object.entries(report.usage).map(([model, u]) => ({
    model,
    requests: u.requests,
    inputTokens: u.inputTokens,
    cachedInputTokens: u.cachedInputTokens,
    outputTokens: u.outputTokens,
    costUsd: u.costUsd,
  }));
}

/** The steps' lines, in plan order; a step's cost is the sum of its items' `costUsd`. */
export function stepRows(report: RunReport): StepRow[] {
  const rows = new Map<string, StepRow>();
  for (const s of report.plan.steps) {
    const kind = s.variant ? `${s.kind}/${s.variant}` : s.kind;
    rows.set(s.id, { stepId: s.id, kind, model: s.model ?? '', jobs: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
  }
  for (const i of report.items) {
    let row = rows.get(i.stepId);
    if (!row)
      rows.set(
        i.stepId,
        (row = { stepId: i.stepId, kind: i.kind, model: '', jobs: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 }),
      );
    row.jobs++;
    row.inputTokens += i.tokens.input;
    row.outputTokens += i.tokens.output;
    row.costUsd += i.costUsd;
  }
  return [...rows.values()];
}

/** The concurrency step series of the calls, with the throttled and failed attempts marked where they ended. */
export function timeline(calls: readonly CallSpan[], dropped = 0): Timeline {
  const deltas = new Map<number, { d: number; throttled: boolean; error: boolean }>();
  const at = (ms: number) => {
    let e = deltas.get(ms);
    if (!e) deltas.set(ms, (e = { d: 0, throttled: false, error: false }));
    return e;
  };
  const counts = { calls: calls.length, ok: 0, throttled: 0, error: 0, replayed: 0, dropped };
  for (const c of calls) {
    counts[c.outcome]++;
    at(c.startMs).d++;
    const end = at(Math.max(c.endMs, c.startMs));
    end.d--;
    if (c.outcome === 'throttled') end.throttled = true;
    if (c.outcome === 'error') end.error = true;
  }
  const out: Timeline = { t: [], inFlight: [], throttled: [], errors: [], counts, peak: 0 };
  let n = 0;
  for (const ms of [...deltas.keys()].sort((a, b) => a - b)) {
    const e = deltas.get(ms)!;
    // A mark shows the calls in flight just before the attempt ended (it was one of them).
    const before = n;
    n += e.d;
    out.t.push(ms / 1000);
    out.inFlight.push(n);
    out.throttled.push(e.throttled ? before : null);
    out.errors.push(e.error ? before : null);
    out.peak = Math.max(out.peak, n);
  }
  return out;
}

/** Input tokens per job in at most `bins` equal bins from the fewest to the most any job used. */
export function inputHistogram(report: RunReport, bins = 20): Histogram {
  const values = report.items.map((i) => i.tokens.input);
  if (!values.length) return { from: [], width: 1, jobs: [] };
  const min = values.reduce((m, v) => Math.min(m, v), Infinity);
  const max = values.reduce((m, v) => Math.max(m, v), 0);
  const count = Math.max(1, Math.min(bins, max - min + 1));
  const width = Math.max(1, Math.ceil((max - min + 1) / count));
  const jobs = new Array<number>(count).fill(0);
  for (const v of values) jobs[Math.min(count - 1, Math.floor((v - min) / width))]!++;
  return { from: jobs.map((_, i) => min + i * width), width, jobs };
}
