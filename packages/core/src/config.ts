import { z } from 'zod';
import { DEFAULTS } from './defaults.js';
import { ConfigError } from './errors.js';
import { resolveModels } from './resolve-models.js';
import { price, provider } from './provider-config.js';
import type { ResolvedProvider } from './providers.js';

const modelName = z.string().min(1);

/** The zod schema of `agents.config.ts`; the user type, the resolved type and the JSON schema derive from it. */
export const configSchema = z.strictObject({
  /** Which engine runs the models. `auto` = openai when an API key is configured, else offline. @default 'auto' */
  engine: z.enum(['auto', 'openai', 'offline']).default(DEFAULTS.engine),
  /** Model per role. @default { planner: 'gpt-5.4', worker: 'gpt-5.4-nano', verifier: 'gpt-5.4-mini' } */
  models: z
    .strictObject({
      planner: modelName.default(DEFAULTS.models.planner),
      worker: modelName.default(DEFAULTS.models.worker),
      verifier: modelName.default(DEFAULTS.models.verifier),
      /**
       * The worker models a plan step may choose (the planner picks per step, e.g. mini for bodies, nano for docs);
       * `worker` is always allowed. @default [] (every step uses `worker`)
       */
      workers: z.array(modelName).max(8).default([]),
    })
    .prefault({}),
  /**
   * Model providers by name; a role names one as `<provider>:<model>` (`azure-eu:my-nano-deployment`), a bare model
   * uses `openai`. @default {} (the OpenAI API, `api.baseURL` / OPENAI_BASE_URL)
   */
  providers: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'a provider name is lowercase letters, digits, `-` and `_`'),
      provider,
    )
    .default({}),
  /**
   * Who plans: `auto` = the rules when they map the task (no planner call), else the planner model; `model` always
   * asks the model; `rules` never does. @default 'auto'
   */
  planning: z.enum(['auto', 'model', 'rules']).default(DEFAULTS.planning),
  /** Prices in USD per million tokens, merged over the built-in table. @default the gpt-5.4 family list prices */
  prices: z.record(z.string(), price).default({}),
  /** The model API. */
  api: z
    .strictObject({
      /** Base URL of an OpenAI-compatible API (OpenRouter, a gateway, Ollama, vLLM). @default OPENAI_BASE_URL or the OpenAI API */
      baseURL: z.url({ protocol: /^https?$/ }).optional(),
      /** Wire API: the Responses API, or chat completions for servers without it. @default 'responses' */
      wire: z.enum(['responses', 'chat_completions']).default(DEFAULTS.api.wire),
      /** Per-request timeout in milliseconds. @default 120000 */
      timeoutMs: z.int().positive().default(DEFAULTS.api.timeoutMs),
      /** How often a submitted batch is polled (Batch API, `--batch`), in milliseconds. @default 30000 */
      batchPollMs: z.int().min(10).default(DEFAULTS.api.batchPollMs),
      /** Retries per request on 408/409/429/5xx and connection errors. @default 2 */
      maxRetries: z.int().min(0).max(10).default(DEFAULTS.api.maxRetries),
    })
    .prefault({}),
  /**
   * Output-token cap per call and role; the budget reserves this worst case before each call.
   * @default { planner: 4000, worker: 800, verifier: 1500 }
   */
  maxOutputTokens: z
    .strictObject({
      planner: z.int().min(16).default(DEFAULTS.maxOutputTokens.planner),
      worker: z.int().min(16).default(DEFAULTS.maxOutputTokens.worker),
      verifier: z.int().min(16).default(DEFAULTS.maxOutputTokens.verifier),
    })
    .prefault({}),
  /** Input-token cap of one worker job's context pack (o200k tokens; instructions not counted); longer packs are cut. @default 3000 */
  maxJobInputTokens: z.int().min(200).default(DEFAULTS.maxJobInputTokens),
  /**
   * Small jobs of one kind packed into one worker call (same file first), each item validated on its own; a small run
   * packs fewer, to fill the concurrency.
   * @default { maxJobs: 16, maxInputTokens: 2500 }
   */
  packing: z
    .strictObject({
      /** Most jobs in one call; 1 turns packing off. */
      maxJobs: z.int().min(1).max(64).default(DEFAULTS.packing.maxJobs),
      /** Most context tokens (o200k) of the jobs in one call. */
      maxInputTokens: z.int().min(200).default(DEFAULTS.packing.maxInputTokens),
    })
    .prefault({}),
  /**
   * The repository's AGENTS.md files (and AGENTS.override.md, which wins in its folder), read from the base commit at
   * every depth, root → leaf for each job's file, as Codex reads them.
   * @default { maxBytes: 32768, maxTokens: 400 }
   */
  agentsMd: z
    .strictObject({
      /**
       * Most bytes (UTF-8) of the files that apply to one file; the file that crosses it is cut, the rest left out.
       * @default 32768
       */
      maxBytes: z
        .int()
        .min(0)
        .max(4 * 1024 * 1024)
        .default(DEFAULTS.agentsMd.maxBytes),
      /** Most tokens of their sections in one job's context pack (those that apply); 0 sends none. @default 400 */
      maxTokens: z.int().min(0).max(100_000).default(DEFAULTS.agentsMd.maxTokens),
    })
    .prefault({}),
  /** Requests and tokens per minute per model (your account's limits); calls wait to stay under them. @default none */
  rateLimits: z
    .record(z.string(), z.strictObject({ rpm: z.int().positive().optional(), tpm: z.int().positive().optional() }))
    .default({}),
  /** Model calls in flight at once. @default the worker provider's (OpenAI 64, Azure 32, …; `orchestrate models` shows it) */
  concurrency: z.int().min(1).max(256).optional(),
  /** Hard cap on the run's spend in USD; no new call starts once it would be crossed. @default no cap */
  budgetUsd: z.number().positive().optional(),
  /**
   * The verification ladder: a rejected job is retried once by the worker with the reason, then escalated once to the
   * verifier's model as worker, then given up.
   * @default { retry: true, escalate: true }
   */
  ladder: z
    .strictObject({
      retry: z.boolean().default(true),
      escalate: z.boolean().default(true),
      /**
       * The worker may answer that a job is beyond it (`escalate` with a reason): the job goes straight to the
       * verifier's model as worker. @default true
       */
      selfEscalate: z.boolean().default(true),
      /** Most jobs of a run that may escalate themselves, as a share of its jobs (the rest are verified as usual). @default 0.2 */
      maxSelfEscalations: z.number().min(0).max(1).default(0.2),
    })
    .prefault({}),
  /**
   * Per-kind settings, e.g. `{ reformat: { verify: false } }`; the keys are the jobs registry's kinds (checked by
   * `resolveConfig`'s caller, which knows them). @default verifier on for every kind but formatting
   */
  kinds: z
    .record(
      z.string(),
      z.strictObject({
        /** Send this kind's results to the verifier model. */
        verify: z.boolean().optional(),
      }),
    )
    .default({}),
  /**
   * The command that runs the repository's tests (gate for boilerplate bodies); detected from package.json when unset.
   * @default detected
   */
  testCommand: z.array(z.string().min(1)).min(1).optional(),
  /** Most review annotations kept per run (after the verifier drops low-confidence and duplicate ones). @default 50 */
  maxAnnotations: z.int().min(1).default(50),
  /** Most jobs judged per verifier call (a small run batches fewer, to fill the concurrency). @default 16 */
  verifyBatchSize: z.int().min(1).max(64).default(DEFAULTS.verifyBatchSize),
  /** Globs of files to index. @default TypeScript sources */
  include: z.array(z.string().min(1)).default([...DEFAULTS.include]),
  /** Globs of files never to index. @default declaration files, node_modules, dist, build */
  exclude: z.array(z.string().min(1)).default([...DEFAULTS.exclude]),
  /** Files larger than this are skipped. @default 1000000 */
  maxFileBytes: z.int().positive().default(DEFAULTS.maxFileBytes),
  /** What is kept from the models: secret files are never read, secret-looking strings are redacted from every request. */
  secrets: z
    .strictObject({
      /** Globs of more secret files, added to the built-in list (`.env*`, `*.pem`, `*.key`, `id_rsa*`, `.npmrc`, …). @default [] */
      files: z.array(z.string().min(1)).default([...DEFAULTS.secrets.files]),
      /**
       * Replace secret-looking strings (keys, tokens, private keys, random literals named like a secret) in every model
       * request with a placeholder.
       * @default true
       */
      redact: z.boolean().default(DEFAULTS.secrets.redact),
    })
    .prefault({}),
  /** Send traces to the OpenAI tracing backend. @default false */
  tracing: z.boolean().default(DEFAULTS.tracing),
});

/** The parsed configuration, before providers and prices are resolved. */
export type ParsedConfig = z.output<typeof configSchema>;
/** What a user writes in `agents.config.ts`. */
export type UserConfig = z.input<typeof configSchema>;
/** The configuration after defaults are applied. */
export type ResolvedConfig = Omit<z.output<typeof configSchema>, 'providers' | 'concurrency'> & {
  /** Prices by model ref (`gpt-5.4-nano`, `azure-eu:my-nano`): the built-in table, providers' prices, then `prices`. */
  prices: Record<string, ModelPrice>;
  /** Every provider, resolved (`openai` always among them). */
  providers: Record<string, ResolvedProvider>;
  /** Model calls in flight at once (the configured value, else the worker provider's default). */
  concurrency: number;
  /** Whether the user set `concurrency` (config or option): then every provider's calls use it as is. */
  concurrencySet?: boolean;
};
/** What a user writes for one provider. */
export type ProviderConfig = z.input<typeof provider>;
/** A model's prices in USD per million tokens. */
export type ModelPrice = z.output<typeof price>;

/** Identity function that types an `agents.config.ts`. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}

/**
 * Validates a user config (and overrides) and applies defaults; throws ConfigError naming the bad key. `kinds` are
 * the job kinds the `kinds` settings may name (the jobs registry's; core knows no kind).
 */
export function resolveConfig(user: unknown, source = 'config', kinds?: readonly string[]): ResolvedConfig {
  const parsed = configSchema.safeParse(user ?? {});
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error, source));
  const unknownKinds = kinds ? Object.keys(parsed.data.kinds).filter((k) => !kinds.includes(k)) : [];
  if (unknownKinds.length) {
    const lines = unknownKinds.map((k) => {
      const closest = closestKey(k, kinds!);
      const hint = closest ? ` — did you mean \`${closest}\`?` : '';
      return `unknown key \`${k}\` in \`kinds\`${hint} (allowed: ${kinds!.join(', ')})`;
    });
    const fix = "Fix the value(s) above; see the README's Configuration section for every key.";
    throw new ConfigError(`Invalid ${source}:\n  - ${lines.join('\n  - ')}\n${fix}`);
  }
  return { ...parsed.data, ...resolveModels(parsed.data, source) };
}

/** Turns zod issues into lines that name the key and what is allowed. */
function formatIssues(error: z.ZodError, source: string): string {
  const lines = error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length ? ` in \`${issue.path.join('.')}\`` : '';
      const allowed = allowedKeys(issue.path.map(String));
      // One line per key, so each gets its own suggestion.
      return issue.keys.map((k) => {
        const closest = allowed && closestKey(k, allowed);
        return (
          `unknown key \`${k}\`${where}` +
          (closest ? ` — did you mean \`${closest}\`?` : '') +
          (allowed ? ` (allowed: ${allowed.join(', ')})` : '')
        );
      });
    }
    const key = issue.path.join('.') || '(root)';
    return `\`${key}\`: ${issue.message}`;
  });
  return `Invalid ${source}:\n  - ${lines.join('\n  - ')}\nFix the value(s) above; see the README's Configuration section for every key.`;
}

/** The allowed key nearest to a mistyped one (case ignored), when it is near enough to be what was meant. */
export function closestKey(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = levenshtein(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Edit distance between two strings (insertions, deletions, substitutions). */
function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function allowedKeys(path: string[]): string[] | undefined {
  let node: z.ZodType = configSchema;
  for (const key of path) {
    // A record (`prices`, `kinds`, `rateLimits`) takes any key: step into its value's schema.
    const next = objectShape(node)?.[key] ?? recordValue(node);
    if (!next) return undefined;
    node = next;
  }
  const shape = objectShape(node);
  return shape ? Object.keys(shape) : undefined;
}

function recordValue(node: z.ZodType): z.ZodType | undefined {
  let cur: unknown = node;
  for (let i = 0; i < 5 && cur; i++) {
    if (cur instanceof z.ZodRecord) return cur.def.valueType as z.ZodType;
    cur = (cur as { def?: { innerType?: unknown } }).def?.innerType;
  }
  return undefined;
}

function objectShape(node: z.ZodType): Record<string, z.ZodType> | undefined {
  let cur: unknown = node;
  for (let i = 0; i < 5 && cur; i++) {
    if (cur instanceof z.ZodObject) return cur.shape as Record<string, z.ZodType>;
    const def = (cur as { def?: { innerType?: unknown } }).def;
    cur = def?.innerType;
  }
  return undefined;
}

/** JSON schema of the configuration file, for editors. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input' });
}
