import type { Plan, ResolvedConfig, UsageLedger } from '@orchestrate/core';
import { BudgetExceededError, InterruptedError, ModelError, UnsupportedTaskError } from '@orchestrate/core';
import {
  CallFailed,
  offlineCapabilities,
  planOffline,
  plannerInput,
  rulesMapTask,
  plannerInstructionsFor,
  plannerOutputSchemaFor,
  type ModelClient,
  type PlannerOutput,
} from '@orchestrate/agents';
import { jobKind, KIND_PLANNING, type JobTarget, type KindContext } from '@orchestrate/jobs';
import { resolveCommit, type FileIndex } from '@orchestrate/repo';
import { matchesSomething, normalizePlan, resolvePlanRefs } from './plan-check.js';
import { repoSummary } from './repo-summary.js';
import { plannerModels, plannerPrompt } from './step-model.js';
import { checkTaskPaths } from './task-paths.js';
import { estimateTokens } from './tokens.js';

export { mergeDuplicateSteps, normalizePlan, resolvePlanRefs } from './plan-check.js';
export { checkTaskPaths, type TaskPathLookup } from './task-paths.js';

/** The planner's instructions, assembled from the kinds' declarations in the jobs registry. */
export const PLANNER_INSTRUCTIONS = plannerInstructionsFor(KIND_PLANNING);
/** The planner's output schema; its kind and variant enums come from the jobs registry. */
export const plannerOutputSchema = plannerOutputSchemaFor(KIND_PLANNING);

/**
 * Asks the planner (model or offline rules) for a plan and checks it against the repository. A task naming a path
 * the repository lacks stops before any call; with `root`, the plan's refs are asked of git and dropped when they name
 * no commit; a plan left with no step has nothing to do.
 */
export async function makePlan(args: {
  task: string;
  files: FileIndex[];
  config: ResolvedConfig;
  client: ModelClient | null;
  ledger: UsageLedger;
  /** The repository root; without it paths are checked against the index only and refs by their shape only. */
  root?: string;
  /** The commit the run works on. @default 'HEAD' */
  commit?: string;
  /** Every path of that commit, when the caller has them (else listed from git). */
  allPaths?: readonly string[];
  /** The run's abort: it cancels the planner's request, and the run ends with E_INTERRUPTED. */
  signal?: AbortSignal;
  /** The run's id, named in that error's resume hint. */
  runId?: string;
}): Promise<Plan> {
  const { task, files, client, root } = args;
  await checkTaskPaths(task, files, args);
  const planner = whoPlans(task, files, args.config, client);
  const out =
    planner === 'model' && client
      ? await askPlanner(args, client)
      : planner === 'rules'
        ? rulesAnswer(task, files)
        : offlineAnswer(task, files);
  const source = planner === 'model' ? args.config.models.planner : planner;
  const plan = normalizePlan(out, task, files, source, plannerModels(args.config));
  if (root) await resolvePlanRefs(plan, task, (ref) => isCommit(root, ref));
  if (plan.steps.length === 0) {
    throw new UnsupportedTaskError(
      'E_NOTHING_TO_DO',
      `Nothing to do: every step of the plan named something the repository does not have:\n${plan.warnings.map((w) => `  - ${w}`).join('\n')}\nName files, directories or declarations the repository has.`,
    );
  }
  return plan;
}

/**
 * Who plans the task: the offline engine (no client) its rules; `planning: 'rules'` the rules; `model` the planner
 * model; `auto` the rules when they map the task with nothing left for a model to read (no planner call, no planner
 * latency), else the model.
 */
export function whoPlans(
  task: string,
  files: FileIndex[],
  config: Pick<ResolvedConfig, 'planning'>,
  client: ModelClient | null,
): 'offline' | 'rules' | 'model' {
  if (!client) return 'offline';
  if (config.planning !== 'auto') return config.planning;
  const known = (p: string) => matchesSomething(files, p);
  return rulesMapTask(task, known, KIND_PLANNING).mapped ? 'rules' : 'model';
}

/** The rules' plan with a model at hand (`planning: 'rules'`, or `auto` when they map the task). */
function rulesAnswer(task: string, files: FileIndex[]): PlannerOutput {
  const out = planOffline(task, (p) => matchesSomething(files, p), KIND_PLANNING);
  if (out.steps.length === 0) {
    throw new UnsupportedTaskError(
      'E_OFFLINE_UNSUPPORTED',
      `The planning rules cannot map this task (${out.unsupported}), and planning is set to \`rules\`. They can:\n` +
        offlineCapabilities(KIND_PLANNING)
          .map((c) => `  - ${c}`)
          .join('\n') +
        '\nTo have the planner model plan it, run with --planning model (or auto), or set planning in agents.config.ts.',
    );
  }
  return out;
}

function offlineAnswer(task: string, files: FileIndex[]): PlannerOutput {
  const out = planOffline(task, (p) => matchesSomething(files, p), KIND_PLANNING);
  if (out.steps.length === 0) {
    throw new UnsupportedTaskError(
      'E_OFFLINE_UNSUPPORTED',
      `The offline engine cannot do this task (${out.unsupported}). It is rule-based and can:\n` +
        offlineCapabilities(KIND_PLANNING)
          .map((c) => `  - ${c}`)
          .join('\n') +
        '\nFor anything else, enable a model: set OPENAI_API_KEY (or OPENAI_BASE_URL / api.baseURL for a compatible server) and run with --engine openai.',
    );
  }
  return out;
}

/** The error of a run aborted before or during its planner call: its journal resumes it, so the message says how. */
function abortedPlanning(runId: string | undefined): InterruptedError {
  const resume = runId ? `\`orchestrate resume ${runId}\`` : '`orchestrate resume`';
  return new InterruptedError(
    `The run was aborted while its planner was answering: nothing was worked or committed. ${resume} plans it again.`,
  );
}

async function askPlanner(
  args: {
    task: string;
    files: FileIndex[];
    config: ResolvedConfig;
    ledger: UsageLedger;
    signal?: AbortSignal;
    runId?: string;
  },
  client: ModelClient,
): Promise<PlannerOutput> {
  const { task, files, config, ledger, signal } = args;
  if (signal?.aborted) throw abortedPlanning(args.runId);
  const input = plannerInput(task, repoSummary(files));
  const model = config.models.planner;
  const maxOut = config.maxOutputTokens.planner;
  // UTF-8 bytes bound o200k tokens from above: the exact count, which builds the tokenizer (~0.1 s before the planner's
  // request could leave), is made only when that bound does not fit the budget.
  const prompt = plannerPrompt(config, { instructions: PLANNER_INSTRUCTIONS, schema: plannerOutputSchema });
  const text = prompt.instructions + input;
  let reservation = ledger.reserve(model, Buffer.byteLength(text, 'utf8') + 400, maxOut);
  if (!reservation) {
    const inputTokens = estimateTokens(text) + 400;
    reservation = ledger.reserve(model, inputTokens, maxOut);
    if (!reservation) {
      const worst = ledger.worstCase(model, inputTokens, maxOut).toFixed(4);
      throw new BudgetExceededError(
        `The budget ($${config.budgetUsd}) does not cover the planner call (worst case $${worst}). Raise --budget.`,
      );
    }
  }
  try {
    const result = await client.call({
      role: 'planner',
      model,
      instructions: prompt.instructions,
      input,
      schema: prompt.schema,
      maxOutputTokens: maxOut,
      cacheKey: 'orchestrate-planner-v1',
      ...(signal && { signal }),
    });
    ledger.record(model, result.usage);
    if (result.output.steps.length === 0) {
      throw new UnsupportedTaskError(
        'E_NOTHING_TO_DO',
        `The planner found no job for this task${result.output.unsupported ? `: ${result.output.unsupported}` : ''}. ` +
          `orchestrate's job kinds: ${kindSummaries()}.`,
      );
    }
    return result.output;
  } catch (err) {
    if (err instanceof CallFailed) {
      ledger.record(model, err.usage);
      // An abort is the run's, not a fault of the planner (the client reports it as a failed call).
      if (signal?.aborted) throw abortedPlanning(args.runId);
      throw new ModelError(`The planner call failed: ${err.message}`);
    }
    throw err;
  } finally {
    ledger.release(reservation);
  }
}

/** "a, b, and c": what the kinds do, for messages that name them all. */
function kindSummaries(): string {
  const all = KIND_PLANNING.map((k) => k.summary);
  return all.length > 1 ? `${all.slice(0, -1).join(', ')}, and ${all.at(-1)}` : (all[0] ?? '');
}

/** Whether a ref names a commit (a leading dash was refused before, so git never reads it as an option). */
async function isCommit(root: string, ref: string): Promise<boolean> {
  return (await resolveCommit(root, ref)) !== null;
}

/** Expands plan steps into jobs, deterministically; a target claimed by an earlier step of the same work is not repeated. */
export function expandPlan(plan: Plan, ctx: KindContext): JobTarget[] {
  const claimed = new Set<string>();
  const out: JobTarget[] = [];
  for (const step of plan.steps) {
    for (const target of jobKind(step.kind).select(step, ctx)) {
      const key = `${step.kind}:${step.variant}:${target.job.id.slice(step.id.length)}`;
      if (claimed.has(key)) continue;
      claimed.add(key);
      out.push(target);
    }
  }
  return out;
}
