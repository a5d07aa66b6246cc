// What `orchestrate models` shows (and the MCP server may): every role's provider, model, price and capabilities, the
// concurrency and the engine a run would use, and whether each key is set. Data only; the shells render it.
import path from 'node:path';
import {
  DEFAULT_PROVIDER,
  parseModelRef,
  type ModelPrice,
  type ProviderCapabilities,
  type ProviderType,
  type ResolvedConfig,
  type ResolvedProvider,
  type UserConfig,
} from '@orchestrate/core';
import { findRepoRoot } from '@orchestrate/repo';
import { loadConfig, stripUndefined } from '../load-config.js';

/** The environment a shell hands the engine (keys are read from it, never printed). */
export type Env = Record<string, string | undefined>;

/** Whether a provider's key is in the environment: its variable's name only, never the key or a part of it. */
export interface KeyStatus {
  /** The environment variable (null: the server takes no key). */
  env: string | null;
  status: 'set' | 'missing' | 'not needed';
}

/** The engine a run would use, and why (`auto` resolved). */
export interface EngineChoice {
  configured: ResolvedConfig['engine'];
  resolved: 'openai' | 'offline';
  reason: string;
}

/** Where a provider's requests go: the host only (a URL may carry more than a reader needs). */
export interface Endpoint {
  host: string;
  /** Where the URL came from: the config, the OPENAI_BASE_URL variable, or the SDK's default. */
  source: 'config' | 'OPENAI_BASE_URL' | 'default';
}

/** One provider a role uses, as `orchestrate models` shows it. */
export interface ProviderView {
  name: string;
  type: ProviderType;
  preset: ResolvedProvider['preset'];
  endpoint: Endpoint;
  capabilities: ProviderCapabilities;
  key: KeyStatus;
}

/** A role's name: one of the three, or a model a plan step may choose. */
export type ModelRole = 'planner' | 'worker' | 'verifier' | 'worker (step)';

/** One role's model. */
export interface ModelRow {
  role: ModelRole;
  /** The ref as configured (`azure-eu:my-nano`): usage, prices and the report key on it. */
  ref: string;
  /** The provider's name (a key of `providers`). */
  provider: string;
  /** The id the provider is sent (a deployment name, `openai/gpt-5.4-nano`, …). */
  model: string;
  /** USD per million tokens; null = no price in the table (its calls cost $0 in the report, a budget cannot hold). */
  price: ModelPrice | null;
}

/** Everything `orchestrate models` shows. */
export interface ModelsView {
  engine: EngineChoice;
  /** Calls in flight at once, and whether the config set it or it is the worker provider's default. */
  concurrency: { value: number; source: 'config' | 'provider'; provider: string };
  /** Who plans (`auto`: the planner model only when the rules cannot map the task). */
  planning: ResolvedConfig['planning'];
  roles: ModelRow[];
  /** The providers the roles use, in the roles' order. */
  providers: ProviderView[];
  /** Plain sentences for what the table implies (a model without a price, a key that is missing). */
  notes: string[];
}

/**
 * A key's status in `env`: blank counts as missing, except for the default provider with a base URL (`api.baseURL`
 * or OPENAI_BASE_URL): a compatible server that may take no key, which a run calls without one (as clients.ts does).
 */
export function keyStatus(provider: ResolvedProvider, env: Env): KeyStatus {
  if (!provider.apiKeyEnv) return { env: null, status: 'not needed' };
  if (env[provider.apiKeyEnv]?.trim()) return { env: provider.apiKeyEnv, status: 'set' };
  const compatible = provider.name === DEFAULT_PROVIDER && (provider.baseURL || env.OPENAI_BASE_URL?.trim());
  return { env: provider.apiKeyEnv, status: compatible ? 'not needed' : 'missing' };
}

/** The roles' models in order: planner, worker, verifier, then each of `models.workers` (duplicates of `worker` left out). */
export function roleRefs(config: ResolvedConfig): { role: ModelRole; ref: string }[] {
  const { planner, worker, verifier, workers } = config.models;
  const steps = [...new Set(workers)].filter((ref) => ref !== worker);
  return [
    { role: 'planner', ref: planner },
    { role: 'worker', ref: worker },
    { role: 'verifier', ref: verifier },
    ...steps.map((ref) => ({ role: 'worker (step)' as const, ref })),
  ];
}

/**
 * The engine a run would use: `auto` is offline only when every role is on the bare default provider and
 * OPENAI_API_KEY is unset (a role on another provider means the user configured a model to call).
 */
export function engineFor(config: ResolvedConfig, env: Env): EngineChoice {
  const configured = config.engine;
  if (configured === 'offline')
    return { configured, resolved: 'offline', reason: 'engine offline (the config or --engine): no model is called' };
  if (configured === 'openai') return { configured, resolved: 'openai', reason: 'engine openai: every role is called' };
  const names = Object.keys(config.providers);
  const other = roleRefs(config)
    .map((r) => parseModelRef(r.ref, names).provider)
    .find((p) => p !== DEFAULT_PROVIDER);
  if (other)
    return {
      configured,
      resolved: 'openai',
      reason: `auto: a role uses the provider \`${other}\`, so models are called`,
    };
  if (env.OPENAI_API_KEY?.trim()) return { configured, resolved: 'openai', reason: 'auto: OPENAI_API_KEY is set' };
  return {
    configured,
    resolved: 'offline',
    reason:
      'auto: every role is on the default openai provider and OPENAI_API_KEY is not set, so runs use the offline rules',
  };
}

/**
 * Where a provider's calls go, host only. Only the default provider reads OPENAI_BASE_URL; any other without a base
 * URL goes to its type's API (the clients never let the SDKs read OPENAI_BASE_URL or ANTHROPIC_BASE_URL for it).
 */
export function endpointOf(provider: ResolvedProvider, env: Env): Endpoint {
  const fromEnv = provider.name === DEFAULT_PROVIDER && !provider.baseURL ? env.OPENAI_BASE_URL?.trim() : undefined;
  const url = provider.baseURL ?? fromEnv;
  const source: Endpoint['source'] = provider.baseURL ? 'config' : fromEnv ? 'OPENAI_BASE_URL' : 'default';
  if (!url) return { host: provider.type === 'anthropic' ? 'api.anthropic.com' : 'api.openai.com', source };
  try {
    return { host: new URL(url).host, source };
  } catch {
    return { host: '(not a URL)', source };
  }
}

/** What `orchestrate models` shows for a resolved config: roles, providers, prices, concurrency, engine, keys. */
export function describeModels(config: ResolvedConfig, env: Env): ModelsView {
  const names = Object.keys(config.providers);
  const roles: ModelRow[] = roleRefs(config).map(({ role, ref }) => {
    const parsed = parseModelRef(ref, names);
    return { role, ref, provider: parsed.provider, model: parsed.model, price: config.prices[ref] ?? null };
  });
  const used = [...new Set(roles.map((r) => r.provider))];
  const providers: ProviderView[] = used.map((name) => {
    const p = config.providers[name]!;
    const { type, preset, capabilities } = p;
    return { name, type, preset, endpoint: endpointOf(p, env), capabilities, key: keyStatus(p, env) };
  });
  const worker = roles.find((r) => r.role === 'worker')!.provider;
  const engine = engineFor(config, env);
  const notes: string[] = [];
  for (const ref of new Set(roles.filter((r) => !r.price).map((r) => r.ref)))
    notes.push(
      `\`${ref}\` has no price: its calls count as $0, so a --budget cannot hold for it. Add it to \`prices\` ` +
        "(or the provider's `prices`).",
    );
  for (const p of providers)
    if (p.key.status === 'missing' && engine.resolved === 'openai')
      notes.push(`provider \`${p.name}\`: ${p.key.env} is not set; a run that calls it stops with E_NO_API_KEY.`);
  return {
    engine,
    concurrency: {
      value: config.concurrency,
      // Whether the user set it (the config or --concurrency), not whether it equals the default: 64 set is set.
      source: config.concurrencySet ? 'config' : 'provider',
      provider: worker,
    },
    planning: config.planning,
    roles,
    providers,
    notes,
  };
}

/** What a shell passes to find the config a run would use. */
export interface ShellConfigOptions {
  /** The repository (or a folder inside it). @default process.cwd() */
  cwd?: string;
  /** A config file instead of the repository's `agents.config.ts` (absolute, or relative to the process). */
  configFile?: string;
  engine?: UserConfig['engine'];
  concurrency?: number;
  models?: Partial<Record<'planner' | 'worker' | 'verifier', string>>;
}

/** Loads the config a run in `cwd` would use (the repository's file, or `configFile`, with the given overrides). */
export async function loadShellConfig(options: ShellConfigOptions = {}): Promise<ResolvedConfig> {
  const root = await findRepoRoot(path.resolve(options.cwd ?? process.cwd()));
  const overrides: Partial<UserConfig> = stripUndefined({
    engine: options.engine,
    concurrency: options.concurrency,
    models: options.models && stripUndefined(options.models),
  });
  const file = options.configFile && path.resolve(options.configFile);
  return (await loadConfig(root, overrides, file)).config;
}
