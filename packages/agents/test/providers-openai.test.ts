// Each OpenAI-style provider on the wire, through the real `openai` SDK and the Agents SDK model layer, against the fake
// server on 127.0.0.1: Azure's path, `api-key` header and deployment name; OpenRouter's routing object and model ids;
// a keyless local server; cached tokens, prompt_cache_key and concurrency as the capability record says.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinCapabilities, resolveConfig, type ResolvedProvider, type UserConfig } from '@orchestrate/core';
import { CallFailed, createRoutedClient, type ModelClient } from '@orchestrate/agents';
import { createOpenAIClient } from '@orchestrate/agents/openai';
import { schemaFaker, startFakeOpenAI, type FakeHandler, type FakeServer } from '../../../test/fake/openai-server.js';

const Out = z.object({ summary: z.string(), escalate: z.enum(['no', 'too-complex']) });

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A fake answering from the request's JSON schema alone (or with `handler`); its root is `url` without `/v1`. */
async function fake(handler?: FakeHandler): Promise<FakeServer & { root: string }> {
  const server = await startFakeOpenAI(
    handler ?? ((req) => ({ json: schemaFaker(req.schema), usage: { input: 120, cached: 40, output: 30 } })),
  );
  servers.push(server);
  return Object.assign(server, { root: server.url.replace(/\/v1$/, '') });
}

/** One worker call through a client. */
function call(client: ModelClient, model: string) {
  return client.call({
    role: 'worker',
    model,
    instructions: 'Document the function.',
    input: 'function add(a, b) { return a + b; }',
    schema: Out,
    maxOutputTokens: 200,
    cacheKey: 'worker:docstring',
  });
}

/** The config with `providers` and `models`, retries off (a failure is one request). */
function config(user: UserConfig) {
  return resolveConfig({ api: { maxRetries: 0, timeoutMs: 5_000 }, ...user });
}

describe('Azure OpenAI (v1 API)', () => {
  it('POSTs /openai/v1/responses with the key in `api-key` (no Bearer), the deployment as model, a json_schema', async () => {
    const server = await fake();
    const cfg = config({
      providers: { 'azure-eu': { type: 'azure', baseURL: `${server.root}/openai/v1/` } },
      models: { worker: 'azure-eu:my-nano' },
    });
    const provider = cfg.providers['azure-eu']!;
    const client = createOpenAIClient({ apiKey: 'azure-secret', baseURL: provider.baseURL, config: cfg, provider });
    const result = await call(client, 'azure-eu:my-nano');
    expect(result.model).toBe('azure-eu:my-nano');
    expect(result.output.escalate).toBe('no');
    // Azure reports cached tokens: they are kept.
    expect(result.usage).toEqual({ requests: 1, inputTokens: 120, cachedInputTokens: 40, outputTokens: 30 });
    expect(server.log).toHaveLength(1);
    const { request } = server.log[0]!;
    expect(request.path).toBe('/openai/v1/responses');
    expect(request.headers['api-key']).toBe('azure-secret');
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.stringify(request.headers).split('azure-secret')).toHaveLength(2); // the key is sent once
    expect(request.model).toBe('my-nano');
    expect(request.body.text.format.type).toBe('json_schema');
    expect(request.body.text.format.strict).toBe(true);
    expect(request.body.prompt_cache_key).toBe('worker:docstring');
  });

  it('a rejected key and a missing deployment name the provider and its key variable', async () => {
    const server = await fake((req) =>
      req.model === 'gone'
        ? { status: 404, body: { error: { message: 'DeploymentNotFound', type: 'invalid_request_error' } } }
        : { status: 401, body: { error: { message: 'Access denied', type: 'invalid_request_error' } } },
    );
    const cfg = config({
      providers: { 'azure-eu': { type: 'azure', baseURL: `${server.root}/openai/v1/` } },
      models: { worker: 'azure-eu:my-nano' },
    });
    const provider = cfg.providers['azure-eu']!;
    const client = createOpenAIClient({ apiKey: 'bad', baseURL: provider.baseURL, config: cfg, provider });
    const rejected = (await call(client, 'azure-eu:my-nano').catch((e: unknown) => e)) as CallFailed;
    expect(rejected).toBeInstanceOf(CallFailed);
    expect(rejected.fatal).toBe(true);
    expect(rejected.message).toMatch(
      /^the API of provider `azure-eu` rejected the key \(401\)\. Check AZURE_OPENAI_API_KEY \(providers\.azure-eu\.apiKeyEnv/,
    );
    const missing = (await call(client, 'gone').catch((e: unknown) => e)) as CallFailed;
    expect(missing.fatal).toBe(true);
    expect(missing.message).toMatch(/^model\/deployment `gone` was not found at provider `azure-eu` \(404\)\. /);
  });
});

describe('throttling by ref', () => {
  it("a 429 slows the provider's model down under its ref, and the event names the ref", async () => {
    let n = 0;
    const server = await fake((req) =>
      n++ === 0
        ? {
            status: 429,
            body: { error: { message: 'slow down', type: 'rate_limit' } },
            headers: { 'retry-after-ms': '1' },
          }
        : { json: schemaFaker(req.schema) },
    );
    const cfg = resolveConfig({
      api: { maxRetries: 1, timeoutMs: 5_000 },
      providers: { 'azure-eu': { type: 'azure', baseURL: `${server.root}/openai/v1/` } },
      models: { worker: 'azure-eu:my-nano' },
    });
    const provider = cfg.providers['azure-eu']!;
    const events: { model: string }[] = [];
    const client = createOpenAIClient({
      apiKey: 'k',
      baseURL: provider.baseURL,
      config: cfg,
      provider,
      onThrottle: (e) => events.push(e),
    });
    await call(client, 'azure-eu:my-nano');
    expect(Object.keys(client.throttling!())).toEqual(['azure-eu:my-nano']);
    expect(client.throttling!()['azure-eu:my-nano']!.minConcurrency).toBe(16);
    expect(events.map((e) => e.model)).toEqual(['azure-eu:my-nano']);
    expect(client.faults!()).toEqual({ rateLimited: 1 });
  });
});

describe('OpenRouter and other compatible servers', () => {
  /** An OpenRouter provider as `resolveConfig` resolves one on openrouter.ai, pointed at the fake. */
  function openRouter(baseURL: string): ResolvedProvider {
    return {
      name: 'openrouter',
      type: 'openai-compatible',
      baseURL,
      apiKeyEnv: 'OPENROUTER_API_KEY',
      apiKeyHeader: 'authorization',
      headers: { 'x-title': 'orchestrate' },
      body: { provider: { require_parameters: true, data_collection: 'deny' } },
      capabilities: builtinCapabilities('openai-compatible', 'openrouter', undefined),
      preset: 'openrouter',
    };
  }

  it('resolveConfig gives an openrouter.ai provider the routing object (require_parameters, no data collection)', () => {
    const cfg = resolveConfig({
      providers: {
        openrouter: { type: 'openai-compatible', baseURL: 'https://openrouter.ai/api/v1' },
        zdr: { type: 'openai-compatible', baseURL: 'https://openrouter.ai/api/v1', routing: { zdr: true } },
        other: { type: 'openai-compatible', baseURL: 'https://models.example.com/v1' },
      },
    });
    expect(cfg.providers.openrouter!.preset).toBe('openrouter');
    expect(cfg.providers.openrouter!.apiKeyEnv).toBe('OPENROUTER_API_KEY');
    expect(cfg.providers.openrouter!.body).toEqual({ provider: { require_parameters: true, data_collection: 'deny' } });
    expect(cfg.providers.zdr!.body).toEqual({
      provider: { require_parameters: true, data_collection: 'deny', zdr: true },
    });
    expect(cfg.providers.other!.body).toEqual({});
  });

  it('sends the routing object and the provider-prefixed id on chat completions with response_format json_schema', async () => {
    const server = await fake();
    const provider = openRouter(`${server.root}/api/v1`);
    const cfg = config({});
    const client = createOpenAIClient({ apiKey: 'or-key', baseURL: provider.baseURL, config: cfg, provider });
    // Through the router, as the engine calls it: the ref names the provider, the wire gets the id.
    const routed = createRoutedClient({ openrouter: client }, ['openai', 'openrouter']);
    const result = await call(routed, 'openrouter:openai/gpt-5.4-nano');
    expect(result.model).toBe('openrouter:openai/gpt-5.4-nano');
    const { request } = server.log[0]!;
    expect(request.path).toBe('/api/v1/chat/completions');
    expect(request.kind).toBe('chat');
    expect(request.model).toBe('openai/gpt-5.4-nano');
    expect(request.body.provider).toEqual({ require_parameters: true, data_collection: 'deny' });
    expect(request.body.response_format.type).toBe('json_schema');
    expect(request.body.response_format.json_schema.strict).toBe(true);
    expect(request.headers.authorization).toBe('Bearer or-key');
    expect(request.headers['x-title']).toBe('orchestrate');
    // OpenRouter takes no prompt_cache_key (capability), and does report cached tokens.
    expect(request.body).not.toHaveProperty('prompt_cache_key');
    expect(result.usage.cachedInputTokens).toBe(40);
  });

  it('body fields reach the Responses API body too', async () => {
    const server = await fake();
    const provider = { ...openRouter(`${server.root}/api/v1`), body: { provider: { zdr: true } } };
    provider.capabilities = { ...provider.capabilities, api: 'responses' };
    const client = createOpenAIClient({ apiKey: 'k', baseURL: provider.baseURL, config: config({}), provider });
    await call(client, 'openai/gpt-5.4-nano');
    expect(server.log[0]!.request.path).toBe('/api/v1/responses');
    expect(server.log[0]!.request.body.provider).toEqual({ zdr: true });
    expect(server.log[0]!.request.body.text.format.type).toBe('json_schema');
  });

  it('a local server that takes no key gets no Authorization header; its cached tokens are priced as fresh input', async () => {
    const server = await fake();
    const cfg = config({
      providers: { local: { type: 'openai-compatible', baseURL: server.url } },
      models: { worker: 'local:qwen2.5:7b' },
    });
    const provider = cfg.providers.local!;
    expect(provider.apiKeyEnv).toBeNull();
    expect(provider.capabilities.cachedUsage).toBe(false);
    const client = createOpenAIClient({ apiKey: '', baseURL: provider.baseURL, config: cfg, provider });
    const result = await call(client, 'local:qwen2.5:7b');
    expect(result.model).toBe('local:qwen2.5:7b');
    expect(result.usage).toEqual({ requests: 1, inputTokens: 120, cachedInputTokens: 0, outputTokens: 30 });
    const { request } = server.log[0]!;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.model).toBe('qwen2.5:7b');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).not.toHaveProperty('prompt_cache_key');
  });
});

describe('concurrency per provider', () => {
  /**
   * Starts `calls` calls on a fake that holds every request until `open` of them are in flight at once, and returns
   * the most seen in flight. A limiter that allows fewer than `open` never opens the gate (the test times out).
   */
  async function mostInFlight(user: UserConfig, provider: string, open: number, calls: number): Promise<number> {
    let inFlight = 0;
    let most = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server = await fake(async (req) => {
      most = Math.max(most, ++inFlight);
      if (inFlight >= open) release();
      await gate;
      inFlight--;
      return { json: schemaFaker(req.schema) };
    });
    const cfg = config({
      ...user,
      providers: { [provider]: { type: 'openai-compatible', baseURL: server.url } },
      models: { worker: `${provider}:m` },
    });
    const client = createOpenAIClient({
      apiKey: '',
      baseURL: server.url,
      config: cfg,
      provider: cfg.providers[provider],
    });
    await Promise.all(Array.from({ length: calls }, () => call(client, `${provider}:m`)));
    return most;
  }

  it("without a configured concurrency a provider gets its capability's (a local server: 4)", async () => {
    expect(await mostInFlight({}, 'local', 4, 10)).toBe(4);
  });

  it("the user's concurrency holds as set, above the provider's default", async () => {
    expect(await mostInFlight({ concurrency: 6 }, 'local', 6, 10)).toBe(6);
  });
});
