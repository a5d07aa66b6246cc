// The benchmark's result rows and how they are printed: the table and the targets, each PASS or FAIL.
import type { LatencyModel } from '../fake/latency.js';

/** Median and 95th percentile (nearest rank). */
export interface Dist {
  median: number;
  p95: number;
}

/** One row of the result (the JSON array holds one per scenario). */
export interface BenchResult {
  name: string;
  functions: number;
  files: number;
  /** Jobs the run expanded to (report.jobs.total). */
  jobs: number;
  succeeded: number;
  /** Model calls served (every model). */
  calls: number;
  callsByModel: Record<string, number>;
  wallMs: number;
  idealWallMs: number | null;
  efficiency: number | null;
  /** CPU of the CLI process tree (user + system), start-up included. */
  cpuMs: number | null;
  cpuMsPerJob: number | null;
  /** CPU the CLI measured itself from the start of the run (report metrics.cpuMs) ÷ jobs: start-up excluded. */
  runCpuMsPerJob: number | null;
  cpuSource: 'time -v' | 'report metrics';
  inputTokensPerJob: Dist | null;
  outputTokensPerJob: Dist | null;
  instructionShare: number | null;
  usage: Record<
    string,
    { requests: number; inputTokens: number; cachedInputTokens: number; outputTokens: number; costUsd: number }
  >;
  /** USD per 1,000 documented (succeeded) jobs at list prices, no cache discount. */
  usdPer1000Jobs: Record<string, number> | null;
  peakRssMb: number | null;
  indexMs: number | null;
  /** report.durationMs: the run inside the CLI (no process start-up). */
  runMs: number | null;
  totalInputTokens: number;
  exitCode: number;
  status: string | null;
  /** When each phase of model calls (a run of same-role calls) ran, ms from the CLI's spawn, and its list-scheduled ideal. */
  timeline: Array<{ role: string; calls: number; startMs: number; endMs: number; idealMs: number }>;
  error?: string;
}

/** What the target checks need to know of how the run was made. */
export interface TargetSettings {
  concurrency: number;
  latency: LatencyModel;
}

const fmt = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
export const secs = (ms: number | null | undefined) => (ms === null || ms === undefined ? '–' : (ms / 1000).toFixed(1));
const distText = (d: Dist | null) => (d ? `${fmt(d.median)}/${fmt(d.p95)}` : '–');

export function table(rows: BenchResult[]): string {
  const head = [
    'scenario',
    'fns',
    'files',
    'jobs',
    'calls',
    'wall s',
    'ideal s',
    'eff',
    'cpu ms/job',
    'in tok/job med/p95',
    'out tok/job med/p95',
    'instr share',
    '$/1k jobs',
    'RSS MB',
    'index ms',
    'input tok',
  ];
  const body = rows.map((r) => [
    r.name,
    String(r.functions),
    String(r.files),
    String(r.jobs),
    String(r.calls),
    secs(r.wallMs),
    secs(r.idealWallMs),
    fmt(r.efficiency, 2),
    fmt(r.cpuMsPerJob, 2),
    distText(r.inputTokensPerJob),
    distText(r.outputTokensPerJob),
    fmt(r.instructionShare, 2),
    r.usdPer1000Jobs ? fmt(r.usdPer1000Jobs.total, 3) : '–',
    fmt(r.peakRssMb),
    fmt(r.indexMs),
    r.totalInputTokens ? String(r.totalInputTokens) : '–',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [
    line(head),
    `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

/** The targets, each checked on the scenario it is defined for (or the largest docstrings scenario that ran). */
export function targets(rows: BenchResult[], opts: TargetSettings): string[] {
  const by = (name: string) => rows.find((r) => r.name === name && !r.error);
  const docs =
    by('docstrings-1000') ??
    [...rows].filter((r) => r.name.startsWith('docstrings-') && !r.error).sort((a, b) => b.functions - a.functions)[0];
  const on = (r: BenchResult | undefined, wanted: string) =>
    r ? (r.name === wanted ? r.name : `${r.name}; the target is for ${wanted}`) : '';
  const verdict = (ok: boolean | null) => (ok === null ? 'NOT MEASURED' : ok ? 'PASS' : 'FAIL  <<<<<<');
  const out: string[] = [];
  const check = (label: string, figure: string, ok: boolean | null, where: string) =>
    out.push(`  ${verdict(ok).padEnd(13)} ${label}: ${figure}${where ? `  (${where})` : ''}`);
  const defaults =
    opts.concurrency === 32 && opts.latency.firstTokenMs === 1000 && opts.latency.tokensPerSecond === 150;
  check(
    'efficiency ≥ 0.85 at concurrency 32, 1,000 jobs, 1 s first token, 150 tok/s',
    docs ? fmt(docs.efficiency, 3) : '–',
    docs && docs.efficiency !== null ? docs.efficiency >= 0.85 : null,
    [
      on(docs, 'docstrings-1000'),
      defaults
        ? ''
        : `measured at concurrency ${opts.concurrency}, ${opts.latency.firstTokenMs} ms, ${opts.latency.tokensPerSecond} tok/s`,
    ]
      .filter(Boolean)
      .join('; '),
  );
  check(
    'orchestrator CPU ≤ 2 ms/job',
    docs ? `${fmt(docs.cpuMsPerJob, 2)} ms/job (in-run only: ${fmt(docs.runCpuMsPerJob, 2)})` : '–',
    docs && docs.cpuMsPerJob !== null ? docs.cpuMsPerJob <= 2 : null,
    on(docs, 'docstrings-1000'),
  );
  check(
    '≤ $0.35 per 1,000 documented functions (list prices, no cache discount)',
    docs?.usdPer1000Jobs ? `$${fmt(docs.usdPer1000Jobs.total, 4)}` : '–',
    docs?.usdPer1000Jobs ? docs.usdPer1000Jobs.total! <= 0.35 : null,
    on(docs, 'docstrings-1000'),
  );
  const idx = by('index-2000-files');
  check(
    'index + expansion of 2,000 files ≤ 5 s (the dry run inside the CLI: report durationMs)',
    idx
      ? `${secs(idx.runMs)} s (index ${fmt(idx.indexMs)} ms; whole process with start-up ${secs(idx.wallMs)} s)`
      : '–',
    idx && idx.runMs !== null ? idx.runMs <= 5000 : null,
    '',
  );
  check(
    'peak RSS of that run ≤ 1 GB',
    idx ? `${fmt(idx.peakRssMb)} MB` : '–',
    idx && idx.peakRssMb !== null ? idx.peakRssMb <= 1024 : null,
    '',
  );
  const math = by('mathts-4');
  check(
    'math.ts task ≤ 3,500 input tokens in total',
    math ? `${math.totalInputTokens} tokens` : '–',
    math ? math.totalInputTokens <= 3500 : null,
    '',
  );
  const split = cpuSplit(rows);
  if (split)
    out.push(
      `  (figure)      CPU split from ${split.from} and ${split.to}: ${fmt(split.perJobMs, 2)} ms per further job, ${fmt(split.fixedMs)} ms a run besides`,
    );
  return out;
}

/**
 * The CPU of a docstrings run as a fixed part and a part per job, from the two largest docstrings scenarios that ran
 * (a straight line through them): what the whole-process figure per job is made of. Not a target; null with fewer
 * than two such scenarios.
 */
export function cpuSplit(rows: BenchResult[]): { from: string; to: string; perJobMs: number; fixedMs: number } | null {
  const docs = rows
    .filter((r) => r.name.startsWith('docstrings-') && !r.error && r.cpuMs !== null && r.jobs > 0)
    .sort((a, b) => a.jobs - b.jobs);
  if (docs.length < 2) return null;
  const [a, b] = docs.slice(-2) as [BenchResult, BenchResult];
  if (a.jobs === b.jobs) return null;
  const perJobMs = (b.cpuMs! - a.cpuMs!) / (b.jobs - a.jobs);
  return { from: a.name, to: b.name, perJobMs, fixedMs: a.cpuMs! - perJobMs * a.jobs };
}
