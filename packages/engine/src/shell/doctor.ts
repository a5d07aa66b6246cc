// `orchestrate doctor`: one tiny structured call per provider the roles use, and a plain list of what one call cannot
// tell. Data only; the shells render it. Its calls are counted and priced like a run's.
import { z } from 'zod';
import {
  addUsage,
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

const INSTRUCTIONS = 'This is a health check. Answer with the JSON object {"ok": true} and nothing else.';

/** What is common to every provider's check: which provider, and the model it was (or would have been) asked with. */
interface CheckBase {
  provider: string;
  type: ProviderView['type'];
  preset: ProviderView['preset'];
  /** The ref the check uses (the provider's worker model, else its verifier's, step worker's or planner's). */
  ref: string;
  /** The id the provider is sent. */
  model: string;
  /** The roles on this provider. */
  roles: ModelRow['role'][];
}

/** One provider's check. */
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
  | (CheckBase & { status: 'failed'; message: string; usage: TokenUsage; costUsd: number | null })
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

/** Whose model a provider's check uses, first found first: a worker's is what most of a run's calls go to. */
const ROLE_ORDER: ModelRow['role'][] = ['worker', 'verifier', 'worker (step)', 'planner'];

/**
 * Checks each provider a role uses with one structured call (`{ ok: boolean }`, 16 output tokens) on its worker (or
 * verifier) model: ok with latency, usage and whether the answer matched; failed with the call's message; or
 * not-checked with the reason (a missing key names its variable; the offline engine calls nothing).
 */
export async function runDoctor(config: ResolvedConfig, env: Env, options: DoctorOptions = {}): Promise<DoctorResult> {
  const view = describeModels(config, env);
  const clientFor = options.clientFor ?? ((p: ResolvedProvider) => providerClient(p, config, env));
  const now = options.now ?? (() => performance.now());
  const checks = await Promise.all(
    view.providers.map(async (p): Promise<ProviderCheck> => {
      const rows = view.roles.filter((r) => r.provider === p.name);
      const row = ROLE_ORDER.map((role) => rows.find((r) => r.role === role)).find(Boolean)!;
      const base: CheckBase = {
        provider: p.name,
        type: p.type,
        preset: p.preset,
        ref: row.ref,
        model: row.model,
        roles: [...new Set(rows.map((r) => r.role))],
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
    cannotCheck: cannotCheck(view.providers),
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
    return { ...base, status: 'failed', message: failureMessage(err), usage, costUsd: cost(usage) };
  }
}

/** A failure in one line: the call's own message, with the code of one of our errors that is not the call's. */
function failureMessage(err: unknown): string {
  if (err instanceof CallFailed) return err.message;
  if (isOrchestrateError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** What one call cannot tell, for the providers in use. */
function cannotCheck(providers: ProviderView[]): string[] {
  const out = [
    'Whether a server that accepts a JSON schema enforces it: one that ignores schemas can still answer a tiny one ' +
      'right (every answer of a run is validated locally either way).',
  ];
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
  return `${checks.length} provider${checks.length === 1 ? '' : 's'}: ${parts.filter(Boolean).join(', ')}.`;
}
