import { z } from 'zod';

// The schemas of a model's price and of one provider in `agents.config.ts` (config.ts builds the whole file's schema).

/** A model's prices in USD per million tokens. */
export const price = z.strictObject({
  /** USD per million input tokens. */
  input: z.number().nonnegative(),
  /** USD per million cached input tokens. */
  cachedInput: z.number().nonnegative(),
  /** USD per million output tokens. */
  output: z.number().nonnegative(),
  /** USD per million cache-write input tokens (Anthropic). @default the input price */
  cacheWrite: z.number().nonnegative().optional(),
});

/** One provider in `providers`: how to reach it (keys only from the environment) and what it can do. */
export const provider = z.strictObject({
  /** The wire: the OpenAI API, Azure OpenAI (v1 API), any OpenAI-compatible server, or Anthropic's Messages API. */
  type: z.enum(['openai', 'azure', 'openai-compatible', 'anthropic']),
  /** Base URL (Azure: `https://<resource>.openai.azure.com/openai/v1/`). @default the SDK's, or from `resource` */
  baseURL: z.url({ protocol: /^https?$/ }).optional(),
  /** Azure only: the resource name, for the base URL `https://<resource>.openai.azure.com/openai/v1/`. */
  resource: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]{1,62}$/i,
      "the resource's name (`my-resource` of https://my-resource.openai.azure.com), not its URL",
    )
    .optional(),
  /**
   * The environment variable that holds the key (never the key itself).
   * @default OPENAI_API_KEY, AZURE_OPENAI_API_KEY, ANTHROPIC_API_KEY, OPENROUTER_API_KEY, OPPER_API_KEY; none for other compatible servers
   */
  apiKeyEnv: z
    .string()
    .regex(
      /^[A-Za-z_][A-Za-z0-9_]*$/,
      'the name of the environment variable that holds the key (e.g. AZURE_OPENAI_API_KEY), never the key itself',
    )
    .optional(),
  /** The header the key goes in. @default `authorization` (Bearer); Azure `api-key`; Anthropic `x-api-key` */
  apiKeyHeader: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/)
    .optional(),
  /** Extra request headers (not secrets). @default {} */
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string()).default({}),
  /** The API of an OpenAI-style provider. @default 'responses' for openai and azure, 'chat_completions' for compatible servers */
  api: z.enum(['responses', 'chat_completions']).optional(),
  /**
   * OpenRouter's provider-routing object, sent as `provider` (merged over the default).
   * @default { require_parameters: true, data_collection: 'deny' } on openrouter.ai
   */
  routing: z
    .strictObject({
      order: z.array(z.string()).optional(),
      only: z.array(z.string()).optional(),
      ignore: z.array(z.string()).optional(),
      allow_fallbacks: z.boolean().optional(),
      /** false lets providers that ignore the JSON schema answer (the record then says "schema not enforced"). */
      require_parameters: z.boolean().optional(),
      data_collection: z.enum(['allow', 'deny']).optional(),
      /** Only zero-data-retention endpoints. */
      zdr: z.boolean().optional(),
      quantizations: z.array(z.string()).optional(),
      sort: z.enum(['price', 'throughput', 'latency']).optional(),
      max_price: z.record(z.string(), z.number().nonnegative()).optional(),
    })
    .optional(),
  /** Overrides of the built-in capability record (e.g. `schemaEnforced: true` for a self-hosted Ollama). */
  capabilities: z
    .strictObject({
      schemaEnforced: z.boolean().optional(),
      /** Whether its structured outputs resolve `$defs`/`$ref` (a packed call then states a shared item schema once). */
      schemaRefs: z.boolean().optional(),
      batch: z.boolean().optional(),
      cachedUsage: z.boolean().optional(),
      promptCacheKey: z.boolean().optional(),
      concurrency: z.int().min(1).max(256).optional(),
    })
    .prefault({}),
  /** Prices of this provider's models (USD per million tokens), by model id. @default the built-in table by model id */
  prices: z.record(z.string(), price).default({}),
});
