// The benchmark's result rows and how they are printed: the table and the targets, each PASS or FAIL.
import type { LatencyModel } from '../fake/latency.js';
import type { Economy } from './economy.js';
import type { Startup } from './startup.js';

/** Median and 95th percentile (nearest rank). */
export interface Dist {
  median: number;
  p95: number;
}

/** One row of the result (the JSON array holds one per scenario). */
export interface BenchResult {
  name: string;
  /** A scale scenario (`--scale`): checked by its own targets, no part of the CPU split. */
  scale: boolean;
  /** The CLI's --concurrency in this run. */
  concurrency: number;
  /** Generating and committing the synthetic repository, ms (outside every target; null: not measured). */
  generatedMs: number | null;
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
  /** From the CLI's spawn to the first planner request's arrival at the fake server (null: no planner call served). */
  launchToPlannerMs: number | null;
  /** Every run's launch-to-planner time when mathts-4 ran several times (`launchToPlannerMs` is then their median). */
  launchToPlannerRuns?: number[];
  /** CPU ms the CLI (and the git it had waited for) had used when that request arrived (null: no /proc). */
  cpuToPlannerMs: number | null;
  /** From the CLI's spawn to the arrival of its first model request of any role (null: none served). */
  launchToFirstCallMs: number | null;
  /** Billed tokens and USD per role, list and with prompt caching, from the served requests (null: no server). */
  economy: Economy | null;
  /** Share of the jobs committed (succeeded ÷ total). */
  acceptance: number | null;
  /** The share of worker items the bench's model escalated when offered. */
  escalateShare: number;
  /** The CLI's --planning in the measured run. */
  planning: 'auto' | 'model' | 'rules';
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
    ...['scenario', 'fns', 'files', 'jobs', 'calls', 'wall s', 'ideal s', 'eff', 'cpu ms/job', 'in tok/job med/p95'],
    ...['out tok/job med/p95', 'instr share', '$/1k jobs', 'RSS MB', 'index ms', 'planner ms', 'input tok'],
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
    fmt(r.launchToPlannerMs),
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

/** The start-up figures as a small table: median wall and CPU of each command, and its ratio to `node -e 0`. */
export function startupTable(s: Startup): string {
  const rows: Array<[string, Startup['nodeMs']]> = [
    ['node -e 0', s.nodeMs],
    ['orchestrate --version', s.versionMs],
    ['orchestrate --help', s.helpMs],
  ];
  const lines = rows.map(([name, f]) => {
    const ratio = fmt(f.wallMs / s.nodeMs.wallMs, 2);
    return `| ${name.padEnd(21)} | ${fmt(f.wallMs).padStart(7)} | ${fmt(f.cpuMs).padStart(6)} | ${ratio.padStart(12)} |`;
  });
  const head = `| command (median of ${s.nodeMs.runs}) | wall ms | cpu ms | × node -e 0 |`;
  return [head, '|-----------------------|--------:|-------:|-------------:|', ...lines].join('\n');
}

/** The targets, each checked on the scenario it is defined for (or the largest docstrings scenario that ran). */
export function targets(rows: BenchResult[], opts: TargetSettings, startup: Startup | null = null): string[] {
  const by = (name: string) => rows.find((r) => r.name === name && !r.error);
  const docs =
    by('docstrings-1000') ??
    [...rows]
      .filter((r) => r.name.startsWith('docstrings-') && !r.escalateShare && !r.scale && !r.error)
      .sort((a, b) => b.functions - a.functions)[0];
  const verdict = (ok: boolean | null) => (ok === null ? 'NOT MEASURED' : ok ? 'PASS' : 'FAIL  <<<<<<');
  const out: string[] = [];
  const check = (label: string, figure: string, ok: boolean | null, where: string) =>
    out.push(`  ${verdict(ok).padEnd(13)} ${label}: ${figure}${where ? `  (${where})` : ''}`);
  const defaults =
    opts.concurrency === 32 && opts.latency.firstTokenMs === 1000 && opts.latency.tokensPerSecond === 150;
  const { firstTokenMs, tokensPerSecond } = opts.latency;
  const measuredAt = `${opts.concurrency}, ${firstTokenMs} ms, ${tokensPerSecond} tok/s`;
  const settings = defaults ? '' : `measured at concurrency ${measuredAt}`;
  for (const [name, jobs, least] of [
    ['docstrings-1000', '1,000', 0.92],
    ['docstrings-100', '100', 0.88],
  ] as const) {
    const r = by(name);
    check(
      `efficiency ≥ ${least} at concurrency 32, ${jobs} jobs, 1 s first token, 150 tok/s`,
      r ? fmt(r.efficiency, 3) : '–',
      r && r.efficiency !== null ? r.efficiency >= least : null,
      r ? settings : '',
    );
  }
  const split = cpuSplit(rows);
  const splitFrom = split ? `from ${split.from} and ${split.to}` : 'needs two docstrings scenarios';
  const perJob = split ? `${fmt(split.perJobMs, 2)} ms` : '–';
  check('marginal orchestrator CPU ≤ 1.5 ms per further job', perJob, split ? split.perJobMs <= 1.5 : null, splitFrom);
  const fixed = split ? `${fmt(split.fixedMs)} ms` : '–';
  check('fixed CPU per run ≤ 0.8 s', fixed, split ? split.fixedMs <= 800 : null, splitFrom);
  const ratio = (f: Startup['versionMs'] | undefined) => (startup && f ? f.wallMs / startup.nodeMs.wallMs : null);
  for (const [label, f] of [
    ['--version', startup?.versionMs],
    ['--help', startup?.helpMs],
  ] as const) {
    const x = ratio(f);
    check(
      `orchestrate ${label} within 2× a bare node -e 0 (wall, median)`,
      startup && f ? `${f.wallMs} ms = ${fmt(x, 2)}× ${startup.nodeMs.wallMs} ms` : '–',
      x !== null ? x <= 2 : null,
      '',
    );
  }
  const math = by('mathts-4');
  const nodeHere = startup ? `; node -e 0 here: ${startup.nodeMs.wallMs} ms` : '';
  check(
    "launch to the planner's request at the server ≤ 300 ms (--planning model)",
    math?.launchToPlannerMs != null
      ? `${math.launchToPlannerMs} ms (CPU by then ${fmt(math.cpuToPlannerMs)} ms${nodeHere})`
      : '–',
    math?.launchToPlannerMs != null ? math.launchToPlannerMs <= 300 : null,
    math
      ? `mathts-4: spawn to arrival${math.launchToPlannerRuns && math.launchToPlannerRuns.length > 1 ? `, median of ${math.launchToPlannerRuns.length} runs: ${[...math.launchToPlannerRuns].sort((a, b) => a - b).join(', ')} ms` : ''}`
      : '',
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
  if (docs) {
    const figure = `${fmt(docs.cpuMsPerJob, 2)} ms (in-run only: ${fmt(docs.runCpuMsPerJob, 2)})`;
    out.push(`  (figure)      orchestrator CPU per job on ${docs.name}: ${figure}`);
  }
  return out;
}

/**
 * The CPU of a docstrings run as a fixed part and a part per job, from the two largest docstrings scenarios that ran
 * (a straight line through them): what the whole-process figure per job is made of. Null with fewer than two such
 * scenarios.
 */
export function cpuSplit(rows: BenchResult[]): { from: string; to: string; perJobMs: number; fixedMs: number } | null {
  const docs = rows
    .filter(
      (r) =>
        r.name.startsWith('docstrings-') && !r.escalateShare && !r.scale && !r.error && r.cpuMs !== null && r.jobs > 0,
    )
    .sort((a, b) => a.jobs - b.jobs);
  if (docs.length < 2) return null;
  const [a, b] = docs.slice(-2) as [BenchResult, BenchResult];
  if (a.jobs === b.jobs) return null;
  const perJobMs = (b.cpuMs! - a.cpuMs!) / (b.jobs - a.jobs);
  return { from: a.name, to: b.name, perJobMs, fixedMs: a.cpuMs! - perJobMs * a.jobs };
}
