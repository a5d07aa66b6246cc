/** Every default of orchestrate's configuration, in one place. */
export const DEFAULTS = {
  engine: 'auto',
  models: { planner: 'gpt-5.4', worker: 'gpt-5.4-nano', verifier: 'gpt-5.4-mini' },
  /** USD per million tokens. */
  prices: {
    'gpt-5.4': { input: 2.5, cachedInput: 0.25, output: 15 },
    'gpt-5.4-mini': { input: 0.75, cachedInput: 0.075, output: 4.5 },
    'gpt-5.4-nano': { input: 0.2, cachedInput: 0.02, output: 1.25 },
    // Anthropic's list prices: cache reads at a tenth of input, 5-minute cache writes at 1.25×.
    'claude-haiku-4-5': { input: 1, cachedInput: 0.1, output: 5, cacheWrite: 1.25 },
  },
  api: { wire: 'responses', timeoutMs: 120_000, maxRetries: 2, batchPollMs: 30_000 },
  planning: 'auto',
  /** Model calls in flight when neither the config nor the provider's record says (the engine's floor). */
  concurrency: 8,
  maxJobInputTokens: 3_000,
  packing: { maxJobs: 16, maxInputTokens: 2_500 },
  /** AGENTS.md read root → leaf: the most bytes of a job's chain, and of its sections in one context pack (tokens). */
  agentsMd: { maxBytes: 32_768, maxTokens: 400 },
  verifyBatchSize: 16,
  include: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'],
  exclude: ['**/*.d.ts', '**/node_modules/**', '**/dist/**', '**/build/**'],
  maxFileBytes: 1_000_000,
  maxOutputTokens: { planner: 4_000, worker: 800, verifier: 1_500 },
  tracing: false,
  secrets: { files: [], redact: true },
  /**
   * Files that are never read, indexed or sent to a model, whatever `include` says (picomatch globs; a glob without a
   * slash matches the file name in any directory). `secrets.files` adds to these. `secrets.<data extension>` only, not
   * `secrets.*`: a `secrets.ts` is code (its literals are redacted like any other).
   */
  secretFiles: [
    '.env',
    '.env.*',
    '.envrc',
    '*.pem',
    '*.key',
    '*.p12',
    '*.pfx',
    '*.jks',
    '*.keystore',
    'id_rsa*',
    'id_dsa*',
    'id_ecdsa*',
    'id_ed25519*',
    '.npmrc',
    '.netrc',
    '_netrc',
    '.pypirc',
    '.git-credentials',
    '.htpasswd',
    'credentials.json',
    'credentials',
    '**/.aws/credentials',
    '**/.docker/config.json',
    'secrets.{json,yml,yaml,toml,ini,env,properties,txt}',
  ],
} as const;
