// Providers as configuration: each role's model is `<provider>:<model>` (or a bare model on the default `openai`
// provider), and each provider has a capability record that decides what the engine does with it.

/** The wires orchestrate speaks. */
export type ProviderType = 'openai' | 'azure' | 'openai-compatible' | 'anthropic';

/** What a provider enforces and reports: the engine decides from this record, never from the provider's name. */
export interface ProviderCapabilities {
  /** The API it is called through. */
  api: 'responses' | 'chat_completions' | 'messages';
  /** The server holds its answers to the JSON schema sent (answers are validated locally either way). */
  schemaEnforced: boolean;
  /**
   * Its structured outputs resolve `$defs` and `$ref`, so a packed call states an item schema its items share once
   * (off: every item's schema is sent inline). Off for a compatible server (OpenRouter aside): its grammar may not.
   */
  schemaRefs: boolean;
  /** It has a Batch API orchestrate can use (`--batch`). */
  batch: boolean;
  /** It reports cached input tokens in its usage (only then are they priced at the cached rate). */
  cachedUsage: boolean;
  /** It reports cache-write input tokens (Anthropic), priced at the cache-write rate. */
  cacheWriteUsage: boolean;
  /** It takes `prompt_cache_key` (sent only where it does). */
  promptCacheKey: boolean;
  /** Model calls in flight at once by default (`concurrency` overrides it). */
  concurrency: number;
}

/** A provider after defaults: how to reach it and what it can do. */
export interface ResolvedProvider {
  name: string;
  type: ProviderType;
  /** Base URL; undefined = the SDK's default (for `openai`: OPENAI_BASE_URL, else the OpenAI API). */
  baseURL: string | undefined;
  /** The environment variable that holds its key; null = a server that takes no key (a local one). */
  apiKeyEnv: string | null;
  /** The header the key goes in: `authorization` (Bearer), `api-key` (Azure), `x-api-key` (Anthropic). */
  apiKeyHeader: string;
  /** Extra request headers (not secrets: keys come only from the environment). */
  headers: Record<string, string>;
  /** Extra request-body fields sent with every call (OpenRouter's provider-routing object goes in as `provider`). */
  body: Record<string, unknown>;
  capabilities: ProviderCapabilities;
  /** Which preset filled its defaults: `openrouter`, `opper`, `local`, or null. */
  preset: 'openrouter' | 'opper' | 'local' | null;
}

/** A role's model, resolved: the ref as written in the config (the key of usage and prices), its provider, its id. */
export interface ModelRef {
  /** As configured: `gpt-5.4-nano` or `azure-eu:my-nano-deployment`. Usage, prices and the report key on this. */
  ref: string;
  /** The provider's name (`openai` for a bare model). */
  provider: string;
  /** The model id the provider is sent (a deployment name for Azure, `openai/gpt-5.4-nano` for OpenRouter). */
  model: string;
}

/** The provider a bare model name uses. */
export const DEFAULT_PROVIDER = 'openai';

/**
 * Splits `provider:model` at the first colon when what comes before it names a provider (`providers` keys, or
 * `openai`); anything else is a bare model on the default provider, so an Ollama id like `qwen2.5:7b` stays whole.
 */
export function parseModelRef(ref: string, providerNames: readonly string[]): ModelRef {
  const colon = ref.indexOf(':');
  if (colon > 0) {
    const provider = ref.slice(0, colon);
    if (provider === DEFAULT_PROVIDER || providerNames.includes(provider))
      return { ref, provider, model: ref.slice(colon + 1) };
  }
  return { ref, provider: DEFAULT_PROVIDER, model: ref };
}

/** The default environment variable of a provider's key, by type and preset (null: a server that takes none). */
export function defaultApiKeyEnv(type: ProviderType, preset: ResolvedProvider['preset']): string | null {
  if (type === 'openai') return 'OPENAI_API_KEY';
  if (type === 'azure') return 'AZURE_OPENAI_API_KEY';
  if (type === 'anthropic') return 'ANTHROPIC_API_KEY';
  if (preset === 'openrouter') return 'OPENROUTER_API_KEY';
  if (preset === 'opper') return 'OPPER_API_KEY';
  return null;
}

/** Which preset a compatible server's base URL points at. */
export function presetOf(type: ProviderType, baseURL: string | undefined): ResolvedProvider['preset'] {
  if (type !== 'openai-compatible' || !baseURL) return null;
  let host: string;
  try {
    host = new URL(baseURL).hostname;
  } catch {
    return null;
  }
  if (host === 'openrouter.ai' || host.endsWith('.openrouter.ai')) return 'openrouter';
  if (host === 'opper.ai' || host.endsWith('.opper.ai')) return 'opper';
  if (host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '[::1]') return 'local';
  return null;
}

/** The built-in capability record of a provider type (and preset); a provider's `capabilities` override it. */
export function builtinCapabilities(
  type: ProviderType,
  preset: ResolvedProvider['preset'],
  api: 'responses' | 'chat_completions' | undefined,
): ProviderCapabilities {
  switch (type) {
    case 'openai':
      return {
        api: api ?? 'responses',
        schemaEnforced: true,
        schemaRefs: true,
        batch: true,
        cachedUsage: true,
        cacheWriteUsage: false,
        promptCacheKey: true,
        concurrency: 64,
      };
    case 'azure':
      // Azure's Batch API needs a Global-Batch deployment and its own endpoint: not wired, so `--batch` is refused.
      return {
        api: api ?? 'responses',
        schemaEnforced: true,
        schemaRefs: true,
        batch: false,
        cachedUsage: true,
        cacheWriteUsage: false,
        promptCacheKey: true,
        concurrency: 32,
      };
    case 'anthropic':
      return {
        api: 'messages',
        schemaEnforced: true,
        schemaRefs: true,
        batch: false,
        cachedUsage: true,
        cacheWriteUsage: true,
        promptCacheKey: false,
        concurrency: 16,
      };
    case 'openai-compatible':
      if (preset === 'openrouter')
        // With `require_parameters: true` only providers that honour the JSON schema answer.
        return {
          api: api ?? 'chat_completions',
          schemaEnforced: true,
          schemaRefs: true,
          batch: false,
          cachedUsage: true,
          cacheWriteUsage: false,
          promptCacheKey: false,
          concurrency: 32,
        };
      return {
        api: api ?? 'chat_completions',
        schemaEnforced: false,
        schemaRefs: false,
        batch: false,
        cachedUsage: false,
        cacheWriteUsage: false,
        promptCacheKey: false,
        concurrency: preset === 'local' ? 4 : 16,
      };
  }
}
