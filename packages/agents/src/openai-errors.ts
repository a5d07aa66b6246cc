// How an OpenAI-style provider's failures read: one line per failure, naming the provider and its key variable.
import { MaxTurnsExceededError, ModelBehaviorError } from '@openai/agents-core';
import OpenAI from 'openai';
import { DEFAULT_PROVIDER, type ResolvedConfig, type ResolvedProvider, type TokenUsage } from '@orchestrate/core';
import { isTruncatedBody, oneLine } from './faults.js';
import { causes, retriesText } from './call-output.js';
import { CallFailed } from './model-call.js';

/** What a failure names of the provider it came from. */
export type FailureProvider = Pick<ResolvedProvider, 'name' | 'type' | 'apiKeyEnv'>;

/** The fix a rejected key asks for: the provider's key variable (and the base URL for the default provider). */
function keyHint(provider: FailureProvider): string {
  if (provider.name === DEFAULT_PROVIDER)
    return `Check ${provider.apiKeyEnv ?? 'OPENAI_API_KEY'} (and OPENAI_BASE_URL for compatible servers).`;
  const env = provider.apiKeyEnv
    ? `Check ${provider.apiKeyEnv} (providers.${provider.name}.apiKeyEnv names the variable)`
    : `The provider takes no key (providers.${provider.name}.apiKeyEnv is unset): check that the server needs none`;
  return `${env} and providers.${provider.name}.baseURL.`;
}

/**
 * Classifies an SDK error into one line: model misbehaviour and transient faults (after the SDK's retries) fail the
 * job; auth and missing models stop the run. Output faults carry their `fault` kind (HTTP faults are counted by the fetch).
 */
export function toCallFailed(
  err: unknown,
  usage: TokenUsage,
  model: string,
  config: ResolvedConfig,
  provider: FailureProvider,
): CallFailed {
  if (err instanceof CallFailed) return err;
  const { timeoutMs } = config.api;
  const retries = retriesText(config);
  // The default provider's messages stay as they always read; another provider is named.
  const api = provider.name === DEFAULT_PROVIDER ? 'the API' : `the API of provider \`${provider.name}\``;
  if (err instanceof ModelBehaviorError) {
    const schema = /^Invalid output type:\s*(.*)$/s.exec(err.message);
    if (schema)
      return new CallFailed(
        `the model's output failed its schema: ${oneLine(schema[1]!)}`,
        usage,
        false,
        'schemaFailures',
      );
    if (/no final output/i.test(err.message))
      return new CallFailed('the model returned no output', usage, false, 'emptyOutput');
    return new CallFailed(`model output was not valid: ${oneLine(err.message)}`, usage, false);
  }
  if (err instanceof MaxTurnsExceededError)
    return new CallFailed('the model returned no output', usage, false, 'emptyOutput');
  if (err instanceof OpenAI.AuthenticationError || err instanceof OpenAI.PermissionDeniedError)
    return new CallFailed(`${api} rejected the key (${err.status}). ${keyHint(provider)}`, usage, true);
  if (err instanceof OpenAI.NotFoundError) {
    const what = provider.type === 'azure' ? 'model/deployment' : 'model';
    const fix =
      provider.type === 'azure'
        ? `Name a deployment of the resource in models.* (\`${provider.name}:<deployment>\`) in agents.config.ts.`
        : 'Set models.* in agents.config.ts to a model the API serves.';
    const where = provider.name === DEFAULT_PROVIDER ? '' : ` at provider \`${provider.name}\``;
    return new CallFailed(`${what} \`${model}\` was not found${where} (404). ${fix}`, usage, true);
  }
  if (err instanceof OpenAI.APIUserAbortError) return new CallFailed('aborted', usage, false);
  // The fetch refused a whole answer whose JSON ended early (a failed fetch to the SDK, so it was retried).
  if (err instanceof OpenAI.APIConnectionError && isTruncatedBody(err)) {
    return new CallFailed(`${api}'s answer was cut off (its JSON body ended early) after ${retries}`, usage, false);
  }
  if (err instanceof OpenAI.APIConnectionTimeoutError)
    return new CallFailed(`the request timed out (${timeoutMs} ms per attempt, ${retries})`, usage, false);
  if (err instanceof OpenAI.APIConnectionError)
    return new CallFailed(`could not reach ${api} (after ${retries}): ${causes(err)}`, usage, false);
  if (err instanceof OpenAI.RateLimitError)
    return new CallFailed(`${api} kept answering 429 (rate limited) after ${retries}`, usage, false);
  if (err instanceof OpenAI.InternalServerError)
    return new CallFailed(`${api} failed with ${err.status} after ${retries}: ${oneLine(err.message)}`, usage, false);
  if (err instanceof OpenAI.APIError)
    return new CallFailed(`API error ${err.status ?? ''}: ${oneLine(err.message)}`.trim(), usage, false);
  if (err instanceof Error && err.name === 'AbortError') return new CallFailed('aborted', usage, false);
  const message = err instanceof Error ? err.message : String(err);
  return new CallFailed(`model call failed: ${oneLine(message)}`, usage, false);
}
