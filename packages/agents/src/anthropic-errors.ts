// How a failed call to Anthropic's Messages API reads in a run: one line per failure, fatal only where every further
// call would fail the same way (a rejected key, a model the API does not serve).
import Anthropic from '@anthropic-ai/sdk';
import type { ResolvedConfig, ResolvedProvider, TokenUsage } from '@orchestrate/core';
import { isTruncatedBody, oneLine } from './faults.js';
import { causes, retriesText } from './call-output.js';
import { CallFailed } from './model-call.js';

/** What a failure message names: the provider (and the variable its key comes from) and the model id. */
export interface AnthropicFailureContext {
  provider: ResolvedProvider;
  model: string;
  config: ResolvedConfig;
}

/**
 * Classifies an error of the Anthropic SDK (after its retries) into a CallFailed: auth and a missing model stop the run
 * and say what to fix; transient faults and anything else fail the job. HTTP faults are counted by the fetch, not here.
 */
export function anthropicCallFailed(err: unknown, usage: TokenUsage, context: AnthropicFailureContext): CallFailed {
  if (err instanceof CallFailed) return err;
  const { provider, model, config } = context;
  const retries = retriesText(config);
  const where = `provider \`${provider.name}\` (Anthropic)`;
  if (err instanceof Anthropic.AuthenticationError || err instanceof Anthropic.PermissionDeniedError) {
    const key = provider.apiKeyEnv
      ? `Check ${provider.apiKeyEnv}`
      : `Set \`providers.${provider.name}.apiKeyEnv\` to the variable that holds its key`;
    return new CallFailed(`${where} rejected the key (${err.status}). ${key}.`, usage, true);
  }
  if (err instanceof Anthropic.NotFoundError) {
    return new CallFailed(
      `model \`${model}\` was not found at ${where} (404). ` +
        `Set models.* in agents.config.ts to \`${provider.name}:<a model the API serves>\` (e.g. claude-haiku-4-5).`,
      usage,
      true,
    );
  }
  if (err instanceof Anthropic.APIUserAbortError) return new CallFailed('aborted', usage, false);
  // The fetch refused a whole answer whose JSON ended early (a failed fetch to the SDK, so it was retried).
  if (err instanceof Anthropic.APIConnectionError && isTruncatedBody(err))
    return new CallFailed(`the API's answer was cut off (its JSON body ended early) after ${retries}`, usage, false);
  if (err instanceof Anthropic.APIConnectionTimeoutError)
    return new CallFailed(`the request timed out (${config.api.timeoutMs} ms per attempt, ${retries})`, usage, false);
  if (err instanceof Anthropic.APIConnectionError)
    return new CallFailed(`could not reach the API (after ${retries}): ${causes(err)}`, usage, false);
  if (err instanceof Anthropic.RateLimitError)
    return new CallFailed(`the API kept answering 429 (rate limited) after ${retries}`, usage, false);
  // 5xx, and Anthropic's 529 `overloaded_error` (OverloadedError is one of them).
  if (err instanceof Anthropic.InternalServerError)
    return new CallFailed(`the API failed with ${err.status} after ${retries}: ${oneLine(err.message)}`, usage, false);
  if (err instanceof Anthropic.APIError)
    return new CallFailed(`API error ${err.status ?? ''}: ${oneLine(err.message)}`.replace(' :', ':'), usage, false);
  if (err instanceof Error && err.name === 'AbortError') return new CallFailed('aborted', usage, false);
  const message = err instanceof Error ? err.message : String(err);
  return new CallFailed(`model call failed: ${oneLine(message)}`, usage, false);
}
