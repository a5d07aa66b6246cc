// The one report of a merged sharded run: the shards' reports added up, with the merge's own commits and shards.
import type { FaultCounts, PricedUsage, ReportCommit, ReportItem, RunReport, ShardPlanFile } from '@orchestrate/core';
import type { LoadedBundle } from './merge-bundles.js';
import type { LeftOut } from './merge-apply.js';

/** A shard the merge could not put on the branch: missing, or failed (its status, or a patch that does not apply). */
export interface ShardProblem {
  index: number;
  jobs: number;
  reason: string;
}

/** What the merge knows when it writes its report. */
export interface MergeReportArgs {
  id: string;
  repo: string;
  branch: string | null;
  plan: ShardPlanFile;
  /** Every bundle read (their usage and cost are the run's, merged or not). */
  bundles: readonly LoadedBundle[];
  merged: readonly LoadedBundle[];
  problems: readonly ShardProblem[];
  commits: ReportCommit[];
  leftOut: readonly LeftOut[];
  warnings: string[];
  startedAt: Date;
}

/**
 * Builds the merged run's report: usage summed per model and cost over every bundle's report (a failed shard's calls
 * were paid too), the merged shards' items (a file the merge's gates left out fails its items), the merge's commits,
 * and `shards`. Status `completed-with-failures` when a shard is missing or failed or a job failed, else `completed`.
 */
export function mergeReport(args: MergeReportArgs): RunReport {
  const reports = args.bundles.map((b) => b.report).filter((r): r is RunReport => r !== null);
  const out = new Map(args.leftOut.map((l) => [`${l.stepId}\0${l.file}`, l]));
  const items: ReportItem[] = args.merged.flatMap((b) =>
    (b.report?.items ?? []).map((item) => {
      const left = out.get(`${item.stepId}\0${item.file}`);
      if (!left || item.status !== 'succeeded') return item;
      return { ...item, status: 'failed' as const, error: `left out by the merge's gate: ${left.reason}` };
    }),
  );
  const missingJobs = args.problems.reduce((n, p) => n + p.jobs, 0);
  const count = (status: string) => items.filter((i) => i.status === status).length;
  const unchanged = items.filter((i) => i.unchanged).length;
  const failed = count('failed');
  const complete = args.problems.length === 0 && failed === 0 && args.leftOut.length === 0;
  const metrics = { indexMs: 0, planMs: 0, workMs: 0, cpuMs: 0, peakRssMb: 0 };
  for (const r of reports) {
    metrics.indexMs = Math.max(metrics.indexMs, r.metrics.indexMs);
    metrics.workMs = Math.max(metrics.workMs, r.metrics.workMs);
    metrics.cpuMs += r.metrics.cpuMs;
    metrics.peakRssMb = Math.max(metrics.peakRssMb, r.metrics.peakRssMb);
  }
  const totalJobs = args.plan.shards.reduce((n, s) => n + s.jobs, 0);
  return {
    id: args.id,
    task: args.plan.task,
    engine: reports.some((r) => r.engine === 'openai') ? 'openai' : 'offline',
    status: complete ? 'completed' : 'completed-with-failures',
    repo: args.repo,
    baseCommit: args.plan.baseCommit,
    branch: args.branch,
    worktree: null,
    plan: { source: args.plan.plan.source, steps: args.plan.plan.steps, warnings: args.plan.plan.warnings },
    commits: args.commits,
    jobs: {
      total: Math.max(totalJobs, items.length + missingJobs),
      succeeded: count('succeeded'),
      failed,
      skipped: count('skipped') + missingJobs,
      ...(unchanged ? { unchanged } : {}),
    },
    usage: sumUsage(reports),
    costUsd: round(reports.reduce((n, r) => n + r.costUsd, 0)),
    budgetUsd: args.plan.budgetUsd,
    estimate: null,
    durationMs: Date.now() - args.startedAt.getTime(),
    batches: reports.flatMap((r) => r.batches),
    throttling: sumThrottling(reports),
    faults: sumFaults(reports),
    metrics,
    startedAt: args.startedAt.toISOString(),
    items,
    annotations: args.merged.flatMap((b) => b.report?.annotations ?? []),
    ...(args.plan.scope ? { scope: args.plan.scope } : {}),
    warnings: [...args.warnings, ...args.leftOut.map((l) => `${l.file} (shard ${l.shard}) left out: ${l.reason}`)],
    shards: {
      total: args.plan.shards.length,
      merged: args.merged.map((b) => b.manifest.shard.index),
      missing: [...args.problems],
    },
  };
}

/** Usage per model, summed over the reports. */
function sumUsage(reports: readonly RunReport[]): Record<string, PricedUsage> {
  const sum: Record<string, PricedUsage> = {};
  for (const r of reports) {
    for (const [model, u] of Object.entries(r.usage)) {
      const s = (sum[model] ??= { requests: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, costUsd: 0 });
      s.requests += u.requests;
      s.inputTokens += u.inputTokens;
      s.cachedInputTokens += u.cachedInputTokens;
      s.outputTokens += u.outputTokens;
      s.costUsd = round(s.costUsd + u.costUsd);
    }
  }
  return sum;
}

function sumThrottling(reports: readonly RunReport[]): RunReport['throttling'] {
  const sum: RunReport['throttling'] = {};
  for (const r of reports) {
    for (const [model, t] of Object.entries(r.throttling ?? {})) {
      const s = sum[model];
      sum[model] = s
        ? { throttled: s.throttled + t.throttled, minConcurrency: Math.min(s.minConcurrency, t.minConcurrency) }
        : { ...t };
    }
  }
  return sum;
}

function sumFaults(reports: readonly RunReport[]): FaultCounts {
  const sum: FaultCounts = {};
  for (const r of reports) {
    for (const [kind, n] of Object.entries(r.faults ?? {}) as [keyof FaultCounts, number][]) {
      sum[kind] = (sum[kind] ?? 0) + n;
    }
  }
  return sum;
}

/** Dollars to 1e-9, as the ledger keeps them (sums of floats otherwise drift in the last digits). */
function round(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}
