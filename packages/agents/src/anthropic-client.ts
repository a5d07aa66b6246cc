// Claude models through Anthropic's native Messages API with structured outputs (its OpenAI-compatible endpoint
// ignores `response_format`, so it cannot be the path). Built by the Anthropic helper: see /work/briefs.
import type { ResolvedConfig, ResolvedProvider } from '@orchestrate/core';
import type { ModelClient } from './model-call.js';
import type { ThrottleEvent } from './rate-limit.js';

/** Connection settings for one Anthropic provider. */
export interface AnthropicClientOptions {
  /** The key, read from the provider's `apiKeyEnv` by the engine. */
  apiKey: string;
  provider: ResolvedProvider;
  config: ResolvedConfig;
  onThrottle?: (event: ThrottleEvent) => void;
}

/** The Anthropic engine for one provider: structured calls to the Messages API, usage with cache tokens. */
export function createAnthropicClient(_options: AnthropicClientOptions): ModelClient {
  throw new Error('createAnthropicClient: not built yet');
}
