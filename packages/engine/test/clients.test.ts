// The model engine's clients chosen from the config: which providers the roles use, `auto`, missing keys (one
// E_NO_API_KEY naming every variable), and `--batch` only where a provider has a Batch API.
import { describe, expect, it } from 'vitest';
import { resolveConfig, type UserConfig } from '@orchestrate/core';
import { batchClient, checkPrices, providerClient, resolveClient, rolesProviders } from '../src/clients.js';

const AZURE = { type: 'azure', baseURL: 'http://127.0.0.1:9/openai/v1/' } as const;
const LOCAL = { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1' } as const;

/** A resolved config with an `azure-eu` and a `local` provider. */
function config(user: UserConfig = {}) {
  return resolveConfig({ ...user, providers: { 'azure-eu': AZURE, local: LOCAL, ...user.providers } });
}

/** What a promise rejected with, as `{ code, message }`. */
async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = (await p.then(
    () => null,
    (e: unknown) => e,
  )) as { code: string; message: string } | null;
  if (!err) throw new Error('expected a rejection');
  return { code: err.code, message: err.message };
}

const noThrottle = () => {};

describe('resolveClient', () => {
  it('lists the providers the roles use, step workers included', () => {
    const cfg = config({
      models: { worker: 'azure-eu:nano', verifier: 'gpt-5.4-mini', workers: ['local:qwen2.5:7b'] },
    });
    expect(rolesProviders(cfg).map((p) => p.name)).toEqual(['openai', 'azure-eu', 'local']);
  });

  it('every role on the default provider: auto keeps its rule (offline without OPENAI_API_KEY)', async () => {
    expect(await resolveClient(config(), {}, noThrottle)).toBeNull();
    expect(await resolveClient(config(), { OPENAI_API_KEY: 'k' }, noThrottle)).not.toBeNull();
    expect(await resolveClient(config({ engine: 'offline' }), { OPENAI_API_KEY: 'k' }, noThrottle)).toBeNull();
    const err = await failure(resolveClient(config({ engine: 'openai' }), {}, noThrottle));
    expect(err.code).toBe('E_NO_API_KEY');
    expect(err.message).toMatch(/^The openai engine needs OPENAI_API_KEY/);
  });

  it('a role on another provider: auto means the models, and every missing key is named in one E_NO_API_KEY', async () => {
    const cfg = config({ models: { worker: 'azure-eu:my-nano' } });
    const err = await failure(resolveClient(cfg, {}, noThrottle));
    expect(err.code).toBe('E_NO_API_KEY');
    expect(err.message).toContain('provider `openai` needs OPENAI_API_KEY');
    expect(err.message).toContain('provider `azure-eu` needs AZURE_OPENAI_API_KEY (providers.azure-eu.apiKeyEnv)');
    const only = await failure(resolveClient(cfg, { OPENAI_API_KEY: 'k' }, noThrottle));
    expect(only.message).toMatch(
      /^provider `azure-eu` needs AZURE_OPENAI_API_KEY \(providers\.azure-eu\.apiKeyEnv\)\. /,
    );
    expect(only.message).not.toContain('OPENAI_API_KEY (or');
    // A custom variable is the one named.
    const own = config({
      providers: { 'azure-eu': { ...AZURE, apiKeyEnv: 'EU_KEY' } },
      models: { planner: 'azure-eu:big', worker: 'azure-eu:nano', verifier: 'azure-eu:mini' },
    });
    expect((await failure(resolveClient(own, {}, noThrottle))).message).toMatch(/^provider `azure-eu` needs EU_KEY /);
  });

  it('keys present: one provider gets its own client, several the router; a keyless local server needs none', async () => {
    const mixed = config({ models: { worker: 'azure-eu:my-nano', verifier: 'local:mini' } });
    const env = { OPENAI_API_KEY: 'k', AZURE_OPENAI_API_KEY: 'a' };
    expect(await resolveClient(mixed, env, noThrottle)).not.toBeNull();
    const local = config({ models: { planner: 'local:big', worker: 'local:nano', verifier: 'local:mini' } });
    expect(await resolveClient(local, {}, noThrottle)).not.toBeNull();
  });

  it('providerClient: a provider whose key variable is empty is E_NO_API_KEY naming it', async () => {
    const cfg = config();
    const err = await failure(providerClient(cfg.providers['azure-eu']!, cfg, { AZURE_OPENAI_API_KEY: ' ' }));
    expect(err.code).toBe('E_NO_API_KEY');
    expect(err.message).toMatch(/^provider `azure-eu` needs AZURE_OPENAI_API_KEY \(providers\.azure-eu\.apiKeyEnv\)/);
  });

  it('an anthropic role needs ANTHROPIC_API_KEY like any other provider', async () => {
    const cfg = config({ providers: { claude: { type: 'anthropic' } }, models: { worker: 'claude:claude-haiku-4-5' } });
    const err = await failure(resolveClient(cfg, { OPENAI_API_KEY: 'k' }, noThrottle));
    expect(err.code).toBe('E_NO_API_KEY');
    expect(err.message).toMatch(/^provider `claude` needs ANTHROPIC_API_KEY \(providers\.claude\.apiKeyEnv\)/);
  });
});

describe('batchClient (--batch)', () => {
  const onBatch = { onBatch: () => {} };

  it('an azure worker has no Batch API: E_USAGE naming the provider', async () => {
    const cfg = config({ models: { worker: 'azure-eu:my-nano' } });
    const err = await failure(batchClient(cfg, { OPENAI_API_KEY: 'k', AZURE_OPENAI_API_KEY: 'a' }, onBatch));
    expect(err).toEqual({
      code: 'E_USAGE',
      message:
        '--batch needs a provider with a Batch API: `azure-eu` (azure) has none (`orchestrate models` shows ' +
        'capabilities). Drop --batch, or put models.worker and models.verifier on a provider that has one (the ' +
        'OpenAI API).',
    });
  });

  it('a compatible verifier or step worker is refused too; the OpenAI API is accepted', async () => {
    const verifier = config({ models: { verifier: 'local:mini' } });
    expect((await failure(batchClient(verifier, { OPENAI_API_KEY: 'k' }, onBatch))).message).toContain(
      '`local` (openai-compatible) has none',
    );
    const step = config({ models: { workers: ['local:qwen'] } });
    expect((await failure(batchClient(step, { OPENAI_API_KEY: 'k' }, onBatch))).code).toBe('E_USAGE');
    const client = await batchClient(
      config({ models: { worker: 'openai:gpt-5.4-nano' } }),
      { OPENAI_API_KEY: 'k' },
      onBatch,
    );
    expect(client.priceMultiplier).toBe(0.5);
  });
});

describe('checkPrices', () => {
  it('a budget with an unpriced model is a config error naming the prices key; without a budget, a warning', () => {
    const warnings: string[] = [];
    const unpriced = config({ models: { worker: 'local:qwen2.5:7b' } });
    checkPrices(unpriced, (m) => warnings.push(m));
    expect(warnings).toEqual([expect.stringContaining('no price for `local:qwen2.5:7b`')]);
    expect(() => checkPrices({ ...unpriced, budgetUsd: 0.5 }, () => {})).toThrow(
      /A budget cannot hold for `local:qwen2\.5:7b`.*prices: \{ 'local:qwen2\.5:7b'/,
    );
    const priced = config({
      models: { worker: 'local:qwen2.5:7b' },
      prices: { 'local:qwen2.5:7b': { input: 0, cachedInput: 0, output: 0 } },
      budgetUsd: 0.5,
    });
    expect(() => checkPrices(priced, () => {})).not.toThrow();
    // OpenRouter's `openai/gpt-5.4-nano` is priced by its last segment; an Azure deployment name by nothing.
    expect(() =>
      checkPrices(config({ models: { worker: 'azure-eu:gpt-5.4-nano' }, budgetUsd: 1 }), () => {}),
    ).not.toThrow();
    expect(() => checkPrices(config({ models: { worker: 'azure-eu:my-nano' }, budgetUsd: 1 }), () => {})).toThrow(
      /azure-eu:my-nano/,
    );
  });
});
