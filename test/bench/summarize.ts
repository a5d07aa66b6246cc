// One scenario's row of the bench from what was measured: the CLI's report, the fake server's log and what its handler
// recorded per request, scheduled against the ideal at the run's concurrency.
import { DEFAULTS } from '@orchestrate/core';
import type { FakeServer } from '../fake/openai-server.js';
import type { ServedMeta } from './answers.js';
import { economyOf } from './economy.js';
import type { Measured } from './measure.js';
import type { ScenarioDef } from './options.js';
import type { BenchResult } from './report.js';
import { dist } from './repo-util.js';
import { idealWallMs, listSchedule, phases, type SimCall } from './simulate.js';

/** USD at list price (cached input billed as input). */
function listUsd(model: string, u: { inputTokens: number; outputTokens: number }): number {
  const prices = DEFAULTS.prices as Record<string, { input: number; output: number }>;
  const p = prices[model];
  if (!p) return NaN;
  return (u.inputTokens * p.input + u.outputTokens * p.output) / 1e6;
}

/** The CLI's JSON report from its stdout (null: none or not JSON). */
export function parseJson(stdout: string): Record<string, any> | null {
  try {
    return stdout.trim() ? (JSON.parse(stdout) as Record<string, any>) : null;
  } catch {
    return null;
  }
}

/** The row of one scenario's run (at the CLI's `--concurrency concurrency`). */
export function summarize(
  def: ScenarioDef,
  m: Measured,
  report: Record<string, any> | null,
  server: FakeServer | null,
  meta: Map<number, ServedMeta>,
  concurrency: number,
): BenchResult {
  const jobs: number = report?.jobs?.total ?? 0;
  const succeeded: number = report?.jobs?.succeeded ?? 0;
  const reportUsage = (report?.usage ?? {}) as BenchResult['usage'];
  const callsByModel = Object.fromEntries(Object.entries(reportUsage).map(([model, u]) => [model, u.requests]));
  const calls = Object.values(callsByModel).reduce((a, b) => a + b, 0);
  const totalInputTokens = Object.values(reportUsage).reduce((n, u) => n + u.inputTokens, 0);

  // The served requests in arrival order, with their latency and what the handler recorded.
  const served = (server?.log ?? [])
    .map((e, n) => ({ e, meta: meta.get(n) }))
    .filter(
      (x): x is { e: (typeof x)['e']; meta: ServedMeta } =>
        x.e.status === 200 && x.e.timing !== undefined && x.meta !== undefined,
    )
    .sort((a, b) => a.e.timing!.receivedMs - b.e.timing!.receivedMs);
  const simCalls: SimCall[] = served.map((x) => ({
    role: x.meta.role,
    latencyMs: x.e.timing!.latencyMs,
    receivedMs: x.e.timing!.receivedMs,
    sentMs: x.e.timing!.sentMs,
  }));
  const ideal = server && simCalls.length ? Math.round(idealWallMs(simCalls, concurrency)) : null;

  const perJobIn: number[] = [];
  const perJobOut: number[] = [];
  let instr = 0;
  let input = 0;
  for (const { meta: s } of served) {
    instr += s.instructionTokens;
    input += s.inputTokens;
    if (s.role !== 'worker') continue;
    for (let i = 0; i < s.items; i++) {
      perJobIn.push(s.inputTokens / s.items);
      perJobOut.push(s.outputTokens / s.items);
    }
  }

  const firstPlanner = served.find((x) => x.meta.role === 'planner');
  const launchToPlannerMs = firstPlanner ? Math.round(firstPlanner.e.timing!.receivedMs - m.startedAt) : null;
  const launchToFirstCallMs = served[0] ? Math.round(served[0].e.timing!.receivedMs - m.startedAt) : null;

  const timeline: BenchResult['timeline'] = [];
  let k = 0;
  for (const p of phases(simCalls)) {
    const group = served.slice(k, k + p.latencies.length);
    k += p.latencies.length;
    timeline.push({
      role: p.role,
      calls: group.length,
      startMs: Math.round(Math.min(...group.map((g) => g.e.timing!.receivedMs)) - m.startedAt),
      endMs: Math.round(Math.max(...group.map((g) => g.e.timing!.sentMs)) - m.startedAt),
      idealMs: Math.round(listSchedule(p.latencies, concurrency)),
    });
  }

  let usd: Record<string, number> | null = null;
  if (server && succeeded > 0) {
    usd = {};
    let total = 0;
    for (const [model, u] of Object.entries(reportUsage)) {
      const v = (listUsd(model, u) / succeeded) * 1000;
      usd[model] = round(v, 4);
      total += v;
    }
    usd.total = round(total, 4);
  }

  const cpuMs = m.cpuMs ?? report?.metrics?.cpuMs ?? null;
  const indexLine = /indexed .* in (\d+) ms/.exec(m.stderr);
  const result: BenchResult = {
    name: def.name,
    scale: def.scale === true,
    concurrency,
    generatedMs: null,
    functions: def.functions,
    files: def.files,
    jobs,
    succeeded,
    calls,
    callsByModel,
    wallMs: Math.round(m.wallMs),
    idealWallMs: ideal,
    efficiency: ideal !== null ? round(ideal / m.wallMs, 3) : null,
    cpuMs,
    cpuMsPerJob: cpuMs !== null && jobs > 0 ? round(cpuMs / jobs, 2) : null,
    runCpuMsPerJob: report?.metrics?.cpuMs !== undefined && jobs > 0 ? round(report.metrics.cpuMs / jobs, 2) : null,
    cpuSource: m.cpuMs !== null ? 'time -v' : 'report metrics',
    inputTokensPerJob: dist(perJobIn),
    outputTokensPerJob: dist(perJobOut),
    instructionShare: input > 0 ? round(instr / input, 3) : null,
    usage: reportUsage,
    usdPer1000Jobs: usd,
    peakRssMb: m.peakRssMb ?? report?.metrics?.peakRssMb ?? null,
    indexMs: report?.metrics?.indexMs ?? (indexLine ? Number(indexLine[1]) : null),
    runMs: report?.durationMs ?? null,
    totalInputTokens,
    exitCode: m.exitCode,
    status: report?.status ?? report?.error?.code ?? null,
    launchToPlannerMs,
    launchToFirstCallMs,
    cpuToPlannerMs: null,
    economy: server ? economyOf(served.map((x) => x.meta)) : null,
    acceptance: jobs > 0 ? round(succeeded / jobs, 4) : null,
    escalateShare: 0,
    planning: 'auto',
    timeline,
  };
  if (!report || report.error || m.exitCode > 1) {
    result.error = `exit ${m.exitCode}${report?.error ? `: ${report.error.code} ${report.error.message}` : ''}\n${m.stderr.split('\n').slice(-15).join('\n')}`;
  }
  return result;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
