import {
  ConfigError,
  DEFAULT_PROVIDER,
  EnvironmentError,
  modelRefs,
  parseModelRef,
  UsageError,
  type ResolvedConfig,
  type ResolvedProvider,
} from '@orchestrate/core';
import { createRoutedClient, type ModelClient } from '@orchestrate/agents';
import type { BatchClientOptions } from '@orchestrate/agents/batch';

/** What a client tells the progress view when a model's calls are slowed down. */
type OnThrottle = (event: { model: string; concurrency: number; reason: string }) => void;
/** The environment keys and base URLs are read from. */
type Env = Record<string, string | undefined>;

/** The default provider's base URL: `api.baseURL`, else OPENAI_BASE_URL (a compatible server), else the SDK's. */
function openaiBaseURL(config: ResolvedConfig, env: Env): string | undefined {
  return config.api.baseURL ?? (env.OPENAI_BASE_URL?.trim() || undefined);
}

/** A provider's key from its `apiKeyEnv` ('' when it takes none or the variable is empty). */
function keyOf(provider: ResolvedProvider, env: Env): string {
  return provider.apiKeyEnv ? (env[provider.apiKeyEnv]?.trim() ?? '') : '';
}

/**
 * Whether a provider lacks its key: its `apiKeyEnv` is set and empty. The default provider with a base URL is a
 * compatible server that may take no key, as it always was.
 */
function lacksKey(provider: ResolvedProvider, config: ResolvedConfig, env: Env): boolean {
  if (!provider.apiKeyEnv || keyOf(provider, env)) return false;
  return !(provider.name === DEFAULT_PROVIDER && openaiBaseURL(config, env));
}

/** E_NO_API_KEY naming every provider whose key is missing and the variable that should hold it. */
function missingKeys(providers: readonly ResolvedProvider[]): EnvironmentError {
  const each = providers.map((p) =>
    p.name === DEFAULT_PROVIDER
      ? `provider \`${p.name}\` needs ${p.apiKeyEnv} (or OPENAI_BASE_URL / api.baseURL for a compatible server that takes no key)`
      : `provider \`${p.name}\` needs ${p.apiKeyEnv} (providers.${p.name}.apiKeyEnv)`,
  );
  const them = providers.length === 1 ? 'it' : 'them';
  return new EnvironmentError(
    'E_NO_API_KEY',
    `${each.join('; ')}. Set ${them} in the environment (keys are never read from the config), point models.* at ` +
      'another provider, or run with --engine offline.',
  );
}

/** The providers the roles use (planner, worker, verifier, models.workers), in the order they first appear. */
export function rolesProviders(config: ResolvedConfig): ResolvedProvider[] {
  const names = [...new Set(modelRefs(config, Object.keys(config.providers)).map((r) => r.provider))];
  return names.map((n) => config.providers[n]!);
}

/**
 * The Batch API client for worker and verifier calls (`--batch`). Only a provider of type `openai` with a Batch API
 * has one (E_USAGE naming the provider otherwise), and the worker's and verifier's calls must be on the same one.
 */
export async function batchClient(
  config: ResolvedConfig,
  env: Env,
  options: Pick<BatchClientOptions, 'onBatch' | 'known' | 'detach'>,
): Promise<ModelClient> {
  const names = Object.keys(config.providers);
  const { worker, verifier, workers } = config.models;
  const refs = [worker, verifier, ...workers].map((r) => parseModelRef(r, names));
  const used = [...new Set(refs.map((r) => r.provider))].map((n) => config.providers[n]!);
  const without = used.find((p) => p.type !== 'openai' || !p.capabilities.batch);
  if (without) {
    throw new UsageError(
      `--batch needs a provider with a Batch API: \`${without.name}\` (${without.type}) has none ` +
        '(`orchestrate models` shows capabilities). Drop --batch, or put models.worker and models.verifier on a ' +
        'provider that has one (the OpenAI API).',
    );
  }
  if (used.length > 1) {
    throw new UsageError(
      `--batch sends the worker's and the verifier's calls through one Batch API, but they are on the providers ` +
        `${used.map((p) => `\`${p.name}\``).join(' and ')}: put them on one provider, or drop --batch.`,
    );
  }
  const provider = used[0]!;
  const { createBatchClient } = await import('@orchestrate/agents/batch');
  const isDefault = provider.name === DEFAULT_PROVIDER;
  const client = createBatchClient({
    apiKey: keyOf(provider, env) || 'no-key',
    baseURL: isDefault ? openaiBaseURL(config, env) : provider.baseURL,
    config,
    ...options,
  });
  // A ref that names its provider (`openai:gpt-5.4-nano`) is sent as the provider's model id.
  return refs.some((r) => r.ref !== r.model) ? createRoutedClient({ [provider.name]: client }, names) : client;
}

/**
 * The model engine's client, or null (offline). When every role is on the default provider, `auto` keeps its rule
 * (openai when OPENAI_API_KEY is set, else offline); when a role names another provider, `auto` means the models, and
 * every missing key is one E_NO_API_KEY. The default provider alone is called through its own client, else the router.
 */
export async function resolveClient(
  config: ResolvedConfig,
  env: Env,
  onThrottle: OnThrottle,
  onWarning: (message: string) => void = () => {},
): Promise<ModelClient | null> {
  if (config.engine === 'offline') return null;
  const used = rolesProviders(config);
  if (used.every((p) => p.name === DEFAULT_PROVIDER)) {
    const apiKey = env.OPENAI_API_KEY?.trim();
    if (config.engine === 'auto' && !apiKey) return null;
    if (!apiKey && !openaiBaseURL(config, env)) {
      throw new EnvironmentError(
        'E_NO_API_KEY',
        'The openai engine needs OPENAI_API_KEY (or OPENAI_BASE_URL / api.baseURL for a compatible server that takes no key). Set it, or run with --engine offline.',
      );
    }
  }
  const missing = used.filter((p) => lacksKey(p, config, env));
  if (missing.length) throw missingKeys(missing);
  checkPrices(config, onWarning);
  const clients = await Promise.all(used.map((p) => providerClient(p, config, env, onThrottle)));
  // The default provider's client takes bare models as they are; any other is called through the router, which sends
  // a provider's client its model id and names the ref in the result.
  if (clients.length === 1 && used[0]!.name === DEFAULT_PROVIDER) return clients[0]!;
  const byName = Object.fromEntries(used.map((p, i) => [p.name, clients[i]!]));
  return createRoutedClient(byName, Object.keys(config.providers));
}

/**
 * A model with no price counts $0, so a budget cannot hold for it: with a budget that is a config error naming the
 * `prices` key to add (a local server's price may be 0), without one a warning.
 */
export function checkPrices(config: ResolvedConfig, onWarning: (message: string) => void): void {
  const refs = modelRefs(config, Object.keys(config.providers)).map((r) => r.ref);
  const unpriced = refs.filter((ref) => !config.prices[ref]);
  if (!unpriced.length) return;
  const names = unpriced.map((r) => `\`${r}\``).join(', ');
  const example = `prices: { '${unpriced[0]}': { input: 0.2, cachedInput: 0.02, output: 1.25 } }`;
  if (config.budgetUsd !== undefined)
    throw new ConfigError(
      `A budget cannot hold for ${names}: no price is known for ${unpriced.length === 1 ? 'it' : 'them'}, so ` +
        `${unpriced.length === 1 ? 'its' : 'their'} calls would count $0. Add ${unpriced.length === 1 ? 'its' : 'each'} ` +
        `price (USD per million tokens; 0 for a local server) to agents.config.ts, e.g. \`${example}\`, or drop the budget.`,
    );
  onWarning(
    `no price for ${names}: ${unpriced.length === 1 ? 'its' : 'their'} cost counts as $0 (add it to \`prices\`)`,
  );
}

/**
 * The client of one provider, its key read from the provider's `apiKeyEnv` (E_NO_API_KEY naming the variable when it
 * is missing): Anthropic's Messages API for an `anthropic` provider, else the OpenAI-style client (the default
 * provider's base URL is `api.baseURL`, else OPENAI_BASE_URL).
 */
export async function providerClient(
  provider: ResolvedProvider,
  config: ResolvedConfig,
  env: Env,
  onThrottle?: OnThrottle,
): Promise<ModelClient> {
  if (lacksKey(provider, config, env)) throw missingKeys([provider]);
  const apiKey = keyOf(provider, env);
  // Loaded only when needed: the SDKs cost most of the CLI's start-up time and the offline engine never uses them.
  if (provider.type === 'anthropic') {
    const { createAnthropicClient } = await import('@orchestrate/agents/anthropic');
    return createAnthropicClient({ apiKey, provider, config, ...(onThrottle ? { onThrottle } : {}) });
  }
  const { createOpenAIClient } = await import('@orchestrate/agents/openai');
  const baseURL = provider.name === DEFAULT_PROVIDER ? openaiBaseURL(config, env) : provider.baseURL;
  // The default provider keeps its placeholder key for a compatible server that takes none (sent as Bearer no-key).
  const key = apiKey || (provider.name === DEFAULT_PROVIDER ? 'no-key' : '');
  return createOpenAIClient({ apiKey: key, baseURL, config, provider, ...(onThrottle ? { onThrottle } : {}) });
}
