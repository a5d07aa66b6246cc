import { EnvironmentError, type ResolvedConfig, type ResolvedProvider } from '@orchestrate/core';
import type { ModelClient } from '@orchestrate/agents';
import type { BatchClientOptions } from '@orchestrate/agents/batch';

/** The Batch API client for worker and verifier calls (`--batch`). */
export async function batchClient(
  config: ResolvedConfig,
  env: Record<string, string | undefined>,
  options: Pick<BatchClientOptions, 'onBatch' | 'known' | 'detach'>,
): Promise<ModelClient> {
  const { createBatchClient } = await import('@orchestrate/agents/batch');
  const apiKey = env.OPENAI_API_KEY?.trim() || 'no-key';
  return createBatchClient({
    apiKey,
    baseURL: config.api.baseURL ?? (env.OPENAI_BASE_URL?.trim() || undefined),
    config,
    ...options,
  });
}

/** The OpenAI client when the engine resolves to openai, else null (offline). */
export async function resolveClient(
  config: ResolvedConfig,
  env: Record<string, string | undefined>,
  onThrottle: (event: { model: string; concurrency: number; reason: string }) => void,
): Promise<ModelClient | null> {
  const apiKey = env.OPENAI_API_KEY?.trim();
  const baseURL = config.api.baseURL ?? (env.OPENAI_BASE_URL?.trim() || undefined);
  if (config.engine === 'offline' || (config.engine === 'auto' && !apiKey)) return null;
  if (!apiKey && !baseURL) {
    throw new EnvironmentError(
      'E_NO_API_KEY',
      'The openai engine needs OPENAI_API_KEY (or OPENAI_BASE_URL / api.baseURL for a compatible server that takes no key). Set it, or run with --engine offline.',
    );
  }
  // Loaded only when needed: the SDKs cost most of the CLI's start-up time and the offline engine never uses them.
  const { createOpenAIClient } = await import('@orchestrate/agents/openai');
  return createOpenAIClient({ apiKey: apiKey || 'no-key', baseURL, config, onThrottle });
}

/**
 * The client of one provider, its key read from the provider's `apiKeyEnv` (E_NO_API_KEY naming the variable when it
 * is missing). Day-0 stub: the providers helper builds it (Azure, compatible servers, Anthropic) and routes
 * `resolveClient` through it.
 */
export async function providerClient(
  provider: ResolvedProvider,
  config: ResolvedConfig,
  env: Record<string, string | undefined>,
  onThrottle?: (event: { model: string; concurrency: number; reason: string }) => void,
): Promise<ModelClient> {
  void provider;
  void config;
  void env;
  void onThrottle;
  throw new Error('providerClient: not built yet');
}
