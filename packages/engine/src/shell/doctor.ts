// `orchestrate doctor`: one tiny structured call per distinct model the roles use (at most DOCTOR_MAX_CALLS, every
// provider at least once), and a plain list of what one call cannot tell. Data only; the shells render it. Its calls
// are counted and priced like a run's.
import { z } from 'zod';
import {
  addUsage,
  DEFAULT_PROVIDER,
  emptyUsage,
  EXIT_CODES,
  InterruptedError,
  isOrchestrateError,
  priceUsage,
  roundUsd,
  type ResolvedConfig,
  type ResolvedProvider,
  type TokenUsage,
} from '@orchestrate/core';
import { CallFailed, type ModelClient, type Role } from '@orchestrate/agents';
import { providerClient } from '../clients.js';
import { describeModels, type EngineChoice, type Env, type ModelRow, type ProviderView } from './models.js';

/** The answer a provider is asked for: the smallest schema that still proves structured output reaches it. */
export const DOCTOR_SCHEMA = z.strictObject({ ok: z.boolean() });

/** The output-token cap of a doctor call. */
export const DOCTOR_MAX_OUTPUT_TOKENS = 16;

const OFFLINE = 'the engine is offline (`engine: offline` or --engine offline): no model is called';

/** The most calls a doctor makes: past it, one model per provider is checked first and the rest are listed as not checked. */
export const DOCTOR_MAX_CALLS = 6;

const INSTRUCTIONS = 'This is a health check. Answer with the JSON object {"ok": true} and nothing else.';

/** What is common to every check: which provider, and the model it was (or would have been) asked with. */
interface CheckBase {
  provider: string;
  type: ProviderView['type'];
  preset: ProviderView['preset'];
  /** The ref the check uses: one of the roles' models. */
  ref: string;
  /** The id the provider is sent. */
  model: string;
  /** The roles on this model. */
  roles: ModelRow['role'][];
}

/** One model's check. */
export type ProviderCheck =
  | (CheckBase & {
      status: 'ok';
      latencyMs: number;
      usage: TokenUsage;
      /** USD at the table's price; null when the model has no price. */
      costUsd: number | null;
      /** The answer was `{ ok: boolean }` (a server that ignores schemas can still answer a tiny one right). */
      schemaMatched: boolean;
    })
  | (CheckBase & {
      status: 'failed';
      /** The error's stable code: E_MODEL for a failed call (as a run names it), else the error's own. */
      code: string;
      message: string;
      usage: TokenUsage;
      costUsd: number | null;
    })
  | (CheckBase & { status: 'not-checked'; reason: string });

/** What `orchestrate doctor` found. */
export interface DoctorResult {
  engine: EngineChoice;
  checks: ProviderCheck[];
  /** Every doctor call together. */
  usage: TokenUsage;
  /** USD of the calls at the table's prices (models without a price count $0; `unpriced` names them). */
  costUsd: number;
  unpriced: string[];
  /** The roles' models past DOCTOR_MAX_CALLS, not called (another model of their provider was). */
  unchecked: { ref: string; provider: string; roles: ModelRow['role'][] }[];
  /** What one call cannot check, in plain sentences. */
  cannotCheck: string[];
  /** One line: what was checked and what was not. */
  summary: string;
  /** 1 when a check failed, else 0 (not-checked providers do not fail the doctor). */
  exitCode: number;
}

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  signal?: AbortSignal;
  /** The client of one provider. @default `providerClient(provider, config, env)` */
  clientFor?: (provider: ResolvedProvider) => Promise<ModelClient>;
  /** The clock latencies are read from (ms). @default performance.now */
  now?: () => number;
}

/** Which model is checked first, when not all can be: a worker's is what most of a run's calls go to. */
const ROLE_ORDER: ModelRow['role'][] = ['worker', 'verifier', 'worker (step)', 'planner'];

/** One distinct model of the roles: its row (the first role on it) and every role on it. */
interface Target {
  row: ModelRow;
  roles: ModelRow['role'][];
}

/**
 * The models to check, by provider in the view's order: every distinct ref when they fit in DOCTOR_MAX_CALLS; else
 * one per provider (worker first, then verifier, step worker, planner), then others in that order while calls remain.
 */
function targets(roles: ModelRow[], providers: ProviderView[]): { checked: Target[]; unchecked: Target[] } {
  const byRef = new Map<string, Target>();
  for (const row of roles) {
    const t = byRef.get(row.ref);
    if (t) t.roles.push(row.role);
    else byRef.set(row.ref, { row, roles: [row.role] });
  }
  const rank = (t: Target) => Math.min(...t.roles.map((r) => ROLE_ORDER.indexOf(r)));
  const all = [...byRef.values()];
  const ordered = [...all].sort((a, b) => rank(a) - rank(b));
  const picked = new Set<Target>();
  for (const p of providers) picked.add(ordered.find((t) => t.row.provider === p.name)!);
  for (const t of ordered) if (picked.size < DOCTOR_MAX_CALLS) picked.add(t);
  const inOrder = (list: Target[]) => providers.flatMap((p) => list.filter((t) => t.row.provider === p.name));
  return { checked: inOrder(all.filter((t) => picked.has(t))), unchecked: inOrder(all.filter((t) => !picked.has(t))) };
}

/**
 * Checks each distinct model the roles use (planner, worker, verifier, models.workers; at most DOCTOR_MAX_CALLS, each
 * provider at least once) with one structured call (`{ ok: boolean }`, 16 output tokens): ok with latency, usage and
 * whether the answer matched; failed with the error's code and message; or not-checked with the reason (a missing key
 * names its variable; the offline engine calls nothing).
 */
export async function runDoctor(config: ResolvedConfig, env: Env, options: DoctorOptions = {}): Promise<DoctorResult> {
  const view = describeModels(config, env);
  const clientFor = options.clientFor ?? ((p: ResolvedProvider) => providerClient(p, config, env));
  const now = options.now ?? (() => performance.now());
  const { checked, unchecked } = targets(view.roles, view.providers);
  const checks = await Promise.all(
    checked.map(async ({ row, roles }): Promise<ProviderCheck> => {
      const p = view.providers.find((x) => x.name === row.provider)!;
      const base: CheckBase = {
        provider: p.name,
        type: p.type,
        preset: p.preset,
        ref: row.ref,
        model: row.model,
        roles,
      };
      if (view.engine.configured === 'offline') return { ...base, status: 'not-checked', reason: OFFLINE };
      if (p.key.status === 'missing')
        return { ...base, status: 'not-checked', reason: `key missing: set ${p.key.env} to check it` };
      if (view.engine.resolved === 'offline') return { ...base, status: 'not-checked', reason: view.engine.reason };
      return check(base, row, config.providers[p.name]!, { ...options, clientFor, now });
    }),
  );
  if (options.signal?.aborted) throw new InterruptedError('The doctor was interrupted before every check finished.');
  const usage = emptyUsage();
  let costUsd = 0;
  const unpriced = new Set<string>();
  for (const c of checks) {
    if (c.status === 'not-checked') continue;
    addUsage(usage, c.usage);
    if (c.costUsd === null) {
      if (c.usage.requests) unpriced.add(c.ref);
    } else costUsd += c.costUsd;
  }
  const failed = checks.filter((c) => c.status === 'failed').length;
  return {
    engine: view.engine,
    checks,
    usage,
    costUsd: roundUsd(costUsd),
    unpriced: [...unpriced],
    unchecked: unchecked.map((t) => ({ ref: t.row.ref, provider: t.row.provider, roles: t.roles })),
    cannotCheck: cannotCheck(view.providers, unchecked),
    summary: summaryLine(checks, view.engine),
    exitCode: failed ? EXIT_CODES.failures : EXIT_CODES.ok,
  };
}

/** One provider's call, timed; a failure is the call's message (auth, an unknown model, an unreachable server). */
async function check(
  base: CheckBase,
  row: ModelRow,
  provider: ResolvedProvider,
  o: Required<Pick<DoctorOptions, 'clientFor' | 'now'>> & Pick<DoctorOptions, 'signal'>,
): Promise<ProviderCheck> {
  const role: Role = row.role === 'worker (step)' ? 'worker' : row.role;
  const cost = (usage: TokenUsage) => (row.price ? priceUsage(usage, row.price) : null);
  const started = o.now();
  try {
    const client = await o.clientFor(provider);
    const result = await client.call({
      role,
      model: row.model,
      instructions: INSTRUCTIONS,
      input: 'Are you there?',
      schema: DOCTOR_SCHEMA,
      // Returned unvalidated, so an answer that misses the schema is reported as such rather than as a failed call.
      validate: 'parts',
      maxOutputTokens: DOCTOR_MAX_OUTPUT_TOKENS,
      cacheKey: 'orchestrate-doctor',
      signal: o.signal,
    });
    const latencyMs = Math.max(0, Math.round(o.now() - started));
    const schemaMatched = DOCTOR_SCHEMA.safeParse(result.output).success;
    return { ...base, status: 'ok', latencyMs, usage: result.usage, costUsd: cost(result.usage), schemaMatched };
  } catch (err) {
    const usage = err instanceof CallFailed ? err.usage : emptyUsage();
    const code = isOrchestrateError(err) && !(err instanceof CallFailed) ? err.code : 'E_MODEL';
    const message = failureMessage(err, provider);
    return { ...base, status: 'failed', code, message, usage, costUsd: cost(usage) };
  }
}

/**
 * A failure in one line: the call's own message (with the code of one of our errors that is not the call's); one that
 * could not reach the server says what to check.
 */
function failureMessage(err: unknown, provider: ResolvedProvider): string {
  if (isOrchestrateError(err) && !(err instanceof CallFailed)) return `${err.code}: ${err.message}`;
  const message = err instanceof Error ? err.message : String(err);
  if (!/^could not reach\b/.test(message)) return message;
  const where =
    provider.name === DEFAULT_PROVIDER
      ? '`api.baseURL` (or OPENAI_BASE_URL)'
      : provider.type === 'azure' && !provider.baseURL
        ? `\`providers.${provider.name}.resource\``
        : `\`providers.${provider.name}.baseURL\``;
  const host = provider.baseURL ? ` at ${hostOf(provider.baseURL)}` : '';
  return `${message.replace(/\.?$/, '.')} Check that the server${host} is running and that ${where} is its address.`;
}

/** A URL's host, or the URL when it is none. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** What one call cannot tell, for the providers in use; the models past the call cap first. */
function cannotCheck(providers: ProviderView[], unchecked: Target[]): string[] {
  const out: string[] = [];
  if (unchecked.length)
    out.push(
      `Not checked (the doctor makes at most ${DOCTOR_MAX_CALLS} calls; another model of each provider was): ` +
        `${unchecked.map((t) => `${t.row.ref} (${t.roles.join(', ')})`).join(', ')}.`,
    );
  out.push(
    'Whether a server that accepts a JSON schema enforces it: one that ignores schemas can still answer a tiny one ' +
      'right (every answer of a run is validated locally either way).',
  );
  if (providers.some((p) => p.type === 'azure'))
    out.push(
      'Where an Azure deployment processes data: only a Data Zone Standard deployment in an EU resource keeps it in ' +
        'the EU data zone (see the deployment type in the Azure portal).',
    );
  if (providers.some((p) => p.preset === 'openrouter'))
    out.push(
      "Whether OpenRouter's routing is honoured (require_parameters, data_collection: deny, zdr): the answer does not " +
        'say which upstream provider served it.',
    );
  out.push(
    'Rate limits: one call says nothing about requests or tokens per minute (`rateLimits` and the adaptive backoff ' +
      'handle them in a run).',
    "Prices: costs come from orchestrate's price table (`prices`), not from the provider's bill.",
  );
  return out;
}

/** The line under the checks: all fine, some failed, or nothing checked (offline, no keys). */
function summaryLine(checks: ProviderCheck[], engine: EngineChoice): string {
  const count = (s: ProviderCheck['status']) => checks.filter((c) => c.status === s).length;
  const [ok, failed, skipped] = [count('ok'), count('failed'), count('not-checked')];
  if (engine.configured === 'offline')
    return 'No provider was checked: the engine is offline. Run `orchestrate doctor --engine auto` to check them.';
  if (engine.resolved === 'offline')
    return 'No provider was checked: no key is set, so runs use the offline engine. Set OPENAI_API_KEY and run `orchestrate doctor` again.';
  if (!ok && !failed)
    return 'No provider was checked: every key is missing. Set the key(s) above and run `orchestrate doctor` again.';
  const parts = [`${ok} ok`, failed ? `${failed} failed` : '', skipped ? `${skipped} not checked` : ''];
  const providers = new Set(checks.map((c) => c.provider)).size;
  const models = `${checks.length} model${checks.length === 1 ? '' : 's'}`;
  return `${models} on ${providers} provider${providers === 1 ? '' : 's'}: ${parts.filter(Boolean).join(', ')}.`;
}
