import type { Plan, PlanStep, ResolvedConfig, StepVariant, UsageLedger } from '@orchestrate/core';
import { BudgetExceededError, ModelError, UnsupportedTaskError } from '@orchestrate/core';
import {
  CallFailed,
  OFFLINE_CAPABILITIES,
  PLANNER_INSTRUCTIONS,
  pathsInTask,
  taskAsksToRewriteDocs,
  planOffline,
  plannerInput,
  plannerOutputSchema,
  type ModelClient,
  type PlannerOutput,
} from '@orchestrate/agents';
import { jobKind, pathMatcher, type JobTarget, type KindContext } from '@orchestrate/jobs';
import type { FileIndex } from '@orchestrate/repo';
import { repoSummary } from './repo-summary.js';
import { estimateTokens } from './tokens.js';

/** Whether a path or glob matches at least one indexed file. */
function matchesSomething(files: FileIndex[], p: string): boolean {
  const match = pathMatcher([p]);
  return files.some((f) => match(f.path));
}

/** Asks the planner (model or offline rules) for a plan and checks it against the repository. */
export async function makePlan(args: {
  task: string;
  files: FileIndex[];
  config: ResolvedConfig;
  client: ModelClient | null;
  ledger: UsageLedger;
}): Promise<Plan> {
  const { task, files, config, client, ledger } = args;
  const known = (p: string) => matchesSomething(files, p);
  if (!client) {
    const out = planOffline(task, known);
    if (out.steps.length === 0) {
      throw new UnsupportedTaskError(
        'E_OFFLINE_UNSUPPORTED',
        `The offline engine cannot do this task (${out.unsupported}). It is rule-based and can:\n` +
          OFFLINE_CAPABILITIES.map((c) => `  - ${c}`).join('\n') +
          '\nFor anything else, enable a model: set OPENAI_API_KEY (or OPENAI_BASE_URL / api.baseURL for a compatible server) and run with --engine openai.',
      );
    }
    const plan = normalizePlan(out, task, files, 'offline');
    // The rules keep only paths the repository has: say so when the task named others (a typo widens the run).
    const unknown = pathsInTask(task, () => true).filter((p) => !known(p) && (/\.[cm]?[jt]sx?$/.test(p) || (p.includes('/') && known(p.split('/')[0]!))));
    if (unknown.length) {
      plan.warnings.push(`ignored paths that match no file: ${unknown.join(', ')}${plan.steps.some((st) => st.selector.paths.length === 0) ? ' (using the whole repository)' : ''}`);
    }
    return plan;
  }
  const input = plannerInput(task, repoSummary(files));
  const model = config.models.planner;
  const maxOut = config.maxOutputTokens.planner;
  const reservation = ledger.reserve(model, estimateTokens(PLANNER_INSTRUCTIONS + input) + 400, maxOut);
  if (!reservation) {
    throw new BudgetExceededError(
      `The budget ($${config.budgetUsd}) does not cover the planner call (worst case $${ledger.worstCase(model, estimateTokens(PLANNER_INSTRUCTIONS + input) + 400, maxOut).toFixed(4)}). Raise --budget.`,
    );
  }
  try {
    const result = await client.call({
      role: 'planner',
      model,
      instructions: PLANNER_INSTRUCTIONS,
      input,
      schema: plannerOutputSchema,
      maxOutputTokens: maxOut,
      cacheKey: 'orchestrate-planner-v1',
    });
    ledger.record(model, result.usage);
    if (result.output.steps.length === 0) {
      throw new UnsupportedTaskError(
        'E_NOTHING_TO_DO',
        `The planner found no job for this task${result.output.unsupported ? `: ${result.output.unsupported}` : ''}. orchestrate's job kinds: docstrings, boilerplate (stub bodies, unit tests, type annotations), reformatting and conventions, review annotations, and custom bounded changes.`,
      );
    }
    return normalizePlan(result.output, task, files, model);
  } catch (err) {
    if (err instanceof CallFailed) {
      ledger.record(model, err.usage);
      throw new ModelError(`The planner call failed: ${err.message}`);
    }
    throw err;
  } finally {
    ledger.release(reservation);
  }
}

/**
 * Turns planner output into plan steps. Paths the repository does not have are dropped with a warning; when a step
 * named only such paths, the paths written in the task are used, else the whole repository.
 */
export function normalizePlan(out: PlannerOutput, task: string, files: FileIndex[], source: string): Plan {
  const warnings: string[] = [];
  const known = (p: string) => matchesSomething(files, p);
  const allNames = new Set(files.flatMap((f) => f.declarations.flatMap((d) => [d.symbol, d.symbol.split('.').pop() ?? ''])));
  const steps: PlanStep[] = out.steps.map((s, i) => {
    let paths = s.paths.filter((p) => p.trim() && p.trim() !== '.' && p.trim() !== '**');
    const unknown = paths.filter((p) => !known(p));
    if (unknown.length) warnings.push(`step-${i + 1}: ignored paths that match no file: ${unknown.join(', ')}`);
    paths = paths.filter(known);
    if (s.paths.length && paths.length === 0 && unknown.length) {
      paths = pathsInTask(task, known);
      warnings.push(`step-${i + 1}: using ${paths.length ? `the paths named in the task (${paths.join(', ')})` : 'the whole repository'}`);
    }
    let names = s.names.filter((n) => allNames.has(n));
    if (names.length < s.names.length) {
      warnings.push(`step-${i + 1}: ignored names not in the repository: ${s.names.filter((n) => !allNames.has(n)).join(', ')}`);
      if (names.length === 0) names = [];
    }
    const includeDocumented = s.includeDocumented && taskAsksToRewriteDocs(task);
    if (s.includeDocumented && !includeDocumented) warnings.push(`step-${i + 1}: existing docs are kept (the task does not ask to rewrite them)`);
    return {
      id: `step-${i + 1}`,
      kind: s.kind,
      variant: variantFor(s.kind, s.variant, task),
      selector: {
        paths,
        declarationKinds: [...new Set(s.declarationKinds)],
        names,
        exportedOnly: s.exportedOnly,
        missingDocsOnly: !includeDocumented,
        changedSince: s.changedSince?.trim() || null,
      },
      instructions: s.instructions.slice(0, 2_000),
    };
  });
  return { steps, source, warnings };
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

/** A valid variant for the kind: the planner's when it fits, else what the task's words say, else the kind's default. */
function variantFor(kind: PlanStep['kind'], variant: StepVariant | null, task: string): StepVariant | null {
  const allowed: Partial<Record<PlanStep['kind'], StepVariant[]>> = {
    boilerplate: ['bodies', 'tests', 'types'],
    reformat: ['format', 'conventions'],
  };
  const options = allowed[kind];
  if (!options) return null;
  if (variant && options.includes(variant)) return variant;
  const fromTask = planOffline(task, () => false).steps.find((st) => st.kind === kind)?.variant;
  return fromTask && options.includes(fromTask) ? fromTask : options[0]!;
}
