// runDoctor: one tiny structured call per distinct model of the roles (at most DOCTOR_MAX_CALLS), through the real
// OpenAI SDK against the fake server (answers from the JSON schema alone), or through a client double; offline and
// keyless providers are not checked.
import { afterEach, describe, expect, it } from 'vitest';
import { emptyUsage, resolveConfig, type ResolvedProvider, type UserConfig } from '@orchestrate/core';
import { CallFailed, type ModelClient, type StructuredCall } from '@orchestrate/agents';
import { createOpenAIClient } from '@orchestrate/agents/openai';
import { startFakeOpenAI, type FakeServer } from '../../../test/fake/openai-server.js';
import { DOCTOR_MAX_CALLS, DOCTOR_MAX_OUTPUT_TOKENS, runDoctor, type ProviderCheck } from '../src/shell/doctor.js';

let fake: FakeServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const KEY = 'sk-doctor-test-key';
/** Every role on one model: one check, one call. */
const ONE: UserConfig = { api: { maxRetries: 0 }, models: { planner: 'gpt-5.4-nano', verifier: 'gpt-5.4-nano' } };

/** The SDK client of the default provider, pointed at the fake (the real `providerClient` is another helper's). */
const sdkClient = (config: ReturnType<typeof resolveConfig>) => async (): Promise<ModelClient> =>
  createOpenAIClient({ apiKey: KEY, baseURL: fake!.url, config });

const only = (checks: ProviderCheck[]) => {
  expect(checks).toHaveLength(1);
  return checks[0]!;
};

describe('runDoctor through the OpenAI SDK', () => {
  it('ok: latency, the usage the fake served, its price, the answer matched the schema; one request of 16 tokens', async () => {
    fake = await startFakeOpenAI();
    const config = resolveConfig(ONE);
    const result = await runDoctor(config, { OPENAI_API_KEY: KEY }, { clientFor: sdkClient(config) });
    const check = only(result.checks);
    expect(check).toMatchObject({
      provider: 'openai',
      ref: 'gpt-5.4-nano',
      model: 'gpt-5.4-nano',
      status: 'ok',
      schemaMatched: true,
      roles: ['planner', 'worker', 'verifier'],
    });
    expect(fake.log).toHaveLength(1);
    const served = fake.log[0]!;
    expect(served.request.model).toBe('gpt-5.4-nano');
    expect(served.request.body.max_output_tokens).toBe(DOCTOR_MAX_OUTPUT_TOKENS);
    expect(served.request.schema).toMatchObject({ type: 'object', properties: { ok: { type: 'boolean' } } });
    if (check.status !== 'ok') throw new Error('unreachable');
    expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    expect(check.usage).toMatchObject({
      requests: 1,
      inputTokens: served.usage!.input_tokens,
      outputTokens: served.usage!.output_tokens,
    });
    const expected = (served.usage!.input_tokens * 0.2 + served.usage!.output_tokens * 1.25) / 1e6;
    expect(check.costUsd).toBeCloseTo(expected, 9);
    expect(result.costUsd).toBeCloseTo(expected, 9);
    expect(result.usage.requests).toBe(1);
    expect(result.exitCode).toBe(0);
    expect(result.summary).toBe('1 model on 1 provider: 1 ok.');
    expect(result.unchecked).toEqual([]);
  });

  it('a server that ignores the schema: the call is ok, the answer did not match', async () => {
    fake = await startFakeOpenAI(() => ({ json: { status: 'fine' } }));
    const config = resolveConfig(ONE);
    const result = await runDoctor(config, { OPENAI_API_KEY: KEY }, { clientFor: sdkClient(config) });
    expect(only(result.checks)).toMatchObject({ status: 'ok', schemaMatched: false });
    expect(result.exitCode).toBe(0);
  });

  it.each([
    [401, 'invalid_api_key', 'rejected the key (401)'],
    [404, 'model_not_found', 'model `gpt-5.4-nano` was not found (404)'],
  ])('a %i is failed with the call message, exit 1', async (status, code, message) => {
    const error = { message: 'refused', type: 'invalid_request_error', code };
    fake = await startFakeOpenAI(() => ({ status, body: { error } }));
    const config = resolveConfig(ONE);
    const result = await runDoctor(config, { OPENAI_API_KEY: KEY }, { clientFor: sdkClient(config) });
    const check = only(result.checks);
    expect(check.status).toBe('failed');
    if (check.status !== 'failed') throw new Error('unreachable');
    expect(check.message).toContain(message);
    expect(check.code).toBe('E_MODEL');
    expect(result.exitCode).toBe(1);
    expect(result.summary).toContain('1 failed');
  });

  it('an unreachable server is failed', async () => {
    fake = await startFakeOpenAI();
    const url = fake.url;
    await fake.close();
    fake = undefined;
    const config = resolveConfig(ONE);
    const client = createOpenAIClient({ apiKey: KEY, baseURL: url, config });
    const result = await runDoctor(config, { OPENAI_API_KEY: KEY }, { clientFor: async () => client });
    const check = only(result.checks);
    if (check.status !== 'failed') throw new Error(`expected failed, got ${check.status}`);
    expect(check.code).toBe('E_MODEL');
    expect(check.message).toMatch(/^could not reach /);
    // It says what to do: the default provider's address is api.baseURL or OPENAI_BASE_URL.
    expect(check.message).toMatch(/Check that the server is running and that `api\.baseURL` \(or OPENAI_BASE_URL\)/);
    expect(result.exitCode).toBe(1);
  });

  it("an unreachable provider's message names its host and its baseURL key", async () => {
    fake = await startFakeOpenAI();
    const url = fake.url;
    await fake.close();
    fake = undefined;
    const config = resolveConfig({
      ...ONE,
      providers: { loc: { type: 'openai-compatible', baseURL: url } },
      models: { planner: 'loc:qwen', worker: 'loc:qwen', verifier: 'loc:qwen' },
    });
    const provider = config.providers.loc!;
    const client = createOpenAIClient({ apiKey: '', baseURL: provider.baseURL, config, provider });
    const result = await runDoctor(config, {}, { clientFor: async () => client });
    const check = only(result.checks);
    if (check.status !== 'failed') throw new Error(`expected failed, got ${check.status}`);
    expect(check.message).toContain(`Check that the server at ${new URL(url).host} is running`);
    expect(check.message).toContain('`providers.loc.baseURL` is its address.');
    expect(check.message).not.toMatch(/\.\. /);
  });
});

/** A client double that records its calls and answers `{ ok: true }` with fixed usage. */
function recorder() {
  const calls: { provider: string; request: StructuredCall<unknown> }[] = [];
  const clientFor = async (provider: ResolvedProvider): Promise<ModelClient> => ({
    async call<T>(request: StructuredCall<T>) {
      calls.push({ provider: provider.name, request: request as StructuredCall<unknown> });
      if (provider.name === 'broken')
        throw new CallFailed('401 Unauthorized', { ...emptyUsage(), requests: 1, inputTokens: 30 }, true);
      if (request.model.includes('nosuch'))
        throw new CallFailed(`model \`${request.model}\` was not found (404)`, { ...emptyUsage(), requests: 1 }, true);
      const usage = { requests: 1, inputTokens: 40, cachedInputTokens: 0, outputTokens: 4, cacheWriteInputTokens: 0 };
      return { output: { ok: true } as T, usage, model: request.model };
    },
  });
  return { calls, clientFor };
}

const MIXED: UserConfig = {
  providers: {
    'azure-eu': { type: 'azure', resource: 'my-eu-resource' },
    claude: { type: 'anthropic' },
    local: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:11434/v1' },
  },
  models: {
    planner: 'gpt-5.4',
    worker: 'azure-eu:my-nano',
    verifier: 'claude:claude-haiku-4-5',
    workers: ['local:qwen2.5:7b'],
  },
};

describe('runDoctor per model', () => {
  it('calls each model once with its model id and role; a missing key names the variable', async () => {
    const { calls, clientFor } = recorder();
    const env = { OPENAI_API_KEY: KEY, AZURE_OPENAI_API_KEY: KEY };
    const result = await runDoctor(resolveConfig(MIXED), env, { clientFor });
    expect(calls.map((c) => [c.provider, c.request.model, c.request.role]).sort()).toEqual([
      ['azure-eu', 'my-nano', 'worker'],
      ['local', 'qwen2.5:7b', 'worker'],
      ['openai', 'gpt-5.4', 'planner'],
    ]);
    for (const { request } of calls) expect(request.maxOutputTokens).toBe(16);
    const status = Object.fromEntries(result.checks.map((c) => [c.provider, c.status]));
    expect(status).toEqual({ openai: 'ok', 'azure-eu': 'ok', claude: 'not-checked', local: 'ok' });
    const claude = result.checks.find((c) => c.provider === 'claude')!;
    expect(claude).toMatchObject({ ref: 'claude:claude-haiku-4-5', roles: ['verifier'] });
    if (claude.status !== 'not-checked') throw new Error('unreachable');
    expect(claude.reason).toContain('ANTHROPIC_API_KEY');
    // Priced where the table has a price (gpt-5.4); the Azure deployment and the local model have none.
    expect(result.usage).toMatchObject({ requests: 3, inputTokens: 120, outputTokens: 12 });
    expect(result.costUsd).toBeCloseTo((40 * 2.5 + 4 * 15) / 1e6, 9);
    expect(result.unpriced.sort()).toEqual(['azure-eu:my-nano', 'local:qwen2.5:7b']);
    expect(result.exitCode).toBe(0);
    expect(result.summary).toBe('4 models on 4 providers: 3 ok, 1 not checked.');
    expect(result.cannotCheck.join('\n')).toMatch(/Data Zone/);
    expect(result.cannotCheck.join('\n')).toMatch(/Rate limits/);
    expect(result.cannotCheck.join('\n')).not.toMatch(/OpenRouter/);
  });

  it('a failed call counts what it cost; the client of another provider is not affected', async () => {
    const { clientFor } = recorder();
    const config = resolveConfig({
      providers: { broken: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1' } },
      models: { verifier: 'broken:gpt-5.4-mini' },
    });
    const result = await runDoctor(config, { OPENAI_API_KEY: KEY }, { clientFor });
    const broken = result.checks.find((c) => c.provider === 'broken')!;
    expect(broken).toMatchObject({
      status: 'failed',
      code: 'E_MODEL',
      message: '401 Unauthorized',
      usage: { inputTokens: 30 },
    });
    // The default provider's planner (gpt-5.4) and worker (gpt-5.4-nano) are each checked.
    const openai = result.checks.filter((c) => c.provider === 'openai');
    expect(openai.map((c) => [c.ref, c.status])).toEqual([
      ['gpt-5.4', 'ok'],
      ['gpt-5.4-nano', 'ok'],
    ]);
    expect(result.usage.inputTokens).toBe(110);
    expect(result.exitCode).toBe(1);
  });

  it('a client that cannot be built is failed with its error', async () => {
    const result = await runDoctor(
      resolveConfig(ONE),
      { OPENAI_API_KEY: KEY },
      {
        clientFor: async () => {
          throw new Error('no client for this provider');
        },
      },
    );
    expect(only(result.checks)).toMatchObject({
      status: 'failed',
      code: 'E_MODEL',
      message: 'no client for this provider',
    });
  });

  it('offline: no keys at all, or --engine offline: nothing is called, every provider not checked, exit 0', async () => {
    const { calls, clientFor } = recorder();
    const keyless = await runDoctor(resolveConfig(ONE), {}, { clientFor });
    expect(only(keyless.checks)).toMatchObject({ status: 'not-checked' });
    expect(keyless.exitCode).toBe(0);
    expect(keyless.summary).toMatch(/^No provider was checked: no key is set/);
    const offline = await runDoctor(
      resolveConfig({ ...MIXED, engine: 'offline' }),
      { OPENAI_API_KEY: KEY },
      { clientFor },
    );
    expect(offline.checks.map((c) => c.status)).toEqual(Array(4).fill('not-checked'));
    for (const c of offline.checks) if (c.status === 'not-checked') expect(c.reason).toContain('offline');
    expect(offline.exitCode).toBe(0);
    expect(offline.summary).toMatch(/engine is offline/);
    expect(calls).toHaveLength(0);
    expect(offline.usage.requests).toBe(0);
  });

  it('a wrong planner or step-worker id is caught: every distinct model is called, planner and models.workers too', async () => {
    const { calls, clientFor } = recorder();
    const config = resolveConfig({
      providers: { az: { type: 'azure', resource: 'my-eu-resource' } },
      models: { planner: 'gpt-5.4-nosuch', worker: 'az:nano', workers: ['az:nosuch-dep', 'az:nano'] },
    });
    const result = await runDoctor(config, { OPENAI_API_KEY: KEY, AZURE_OPENAI_API_KEY: KEY }, { clientFor });
    expect(calls.map((c) => [c.provider, c.request.model, c.request.role])).toEqual([
      ['openai', 'gpt-5.4-nosuch', 'planner'],
      ['openai', 'gpt-5.4-mini', 'verifier'],
      ['az', 'nano', 'worker'],
      ['az', 'nosuch-dep', 'worker'],
    ]);
    const failed = result.checks.filter((c) => c.status === 'failed');
    expect(failed.map((c) => [c.ref, c.roles])).toEqual([
      ['gpt-5.4-nosuch', ['planner']],
      ['az:nosuch-dep', ['worker (step)']],
    ]);
    for (const c of failed) expect(c).toMatchObject({ code: 'E_MODEL', message: expect.stringContaining('(404)') });
    expect(result.summary).toBe('4 models on 2 providers: 2 ok, 2 failed.');
    expect(result.exitCode).toBe(1);
  });

  it(`past ${DOCTOR_MAX_CALLS} models: each provider once first, then others; the rest named as not checked`, async () => {
    const { calls, clientFor } = recorder();
    const config = resolveConfig({
      providers: { loc: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1' } },
      models: { verifier: 'loc:v', workers: ['w1', 'w2', 'w3', 'w4', 'w5', 'w6'] },
    });
    const result = await runDoctor(config, { OPENAI_API_KEY: KEY }, { clientFor });
    expect(calls).toHaveLength(DOCTOR_MAX_CALLS);
    // The worker, the verifier (the only model of `loc`), then step workers in order; the planner and w5, w6 left.
    expect(result.checks.map((c) => c.ref)).toEqual(['gpt-5.4-nano', 'w1', 'w2', 'w3', 'w4', 'loc:v']);
    expect(result.unchecked).toEqual([
      { ref: 'gpt-5.4', provider: 'openai', roles: ['planner'] },
      { ref: 'w5', provider: 'openai', roles: ['worker (step)'] },
      { ref: 'w6', provider: 'openai', roles: ['worker (step)'] },
    ]);
    expect(result.cannotCheck[0]).toBe(
      `Not checked (the doctor makes at most ${DOCTOR_MAX_CALLS} calls; another model of each provider was): ` +
        'gpt-5.4 (planner), w5 (worker (step)), w6 (worker (step)).',
    );
  });

  it('the default provider with a base URL and no key is called (a run calls it so), not skipped as key missing', async () => {
    const { calls, clientFor } = recorder();
    const config = resolveConfig({ ...ONE, engine: 'openai', api: { baseURL: 'http://127.0.0.1:9/v1' } });
    const result = await runDoctor(config, {}, { clientFor });
    expect(calls).toHaveLength(1);
    expect(only(result.checks).status).toBe('ok');
  });

  it('an aborted doctor is E_INTERRUPTED', async () => {
    const abort = new AbortController();
    abort.abort();
    const clientFor = async (): Promise<ModelClient> => ({
      call: async () => {
        throw new CallFailed('aborted', emptyUsage(), true);
      },
    });
    await expect(
      runDoctor(resolveConfig({}), { OPENAI_API_KEY: KEY }, { clientFor, signal: abort.signal }),
    ).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
  });
});
