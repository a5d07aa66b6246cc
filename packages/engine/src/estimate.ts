import { VERIFIER_INSTRUCTIONS } from '@orchestrate/agents';
import type { Estimate, ResolvedConfig, UsageLedger } from '@orchestrate/core';
import { jobKind, type JobTarget, type KindContext } from '@orchestrate/jobs';
import { verifierMaxOutput } from './job/budget.js';
import { jobsPerCall } from './job/per-call.js';
import { contextParts } from './job/context.js';
import { estimateParts, estimateTokens } from './tokens.js';
import { PACK_NOTE, SCHEMA_OVERHEAD_TOKENS } from './job/work.js';
import { ESCALATE_NOTE, escalationCap, escalationPossible, PACK_ESCALATE_NOTE } from './job/escalation.js';

const LOW_OUTPUT_PER_JOB = 60;
/** A verdict's typical output: its share of the few rejections (an accepted item is not listed) and of the frame. */
const LOW_VERDICT_TOKENS = 2;
/** A verified job's typical verifier input: its comment and head, its key and its schema entry (measured: ~80). */
const VERIFIER_ITEM_TOKENS = 90;
/** A verifier batch's input beside its instructions: the schema's frame, the task line, a file heading. */
const VERIFIER_BATCH_TOKENS = 40;

/**
 * Estimates calls, tokens and $ per model for the jobs (low: typical output; high: every output cap used, and the run's
 * self-escalation cap used up by its largest jobs, each worked again alone on the verifier's model).
 */
export function estimateRun(
  all: JobTarget[],
  config: ResolvedConfig,
  ledger: UsageLedger,
  offline: boolean,
  kinds: KindContext,
  packs: JobTarget[][] = all.map((t) => [t]),
): Estimate {
  // Jobs a deterministic tool does (formatting) make no model call on any engine.
  const modelMade = (t: JobTarget) => !jobKind(t.job.kind).deterministic?.(t, kinds);
  const targets = all.filter(modelMade);
  const perModel: Estimate['perModel'] = {};
  if (offline || targets.length === 0) return { jobs: all.length, perModel, costUsdLow: 0, costUsdHigh: 0 };
  // One call per pack (the worker calls the run will make), each with its instructions once and every item's context,
  // priced on its step's worker model (`step.model`, else `models.worker`).
  const workers = new Map<string, { calls: number; inputTokens: number; jobs: number }>();
  for (const pack of packs.map((p) => p.filter(modelMade)).filter((p) => p.length > 0)) {
    const kind = jobKind(pack[0]!.job.kind);
    const model = pack[0]!.step.model ?? config.models.worker;
    const note = !escalationPossible(model, config) ? '' : pack.length > 1 ? PACK_ESCALATE_NOTE : ESCALATE_NOTE;
    const instructions = kind.workerInstructions(pack[0]!.step) + (pack.length > 1 ? PACK_NOTE : '') + note;
    // A conventions block the pack's jobs share is sent, and counted, once.
    const contexts = contextParts(pack, kinds, config.maxJobInputTokens);
    const worker = workers.get(model) ?? { calls: 0, inputTokens: 0, jobs: 0 };
    worker.calls++;
    worker.jobs += pack.length;
    worker.inputTokens += estimateParts(instructions, ...contexts) + SCHEMA_OVERHEAD_TOKENS * pack.length;
    workers.set(model, worker);
  }
  const price = (model: string, input: number, output: number) => ledger.worstCase(model, input, output);
  for (const [model, { calls, inputTokens, jobs }] of workers) {
    const outputTokens = jobs * LOW_OUTPUT_PER_JOB;
    const costUsdLow = price(model, inputTokens, outputTokens);
    const costUsdHigh = price(model, inputTokens, jobs * config.maxOutputTokens.worker);
    perModel[model] = { calls, inputTokens, outputTokens, costUsdLow, costUsdHigh };
  }
  const verified = targets.filter(
    (t) => config.kinds[t.step.kind]?.verify ?? jobKind(t.step.kind).verifyByDefault(t.step),
  );
  const perBatch = jobsPerCall(verified.length, config.concurrency, config.verifyBatchSize);
  const batches = Math.ceil(verified.length / perBatch);
  const vIn =
    batches * (estimateTokens(VERIFIER_INSTRUCTIONS) + VERIFIER_BATCH_TOKENS) + verified.length * VERIFIER_ITEM_TOKENS;
  const verifier = {
    calls: batches,
    inputTokens: vIn,
    outputTokens: verified.length * LOW_VERDICT_TOKENS,
    costUsdLow: price(config.models.verifier, vIn, verified.length * LOW_VERDICT_TOKENS),
    costUsdHigh: price(config.models.verifier, vIn, batches * verifierMaxOutput(perBatch, { config })),
  };
  if (batches > 0) addTo(perModel, config.models.verifier, verifier);
  const escalated = escalationHigh(all.length, targets, config, kinds);
  if (escalated) {
    const costUsdHigh = price(config.models.verifier, escalated.inputTokens, escalated.outputTokens);
    addTo(perModel, config.models.verifier, { calls: 0, inputTokens: 0, outputTokens: 0, costUsdLow: 0, costUsdHigh });
  }
  return finish(all.length, perModel);
}

/** Adds `add` to a model's row (its first row when it has none). */
function addTo(perModel: Estimate['perModel'], model: string, add: Estimate['perModel'][string]): void {
  const prev = perModel[model];
  perModel[model] = prev
    ? {
        calls: prev.calls + add.calls,
        inputTokens: prev.inputTokens + add.inputTokens,
        outputTokens: prev.outputTokens + add.outputTokens,
        costUsdLow: prev.costUsdLow + add.costUsdLow,
        costUsdHigh: prev.costUsdHigh + add.costUsdHigh,
      }
    : add;
}

/**
 * The worst case of self-escalation: the run's cap (`escalationCap` of its `jobs`) taken by its largest jobs that may
 * escalate, each sent alone to the verifier's model with the full worker output cap; null when none may.
 */
function escalationHigh(jobs: number, targets: JobTarget[], config: ResolvedConfig, kinds: KindContext) {
  const { max } = escalationCap(jobs, config.ladder.maxSelfEscalations);
  const may = targets.filter((t) => escalationPossible(t.step.model ?? config.models.worker, config));
  if (max === 0 || may.length === 0) return null;
  const inputs = may
    .map((t) => {
      const instructions = jobKind(t.job.kind).workerInstructions(t.step);
      return (
        estimateParts(instructions, ...contextParts([t], kinds, config.maxJobInputTokens)) + SCHEMA_OVERHEAD_TOKENS
      );
    })
    .sort((a, b) => b - a)
    .slice(0, max);
  return {
    inputTokens: inputs.reduce((n, v) => n + v, 0),
    outputTokens: inputs.length * config.maxOutputTokens.worker,
  };
}

function finish(jobs: number, perModel: Estimate['perModel']): Estimate {
  const values = Object.values(perModel);
  return {
    jobs,
    perModel,
    costUsdLow: values.reduce((n, v) => n + v.costUsdLow, 0),
    costUsdHigh: values.reduce((n, v) => n + v.costUsdHigh, 0),
  };
}
