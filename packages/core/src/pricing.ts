import type { ModelPrice } from './config.js';

/** Token counts of one or more model calls, as the API reported them. */
export interface TokenUsage {
  requests: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  /**
   * Input tokens written to the provider's prompt cache (Anthropic reports them; part of `inputTokens`, priced at the
   * cache-write rate). Absent: none.
   */
  cacheWriteInputTokens?: number;
}

/** Token usage plus its price in USD. */
export interface PricedUsage extends TokenUsage {
  costUsd: number;
}

/** An empty usage record. */
export function emptyUsage(): TokenUsage {
  return { requests: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 };
}

/** Adds `b` into `a` in place and returns `a`. */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  a.requests += b.requests;
  a.inputTokens += b.inputTokens;
  a.cachedInputTokens += b.cachedInputTokens;
  a.outputTokens += b.outputTokens;
  if (b.cacheWriteInputTokens) a.cacheWriteInputTokens = (a.cacheWriteInputTokens ?? 0) + b.cacheWriteInputTokens;
  return a;
}

/**
 * Prices usage in USD. `inputTokens` includes the cached and cache-written ones (as the OpenAI API reports it; the
 * Anthropic client adds them in), so cached tokens are billed at the cached rate, cache writes at the cache-write rate
 * (the input rate when the price has none) and the rest at the input rate.
 */
export function priceUsage(usage: TokenUsage, price: ModelPrice | undefined): number {
  if (!price) return 0;
  const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
  const written = Math.min(usage.cacheWriteInputTokens ?? 0, usage.inputTokens - cached);
  const fresh = usage.inputTokens - cached - written;
  const usd =
    (fresh * price.input +
      cached * price.cachedInput +
      written * (price.cacheWrite ?? price.input) +
      usage.outputTokens * price.output) /
    1_000_000;
  return roundUsd(usd);
}

/** Rounds to a millionth of a dollar so sums stay readable and stable. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}
