// The SDKs read settings from process.env themselves (OPENAI_CUSTOM_HEADERS, OPENAI_ORG_ID, OPENAI_PROJECT_ID,
// OPENAI_BASE_URL, ANTHROPIC_CUSTOM_HEADERS, ANTHROPIC_BASE_URL). On the wire, through the real SDKs, none of them
// reaches a provider other than the default one: not Azure, not a compatible server, not Anthropic; and a provider
// without a base URL goes to its own API, never to the URL in the environment.
import https from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { resolveConfig, type UserConfig } from '@orchestrate/core';
import { type ModelClient } from '@orchestrate/agents';
import { createOpenAIClient } from '@orchestrate/agents/openai';
import { createAnthropicClient } from '../src/anthropic-client.js';
import { nullEnvHeaders } from '../src/sdk-env.js';
import { schemaFaker, startFakeOpenAI, type FakeServer } from '../../../test/fake/openai-server.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../../test/fake/anthropic-server.js';

const Out = z.object({ summary: z.string() });
const SECRET = 'helicone-SECRET';

let openai: FakeServer;
let trap: FakeServer;
let anthropic: FakeAnthropic;
let anthropicTrap: FakeAnthropic;
const saved = new Map<string, string | undefined>();

beforeAll(async () => {
  openai = await startFakeOpenAI((req) => ({ json: schemaFaker(req.schema) }));
  trap = await startFakeOpenAI((req) => ({ json: schemaFaker(req.schema) }));
  anthropic = await startFakeAnthropic(undefined, { keys: ['sk-ant'] });
  anthropicTrap = await startFakeAnthropic();
  const env: Record<string, string> = {
    OPENAI_CUSTOM_HEADERS: `X-Helicone-Auth: Bearer ${SECRET}\ncf-aig-authorization: ${SECRET}\nX-Team: env-team`,
    OPENAI_ORG_ID: 'org-123',
    OPENAI_PROJECT_ID: 'proj-123',
    OPENAI_BASE_URL: trap.url,
    ANTHROPIC_CUSTOM_HEADERS: `X-Portkey-Api-Key: ${SECRET}`,
    ANTHROPIC_BASE_URL: anthropicTrap.url,
  };
  for (const [name, value] of Object.entries(env)) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
});
afterAll(async () => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await Promise.all([openai.close(), trap.close(), anthropic.close(), anthropicTrap.close()]);
});
afterEach(() => {
  vi.restoreAllMocks();
});

function call(client: ModelClient, model: string) {
  return client.call({
    role: 'worker',
    model,
    instructions: 'Summarise.',
    input: 'function add(a, b) { return a + b; }',
    schema: Out,
    maxOutputTokens: 100,
    cacheKey: 'worker:summary',
  });
}

function config(user: UserConfig) {
  return resolveConfig({ api: { maxRetries: 0, timeoutMs: 5_000 }, ...user });
}

/** No header value or name of the environment's in a request's headers. */
function expectClean(headers: Record<string, unknown>) {
  const text = JSON.stringify(headers);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain('org-123');
  expect(text).not.toContain('proj-123');
  expect(headers['openai-organization']).toBeUndefined();
  expect(headers['openai-project']).toBeUndefined();
}

/** The hosts the client's HTTPS requests go to (each refused at once, so nothing leaves the machine). */
function refuseHttps(): string[] {
  const hosts: string[] = [];
  vi.spyOn(https, 'request').mockImplementation(((url: URL) => {
    hosts.push(url.host);
    throw new Error('no network in tests');
  }) as unknown as typeof https.request);
  return hosts;
}

describe('SDK environment variables never reach another provider', () => {
  it('Azure gets only its own key and headers: no custom headers, organization or project from the env', async () => {
    const root = openai.url.replace(/\/v1$/, '');
    const cfg = config({
      providers: { az: { type: 'azure', baseURL: `${root}/openai/v1/`, headers: { 'x-team': 'docs' } } },
      models: { worker: 'az:nano' },
    });
    const provider = cfg.providers.az!;
    const client = createOpenAIClient({ apiKey: 'az-key', baseURL: provider.baseURL, config: cfg, provider });
    await call(client, 'az:nano');
    const entry = openai.log.at(-1)!;
    expect(entry.request.path).toBe('/openai/v1/responses');
    expect(entry.request.headers['api-key']).toBe('az-key');
    expect(entry.request.headers['x-team']).toBe('docs');
    expectClean(entry.request.headers);
    expect(trap.log).toHaveLength(0);
  });

  it('a compatible server (chat completions) gets none of them either, and its own header of the same name stays', async () => {
    const cfg = config({
      providers: {
        or: { type: 'openai-compatible', baseURL: openai.url, headers: { 'x-team': 'mine' } },
      },
      models: { worker: 'or:qwen' },
    });
    const provider = cfg.providers.or!;
    const client = createOpenAIClient({ apiKey: 'sk-or', baseURL: provider.baseURL, config: cfg, provider });
    await call(client, 'or:qwen');
    const entry = openai.log.at(-1)!;
    expect(entry.request.headers.authorization).toBe('Bearer sk-or');
    expect(entry.request.headers['x-team']).toBe('mine');
    expect(entry.request.headers['x-helicone-auth']).toBeUndefined();
    expect(entry.request.headers['cf-aig-authorization']).toBeUndefined();
    expectClean(entry.request.headers);
    expect(trap.log).toHaveLength(0);
  });

  it('a second `openai`-type provider without baseURL goes to the OpenAI API, not to OPENAI_BASE_URL', async () => {
    const hosts = refuseHttps();
    const cfg = config({ providers: { us: { type: 'openai' } }, models: { worker: 'us:gpt-5.4-nano' } });
    const provider = cfg.providers.us!;
    const client = createOpenAIClient({ apiKey: 'sk-us', baseURL: provider.baseURL, config: cfg, provider });
    await expect(call(client, 'us:gpt-5.4-nano')).rejects.toThrow();
    expect(hosts).toEqual(['api.openai.com']);
    expect(trap.log).toHaveLength(0);
  });

  it('the default provider keeps the user’s OpenAI setup (the env is theirs)', async () => {
    const cfg = config({});
    const client = createOpenAIClient({ apiKey: 'sk-main', baseURL: openai.url, config: cfg });
    await call(client, 'gpt-5.4-nano');
    const headers = openai.log.at(-1)!.request.headers;
    expect(headers['x-helicone-auth']).toBe(`Bearer ${SECRET}`);
    expect(headers['openai-organization']).toBe('org-123');
  });

  it('Anthropic gets no ANTHROPIC_CUSTOM_HEADERS, and its own base URL', async () => {
    const cfg = config({
      providers: { claude: { type: 'anthropic', baseURL: anthropic.url } },
      models: { verifier: 'claude:claude-haiku-4-5' },
    });
    const client = createAnthropicClient({ apiKey: 'sk-ant', provider: cfg.providers.claude!, config: cfg });
    await call(client, 'claude-haiku-4-5');
    const headers = anthropic.log.at(-1)!.request.headers;
    expect(headers.apiKey).toBe('sk-ant');
    expect(JSON.stringify(headers.all)).not.toContain(SECRET);
    expect(headers.all['x-portkey-api-key']).toBeUndefined();
    expect(anthropicTrap.log).toHaveLength(0);
  });

  it('an Anthropic provider without baseURL goes to the Anthropic API, not to ANTHROPIC_BASE_URL', async () => {
    const hosts = refuseHttps();
    const cfg = config({
      providers: { claude: { type: 'anthropic' } },
      models: { verifier: 'claude:claude-haiku-4-5' },
    });
    const client = createAnthropicClient({ apiKey: 'sk-ant', provider: cfg.providers.claude!, config: cfg });
    await expect(call(client, 'claude-haiku-4-5')).rejects.toThrow();
    expect(hosts).toEqual(['api.anthropic.com']);
    expect(anthropicTrap.log).toHaveLength(0);
  });
});

describe('nullEnvHeaders', () => {
  it('nulls each name the variable lists, as the SDKs parse it, except the provider’s own', () => {
    const env = { X: ' A-One: 1\nbad line\n B : x:y \n: nameless' };
    expect(nullEnvHeaders('X', {}, env)).toEqual({ 'A-One': null, B: null });
    expect(nullEnvHeaders('X', { 'a-one': 'mine' }, env)).toEqual({ B: null });
    expect(nullEnvHeaders('Y', {}, env)).toEqual({});
  });
});
