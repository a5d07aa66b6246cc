import type { FaultCounts, PlanStep, RunReport, UsageLedger } from '@orchestrate/core';
import type { ModelClient } from '@orchestrate/agents';
import { capAnnotations, dedupeAnnotations, formatPlanNote } from '@orchestrate/jobs';
import type { JobState } from '../job/state.js';
import { redactionWarnings } from '../redacting-client.js';
import { reportItem } from '../job/item.js';
import { escalationCounts } from '../job/escalation.js';

/** Phase times plus this process's CPU time since the run started and its peak resident memory. */
function processMetrics(
  timing: { indexMs: number; planMs: number; workMs: number },
  cpuAtStart: NodeJS.CpuUsage,
): RunReport['metrics'] {
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    ...timing,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** The run's report from its state: jobs, usage and cost, metrics, faults, annotations, warnings. */
export function buildReport(
  args: Pick<
    RunReport,
    | 'id'
    | 'task'
    | 'engine'
    | 'status'
    | 'repo'
    | 'baseCommit'
    | 'branch'
    | 'worktree'
    | 'plan'
    | 'estimate'
    | 'warnings'
    | 'commits'
    | 'batches'
    | 'startedAt'
  > & {
    states: JobState[];
    ledger: UsageLedger;
    /** `models.worker` names the model of each step that does not name its own (runs with a model only). */
    config: { budgetUsd?: number | undefined; models?: { worker: string } };
    maxAnnotations: number;
    started: number;
    timing: { indexMs: number; planMs: number; workMs: number };
    cpuAtStart: NodeJS.CpuUsage;
    client: ModelClient | null;
  },
): RunReport {
  const items = args.states.map(reportItem);
  const count = (status: string) => items.filter((i) => i.status === status).length;
  const unchanged = items.filter((i) => i.unchanged).length;
  // What a step's tool decided when it expanded (which formatter, which derived options): part of the plan.
  const notes = args.plan.steps.map(formatPlanNote).filter((n): n is string => n !== null);
  const planWarnings = [...args.plan.warnings, ...notes.filter((n) => !args.plan.warnings.includes(n))];
  const found = dedupeAnnotations(
    args.states.filter((s) => s.status === 'succeeded').flatMap((s) => s.outcome?.annotations ?? []),
  );
  const annotations = capAnnotations(found, args.maxAnnotations);
  // A cut never passes silently: the report (and every summary of it) says how many findings were not kept.
  const cut =
    found.length > annotations.length
      ? [
          `${found.length - annotations.length} more findings were not kept: a run keeps its ${annotations.length} ` +
            'most serious (errors first); raise `maxAnnotations` in agents.config.ts to keep more',
        ]
      : [];
  return {
    id: args.id,
    task: args.task,
    engine: args.engine,
    status: args.status,
    repo: args.repo,
    baseCommit: args.baseCommit,
    branch: args.branch,
    worktree: args.worktree,
    plan: { source: args.plan.source, steps: withStepModels(args), warnings: planWarnings },
    commits: args.commits,
    jobs: {
      total: items.length,
      succeeded: count('succeeded'),
      failed: count('failed'),
      skipped: count('skipped'),
      ...(unchanged ? { unchanged } : {}),
    },
    usage: args.ledger.byModel(),
    costUsd: args.ledger.spentUsd(),
    budgetUsd: args.config.budgetUsd ?? null,
    estimate: args.estimate,
    durationMs: Date.now() - args.started,
    metrics: processMetrics(args.timing, args.cpuAtStart),
    throttling: args.client?.throttling?.() ?? {},
    faults: withItemFaults(args.client?.faults?.() ?? {}, args.states),
    ...withEscalations(args.states),
    batches: args.batches,
    startedAt: args.startedAt,
    items,
    annotations,
    warnings: [
      ...args.warnings,
      ...notes.filter((n) => !args.warnings.includes(n)),
      ...cut,
      ...redactionWarnings(args.client),
    ],
  };
}

/** The plan's steps as the report shows them: on the openai engine each names its worker model (`models.worker` unless set). */
function withStepModels(args: {
  engine: RunReport['engine'];
  plan: RunReport['plan'];
  config: { models?: { worker: string } };
}): PlanStep[] {
  const worker = args.config.models?.worker;
  if (args.engine !== 'openai' || !worker) return args.plan.steps;
  return args.plan.steps.map((step) => (step.model ? step : { ...step, model: worker }));
}

/** The report's `escalations`, present only when a worker asked to escalate a job. */
function withEscalations(states: JobState[]): Pick<RunReport, 'escalations'> {
  const escalations = escalationCounts(states);
  return escalations ? { escalations } : {};
}

/** The client's fault counts plus the packed items this engine refused on their own (the client saw a good call). */
function withItemFaults(faults: FaultCounts, states: JobState[]): FaultCounts {
  const out = { ...faults };
  for (const s of states) for (const a of s.attempts) if (a.fault) out[a.fault] = (out[a.fault] ?? 0) + 1;
  return out;
}
