import { DEFAULTS } from './defaults.js';
import { ConfigError } from './errors.js';
import {
  builtinCapabilities,
  defaultApiKeyEnv,
  DEFAULT_PROVIDER,
  parseModelRef,
  presetOf,
  type ModelRef,
  type ResolvedProvider,
} from './providers.js';
import { keyHeaderProblems } from './provider-headers.js';

/** A model's prices in USD per million tokens (the shape of config's `ModelPrice`; config imports this file). */
interface ModelPrice {
  input: number;
  cachedInput: number;
  output: number;
  cacheWrite?: number | undefined;
}

/** What this file reads of the parsed configuration. */
interface ParsedModels {
  api: { baseURL?: string | undefined; wire: 'responses' | 'chat_completions' };
  models: { planner: string; worker: string; verifier: string; workers: string[] };
  providers: Record<
    string,
    {
      type: ResolvedProvider['type'];
      baseURL?: string | undefined;
      resource?: string | undefined;
      apiKeyEnv?: string | undefined;
      apiKeyHeader?: string | undefined;
      headers: Record<string, string>;
      api?: 'responses' | 'chat_completions' | undefined;
      routing?: ({ require_parameters?: boolean | undefined } & Record<string, unknown>) | undefined;
      capabilities: Partial<
        Record<'schemaEnforced' | 'schemaRefs' | 'batch' | 'cachedUsage' | 'promptCacheKey', boolean | undefined>
      > & {
        concurrency?: number | undefined;
      };
      prices: Record<string, ModelPrice>;
    }
  >;
  prices: Record<string, ModelPrice>;
  concurrency?: number | undefined;
}

/** What `resolveModels` adds to the parsed configuration. */
export interface ResolvedModels {
  providers: Record<string, ResolvedProvider>;
  prices: Record<string, ModelPrice>;
  concurrency: number;
  /** Whether the user set `concurrency` (config or option): then every provider's calls use it as is. */
  concurrencySet: boolean;
}

/** OpenRouter's routing default: only providers that honour every parameter (the JSON schema) and keep no data. */
const OPENROUTER_ROUTING = { require_parameters: true, data_collection: 'deny' };

/**
 * Resolves the parsed configuration's providers (the default `openai` one always among them), the price of every model
 * a role may use (by ref) and the concurrency; throws ConfigError for a role that names a provider that does not
 * resolve.
 */
export function resolveModels(parsed: ParsedModels, source: string): ResolvedModels {
  const providers: Record<string, ResolvedProvider> = {
    [DEFAULT_PROVIDER]: {
      name: DEFAULT_PROVIDER,
      type: 'openai',
      baseURL: parsed.api.baseURL,
      apiKeyEnv: 'OPENAI_API_KEY',
      apiKeyHeader: 'authorization',
      headers: {},
      body: {},
      capabilities: builtinCapabilities('openai', null, parsed.api.wire),
      preset: null,
    },
  };
  const problems: string[] = [];
  for (const [name, p] of Object.entries(parsed.providers)) {
    if (name === DEFAULT_PROVIDER && p.type !== 'openai')
      problems.push(
        `\`providers.openai\`: \`openai\` is the provider of every bare model name and must be of type openai; ` +
          `give your ${p.type} provider another name`,
      );
    let baseURL = p.baseURL;
    if (p.type === 'azure') {
      if (!baseURL && p.resource) baseURL = `https://${p.resource}.openai.azure.com/openai/v1/`;
      if (!baseURL) problems.push(`\`providers.${name}\`: an azure provider needs \`resource\` or \`baseURL\``);
    } else if (p.resource) problems.push(`\`providers.${name}.resource\`: only an azure provider takes a resource`);
    if (p.type === 'openai-compatible' && !baseURL)
      problems.push(`\`providers.${name}\`: an openai-compatible provider needs \`baseURL\``);
    if (p.type === 'anthropic' && p.api)
      problems.push(`\`providers.${name}.api\`: an anthropic provider speaks the Messages API only`);
    problems.push(...keyHeaderProblems(name, p.headers, p.apiKeyHeader));
    const preset = presetOf(p.type, baseURL);
    if (p.routing && preset !== 'openrouter')
      problems.push(
        `\`providers.${name}.routing\`: only an OpenRouter provider (baseURL on openrouter.ai) takes routing`,
      );
    if (p.type === 'azure' && baseURL && !/\/openai\/v1\/?$/.test(new URL(baseURL).pathname))
      problems.push(
        `\`providers.${name}.baseURL\`: Azure's v1 API lives under \`/openai/v1/\` ` +
          `(https://<resource>.openai.azure.com/openai/v1/); or set \`resource\` instead`,
      );
    const caps = { ...builtinCapabilities(p.type, preset, p.api) };
    // Without `require_parameters`, OpenRouter may route to a provider that ignores the schema.
    if (preset === 'openrouter' && p.routing?.require_parameters === false) caps.schemaEnforced = false;
    for (const [key, value] of Object.entries(p.capabilities))
      if (value !== undefined) Object.assign(caps, { [key]: value });
    providers[name] = {
      name,
      type: p.type,
      baseURL,
      apiKeyEnv: p.apiKeyEnv ?? defaultApiKeyEnv(p.type, preset),
      apiKeyHeader: (
        p.apiKeyHeader ?? (p.type === 'azure' ? 'api-key' : p.type === 'anthropic' ? 'x-api-key' : 'authorization')
      ).toLowerCase(),
      headers: p.headers,
      body: preset === 'openrouter' ? { provider: { ...OPENROUTER_ROUTING, ...p.routing } } : {},
      capabilities: caps,
      preset,
    };
  }
  const names = Object.keys(providers);
  const refs = modelRefs(parsed, names);
  for (const r of refs) {
    // A colon names a provider: `azure-ue:nano` (a typo) or `azure:x` with no `azure` provider would otherwise go to
    // OpenAI, with the OpenAI key, as the model `azure-ue:nano`. An id that holds a colon itself is written after its
    // provider: `ollama:qwen2.5:7b`, `openai:ft:gpt-5.4-nano:acme::x1`.
    const colon = r.ref.indexOf(':');
    if (colon < 0) continue;
    const prefix = r.ref.slice(0, colon);
    if (prefix && r.provider === DEFAULT_PROVIDER && prefix !== DEFAULT_PROVIDER)
      problems.push(
        `model \`${r.ref}\`: no provider \`${prefix}\` in \`providers\` (configured: ${names.join(', ')})` +
          (closestName(prefix, names) ? ` — did you mean \`${closestName(prefix, names)}\`?` : '') +
          '. A colon names the provider: add it to `providers`, or write a model id that holds a colon as ' +
          `\`openai:${r.ref}\`.`,
      );
    else if (!r.model) problems.push(`model \`${r.ref}\`: no model id after \`${prefix}:\``);
    if (!prefix) problems.push(`model \`${r.ref}\`: no provider name before the colon`);
  }
  if (problems.length) {
    const fix = "Fix the value(s) above; see the README's Providers section.";
    throw new ConfigError(`Invalid ${source}:\n  - ${problems.join('\n  - ')}\n${fix}`);
  }
  const prices: Record<string, ModelPrice> = { ...DEFAULTS.prices };
  for (const r of refs) {
    const price = priceOf(r, providers[r.provider]!, parsed.providers[r.provider]?.prices ?? {});
    if (price) prices[r.ref] = price;
  }
  Object.assign(prices, parsed.prices);
  const worker = parseModelRef(parsed.models.worker, names);
  const concurrency = parsed.concurrency ?? providers[worker.provider]!.capabilities.concurrency;
  return { providers, prices, concurrency, concurrencySet: parsed.concurrency !== undefined };
}

/** The configured provider name nearest a mistyped one (an edit or two away), if any. */
function closestName(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of names) {
    const d = distance(name.toLowerCase(), candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** Edit distance (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** Every model a role may use, as refs: planner, worker, verifier and the step workers. */
export function modelRefs(config: Pick<ParsedModels, 'models'>, providerNames: readonly string[]): ModelRef[] {
  const { planner, worker, verifier, workers } = config.models;
  const all = [...new Set([planner, worker, verifier, ...workers])];
  return all.map((ref) => parseModelRef(ref, providerNames));
}

/** A model's price: the provider's own table by model id, else the built-in one by id or by its last path segment. */
function priceOf(r: ModelRef, provider: ResolvedProvider, own: Record<string, ModelPrice>): ModelPrice | undefined {
  const table = DEFAULTS.prices as Record<string, ModelPrice>;
  const tail = r.model.split('/').pop()!;
  const found = own[r.model] ?? table[r.model] ?? table[tail];
  if (!found) return undefined;
  // Cached tokens are priced at the cached rate only where the provider reports them.
  return provider.capabilities.cachedUsage ? found : { ...found, cachedInput: found.input };
}
