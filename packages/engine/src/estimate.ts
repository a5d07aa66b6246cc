import { VERIFIER_INSTRUCTIONS } from '@orchestrate/agents';
import type { Estimate, ResolvedConfig, UsageLedger } from '@orchestrate/core';
import { jobKind, type JobTarget } from '@orchestrate/jobs';
import { verifierMaxOutput } from './budget.js';
import { estimateTokens } from './tokens.js';

const LOW_OUTPUT_PER_JOB = 60;
const LOW_VERDICT_TOKENS = 25;

/** Estimates calls, tokens and $ per model for the jobs (low: typical output; high: every output cap used). */
export function estimateRun(targets: JobTarget[], config: ResolvedConfig, ledger: UsageLedger, offline: boolean): Estimate {
  const perModel: Estimate['perModel'] = {};
  if (offline || targets.length === 0) return { jobs: targets.length, perModel, costUsdLow: 0, costUsdHigh: 0 };
  const worker = { calls: 0, inputTokens: 0, outputTokens: 0, costUsdLow: 0, costUsdHigh: 0 };
  for (const t of targets) {
    const kind = jobKind(t.job.kind);
    worker.calls++;
    worker.inputTokens += estimateTokens(kind.workerInstructions + kind.contextPack(t)) + 200;
  }
  const price = (model: string, input: number, output: number) =>
    ledger.worstCase(model, input, output);
  worker.outputTokens = worker.calls * LOW_OUTPUT_PER_JOB;
  worker.costUsdLow = price(config.models.worker, worker.inputTokens, worker.outputTokens);
  worker.costUsdHigh = price(config.models.worker, worker.inputTokens, worker.calls * config.maxOutputTokens.worker);
  perModel[config.models.worker] = worker;
  const batches = Math.ceil(targets.length / config.verifyBatchSize);
  const vIn = batches * estimateTokens(VERIFIER_INSTRUCTIONS) + targets.length * 150;
  const verifier = {
    calls: batches,
    inputTokens: vIn,
    outputTokens: targets.length * LOW_VERDICT_TOKENS,
    costUsdLow: price(config.models.verifier, vIn, targets.length * LOW_VERDICT_TOKENS),
    costUsdHigh: price(config.models.verifier, vIn, batches * verifierMaxOutput(config.verifyBatchSize, { config })),
  };
  const prev = perModel[config.models.verifier];
  perModel[config.models.verifier] = prev
    ? {
        calls: prev.calls + verifier.calls,
        inputTokens: prev.inputTokens + verifier.inputTokens,
        outputTokens: prev.outputTokens + verifier.outputTokens,
        costUsdLow: prev.costUsdLow + verifier.costUsdLow,
        costUsdHigh: prev.costUsdHigh + verifier.costUsdHigh,
      }
    : verifier;
  const values = Object.values(perModel);
  return {
    jobs: targets.length,
    perModel,
    costUsdLow: values.reduce((n, v) => n + v.costUsdLow, 0),
    costUsdHigh: values.reduce((n, v) => n + v.costUsdHigh, 0),
  };
}
