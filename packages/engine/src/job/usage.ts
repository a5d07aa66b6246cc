import { addUsage, priceUsage } from '@orchestrate/core';
import type { CallFailed } from '@orchestrate/agents';
import type { JobState } from './state.js';
import type { PhaseContext } from './types.js';

/** Records a call's usage on the job and in the ledger, and tells observers. */
export function record(state: JobState | null, ctx: PhaseContext, model: string, usage: CallFailed['usage']): void {
  const cost = ctx.ledger.record(model, usage, ctx.client?.priceMultiplier ?? 1);
  if (state) {
    addUsage(state.usage, usage);
    state.costUsd += cost;
  }
  const budgetUsd = ctx.config.budgetUsd ?? null;
  ctx.emit({ type: 'usage', model, total: ctx.ledger.total(), costUsd: ctx.ledger.spentUsd(), budgetUsd });
}

/** Attributes a shared call's tokens and cost to its jobs in equal shares (for per-job reports and commit trailers). */
export function shareUsage(jobs: JobState[], usage: CallFailed['usage'], ctx: PhaseContext, model: string): void {
  const n = jobs.length;
  const cost = priceUsage(usage, ctx.config.prices[model]) * (ctx.client?.priceMultiplier ?? 1);
  jobs.forEach((s, i) => {
    const part = (total: number) => Math.floor(total / n) + (i < total % n ? 1 : 0);
    addUsage(s.usage, {
      requests: 0,
      inputTokens: part(usage.inputTokens),
      cachedInputTokens: part(usage.cachedInputTokens),
      outputTokens: part(usage.outputTokens),
    });
    s.costUsd += cost / n;
  });
}
