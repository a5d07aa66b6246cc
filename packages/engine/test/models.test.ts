// describeModels: what `orchestrate models` shows for a resolved config and an environment (no model is called).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  builtinCapabilities,
  resolveConfig,
  type ProviderType,
  type ResolvedProvider,
  type UserConfig,
} from '@orchestrate/core';
import { describeModels, engineFor } from '../src/shell/models.js';

const SECRET = 'sk-test-0123456789abcdefSECRET';

const MIXED: UserConfig = {
  providers: {
    'azure-eu': { type: 'azure', resource: 'my-eu-resource' },
    claude: { type: 'anthropic' },
    openrouter: { type: 'openai-compatible', baseURL: 'https://openrouter.ai/api/v1' },
    ollama: { type: 'openai-compatible', baseURL: 'http://localhost:11434/v1' },
  },
  models: {
    planner: 'gpt-5.4',
    worker: 'azure-eu:my-nano',
    verifier: 'claude:claude-haiku-4-5',
    workers: ['openrouter:openai/gpt-5.4-mini', 'ollama:qwen2.5:7b', 'azure-eu:my-nano'],
  },
};

describe('describeModels', () => {
  it('the default config: three roles on openai, list prices, the key missing, auto resolved to offline', () => {
    const view = describeModels(resolveConfig({}), {});
    expect(view.roles).toEqual([
      {
        role: 'planner',
        ref: 'gpt-5.4',
        provider: 'openai',
        model: 'gpt-5.4',
        price: { input: 2.5, cachedInput: 0.25, output: 15 },
      },
      {
        role: 'worker',
        ref: 'gpt-5.4-nano',
        provider: 'openai',
        model: 'gpt-5.4-nano',
        price: { input: 0.2, cachedInput: 0.02, output: 1.25 },
      },
      {
        role: 'verifier',
        ref: 'gpt-5.4-mini',
        provider: 'openai',
        model: 'gpt-5.4-mini',
        price: { input: 0.75, cachedInput: 0.075, output: 4.5 },
      },
    ]);
    expect(view.providers).toHaveLength(1);
    expect(view.providers[0]).toMatchObject({
      name: 'openai',
      type: 'openai',
      preset: null,
      endpoint: { host: 'api.openai.com', source: 'default' },
      key: { env: 'OPENAI_API_KEY', status: 'missing' },
      capabilities: { api: 'responses', schemaEnforced: true, batch: true, concurrency: 64 },
    });
    expect(view.engine).toMatchObject({ configured: 'auto', resolved: 'offline' });
    expect(view.concurrency).toEqual({ value: 64, source: 'provider', provider: 'openai' });
    expect(view.planning).toBe('auto');
    expect(view.notes).toEqual([]);
  });

  it('auto is openai once OPENAI_API_KEY is set (blank counts as unset); offline and openai are as configured', () => {
    expect(engineFor(resolveConfig({}), { OPENAI_API_KEY: SECRET }).resolved).toBe('openai');
    expect(engineFor(resolveConfig({}), { OPENAI_API_KEY: '  ' }).resolved).toBe('offline');
    expect(engineFor(resolveConfig({ engine: 'offline' }), { OPENAI_API_KEY: SECRET }).resolved).toBe('offline');
    expect(engineFor(resolveConfig({ engine: 'openai' }), {}).resolved).toBe('openai');
  });

  it('a mixed config: each role on its provider, model ids, hosts, capabilities and keys set / missing / not needed', () => {
    const view = describeModels(resolveConfig(MIXED), { AZURE_OPENAI_API_KEY: SECRET });
    expect(view.roles.map((r) => [r.role, r.ref, r.provider, r.model])).toEqual([
      ['planner', 'gpt-5.4', 'openai', 'gpt-5.4'],
      ['worker', 'azure-eu:my-nano', 'azure-eu', 'my-nano'],
      ['verifier', 'claude:claude-haiku-4-5', 'claude', 'claude-haiku-4-5'],
      // The step worker that repeats `worker` is left out.
      ['worker (step)', 'openrouter:openai/gpt-5.4-mini', 'openrouter', 'openai/gpt-5.4-mini'],
      ['worker (step)', 'ollama:qwen2.5:7b', 'ollama', 'qwen2.5:7b'],
    ]);
    const byName = Object.fromEntries(view.providers.map((p) => [p.name, p]));
    expect(Object.keys(byName)).toEqual(['openai', 'azure-eu', 'claude', 'openrouter', 'ollama']);
    expect(byName['azure-eu']).toMatchObject({
      type: 'azure',
      endpoint: { host: 'my-eu-resource.openai.azure.com', source: 'config' },
      key: { env: 'AZURE_OPENAI_API_KEY', status: 'set' },
      capabilities: { api: 'responses', batch: false, concurrency: 32 },
    });
    expect(byName.claude).toMatchObject({
      endpoint: { host: 'api.anthropic.com', source: 'default' },
      key: { env: 'ANTHROPIC_API_KEY', status: 'missing' },
      capabilities: { api: 'messages', cacheWriteUsage: true, promptCacheKey: false },
    });
    expect(byName.openrouter).toMatchObject({
      preset: 'openrouter',
      key: { env: 'OPENROUTER_API_KEY', status: 'missing' },
      capabilities: { api: 'chat_completions', schemaEnforced: true },
    });
    expect(byName.ollama).toMatchObject({
      preset: 'local',
      endpoint: { host: 'localhost:11434' },
      key: { env: null, status: 'not needed' },
      capabilities: { schemaEnforced: false, cachedUsage: false, concurrency: 4 },
    });
    // A role on another provider: auto calls models even without OPENAI_API_KEY.
    expect(view.engine.resolved).toBe('openai');
    expect(view.engine.reason).toContain('azure-eu');
    expect(view.concurrency).toEqual({ value: 32, source: 'provider', provider: 'azure-eu' });
  });

  it('prices by ref: a model without one says a budget cannot hold; the Anthropic price has its cache-write rate', () => {
    const view = describeModels(resolveConfig(MIXED), {});
    const price = (ref: string) => view.roles.find((r) => r.ref === ref)!.price;
    expect(price('azure-eu:my-nano')).toBeNull();
    expect(price('ollama:qwen2.5:7b')).toBeNull();
    expect(price('claude:claude-haiku-4-5')).toEqual({ input: 1, cachedInput: 0.1, output: 5, cacheWrite: 1.25 });
    // OpenRouter's ids are priced by their last segment.
    expect(price('openrouter:openai/gpt-5.4-mini')).toEqual({ input: 0.75, cachedInput: 0.075, output: 4.5 });
    const noPrice = view.notes.filter((n) => n.includes('no price'));
    expect(noPrice).toHaveLength(2);
    expect(noPrice[0]).toContain('`azure-eu:my-nano`');
    expect(noPrice[0]).toContain('--budget cannot hold');
    expect(view.notes.some((n) => n.includes('ANTHROPIC_API_KEY is not set'))).toBe(true);

    const priced = describeModels(
      resolveConfig({ ...MIXED, prices: { 'azure-eu:my-nano': { input: 0.2, cachedInput: 0.02, output: 1.25 } } }),
      {},
    );
    expect(priced.roles.find((r) => r.ref === 'azure-eu:my-nano')!.price).toEqual({
      input: 0.2,
      cachedInput: 0.02,
      output: 1.25,
    });
  });

  it('concurrency set in the config says so; OPENAI_BASE_URL is the default provider host', () => {
    const view = describeModels(resolveConfig({ concurrency: 10 }), { OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1' });
    expect(view.concurrency).toEqual({ value: 10, source: 'config', provider: 'openai' });
    expect(view.providers[0]!.endpoint).toEqual({ host: '127.0.0.1:8080', source: 'OPENAI_BASE_URL' });
    const own = describeModels(resolveConfig({ api: { baseURL: 'http://127.0.0.1:9/v1' } }), {
      OPENAI_BASE_URL: 'http://other:1/v1',
    });
    expect(own.providers[0]!.endpoint).toEqual({ host: '127.0.0.1:9', source: 'config' });
  });

  it("a concurrency set to the provider's default is still the user's (config.concurrencySet)", () => {
    const set = describeModels(resolveConfig({ concurrency: 64 }), {});
    expect(set.concurrency).toEqual({ value: 64, source: 'config', provider: 'openai' });
    expect(describeModels(resolveConfig({}), {}).concurrency.source).toBe('provider');
  });

  it('the default provider with a base URL and no key: the key is not needed (a run calls it without one)', () => {
    const viaEnv = describeModels(resolveConfig({}), { OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1' });
    expect(viaEnv.providers[0]!.key).toEqual({ env: 'OPENAI_API_KEY', status: 'not needed' });
    const viaConfig = describeModels(resolveConfig({ api: { baseURL: 'http://127.0.0.1:9/v1' } }), {});
    expect(viaConfig.providers[0]!.key).toEqual({ env: 'OPENAI_API_KEY', status: 'not needed' });
    expect(viaConfig.notes.join('\n')).not.toContain('E_NO_API_KEY');
    // Another provider's key is never excused by a base URL.
    const azure = describeModels(
      resolveConfig({
        providers: { az: { type: 'azure', baseURL: 'https://x.openai.azure.com/openai/v1/' } },
        models: { worker: 'az:nano' },
      }),
      { OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1' },
    );
    expect(azure.providers.find((p) => p.name === 'az')!.key.status).toBe('missing');
  });

  it("OPENAI_BASE_URL is the default provider's only: another `openai`-type provider goes to the OpenAI API", () => {
    const view = describeModels(
      resolveConfig({ providers: { us: { type: 'openai' } }, models: { worker: 'us:gpt-5.4-nano' } }),
      { OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1' },
    );
    expect(view.providers.find((p) => p.name === 'us')!.endpoint).toEqual({
      host: 'api.openai.com',
      source: 'default',
    });
    expect(view.providers.find((p) => p.name === 'openai')!.endpoint.source).toBe('OPENAI_BASE_URL');
  });

  it('never holds a key or any part of it', () => {
    const env = {
      OPENAI_API_KEY: SECRET,
      AZURE_OPENAI_API_KEY: SECRET,
      ANTHROPIC_API_KEY: SECRET,
      OPENROUTER_API_KEY: SECRET,
    };
    const text = JSON.stringify(describeModels(resolveConfig(MIXED), env));
    expect(text).not.toContain(SECRET.slice(0, 8));
    expect(text).not.toContain(SECRET.slice(-8));
    expect(text).toContain('OPENROUTER_API_KEY');
  });
});

/** The README's capability table, rendered from the built-in records (so the two cannot drift). */
function capabilityTable(): string {
  const rows: [string, ProviderType, ResolvedProvider['preset']][] = [
    ['OpenAI', 'openai', null],
    ['Azure OpenAI', 'azure', null],
    ['OpenRouter (`openrouter.ai`)', 'openai-compatible', 'openrouter'],
    ['Opper (`opper.ai`)', 'openai-compatible', 'opper'],
    ['Ollama, vLLM on `localhost`', 'openai-compatible', 'local'],
    ['another compatible server', 'openai-compatible', null],
    ['Anthropic', 'anthropic', null],
  ];
  const mark = (b: boolean) => (b ? 'yes' : 'no');
  const head = [
    'provider',
    'type',
    'API',
    'schema enforced',
    'Batch API',
    'cached usage',
    'cache writes',
    '`prompt_cache_key`',
    'concurrency',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const [name, type, preset] of rows) {
    const c = builtinCapabilities(type, preset, undefined);
    const cells = [name, `\`${type}\``, `\`${c.api}\``, mark(c.schemaEnforced), mark(c.batch), mark(c.cachedUsage)];
    cells.push(mark(c.cacheWriteUsage), mark(c.promptCacheKey), String(c.concurrency));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

describe('README', () => {
  it("the Providers section's capability table is the built-in records", () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');
    const block = /<!-- capabilities:start[^\n]*-->\n([\s\S]*?)\n<!-- capabilities:end -->/.exec(readme);
    expect(block, 'the README has the capability table between its markers').not.toBeNull();
    expect(block![1]).toBe(capabilityTable());
  });
});
