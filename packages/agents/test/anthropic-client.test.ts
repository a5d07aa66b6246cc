// The Anthropic engine through the real @anthropic-ai/sdk against the wire-level fake of the Messages API: the request
// it sends, the usage it counts (cache writes and reads) and their price, and how every fault ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { priceUsage, resolveConfig } from '@orchestrate/core';
import { CallFailed, type ModelClient, type StructuredCall, type ThrottleEvent } from '../src/index.js';
import { createAnthropicClient, anthropicUsage } from '../src/anthropic-client.js';
import {
  anthropicFaults,
  startFakeAnthropic,
  type AnthropicFakeRequest,
  type AnthropicReply,
  type FakeAnthropic,
} from '../../../test/fake/anthropic-server.js';
import { schemaFaker } from '../../../test/fake/schema-faker.js';

const Out = z.object({
  summary: z.string().describe('one sentence'),
  params: z.array(z.object({ name: z.string(), text: z.string() })),
  escalate: z.enum(['no', 'too-complex', 'needs-more-context', 'unclear-task']),
  ok: z.boolean(),
});
const INSTRUCTIONS = 'You write JSDoc comments. Answer with the JSON the schema asks for. '.repeat(20);

let server: FakeAnthropic;
const handlers = new Map<string, (req: AnthropicFakeRequest) => AnthropicReply>();
beforeAll(async () => {
  server = await startFakeAnthropic((req) => handlers.get(req.model)?.(req) ?? { json: schemaFaker(req.schema) }, {
    keys: ['sk-ant-test'],
    cache: true,
  });
});
afterAll(async () => {
  await server.close();
});

/** A scripted reply; `schema` answers from the request's JSON schema alone. */
type Script = AnthropicReply | 'schema';

/** A fresh client (fresh counts) on its own model id, answering with `replies` in order (the last one repeats). */
function clientFor(
  replies: Script[] | null,
  options: {
    maxRetries?: number;
    apiKey?: string;
    apiKeyEnv?: string;
    apiKeyHeader?: string;
    concurrency?: number;
    onThrottle?: (event: ThrottleEvent) => void;
  } = {},
) {
  const model = `claude-haiku-4-5-${Math.random().toString(36).slice(2)}`;
  let n = 0;
  if (replies)
    handlers.set(model, (req) => {
      const reply = replies[Math.min(n++, replies.length - 1)]!;
      return reply === 'schema' ? { json: schemaFaker(req.schema) } : reply;
    });
  const config = resolveConfig({
    providers: {
      claude: {
        type: 'anthropic',
        baseURL: server.url,
        headers: { 'x-team': 'docs' },
        ...(options.apiKeyEnv ? { apiKeyEnv: options.apiKeyEnv } : {}),
        ...(options.apiKeyHeader ? { apiKeyHeader: options.apiKeyHeader } : {}),
      },
    },
    models: { verifier: `claude:${model}` },
    api: { maxRetries: options.maxRetries ?? 2, timeoutMs: 5_000 },
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
  const client = createAnthropicClient({
    apiKey: options.apiKey ?? 'sk-ant-test',
    provider: config.providers.claude!,
    config,
    ...(options.onThrottle ? { onThrottle: options.onThrottle } : {}),
  });
  return { client, model, config, requests: () => server.log.filter((e) => e.request.model === model) };
}

function request(model: string, extra: Partial<StructuredCall<z.infer<typeof Out>>> = {}) {
  return {
    role: 'worker' as const,
    model,
    instructions: INSTRUCTIONS,
    input: 'Document `add(a, b)` in src/math.ts.',
    schema: Out,
    maxOutputTokens: 300,
    cacheKey: 'worker:docstring',
    ...extra,
  };
}

async function failure(client: ModelClient, model: string, validate?: 'parts'): Promise<CallFailed> {
  const err = await client.call(request(model, validate ? { validate } : {})).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CallFailed);
  return err as CallFailed;
}

describe('anthropic client: structured calls', () => {
  it('sends the Messages API request: model id, max_tokens, cached system block, user input, json_schema format', async () => {
    const { client, model, requests } = clientFor(null);
    const result = await client.call(request(model));
    expect(Out.parse(result.output)).toEqual(result.output);
    expect(result.model).toBe(model);
    const [entry] = requests();
    const body = entry!.request.body;
    expect(body.model).toBe(model);
    expect(body.max_tokens).toBe(300);
    expect(body.system).toEqual([{ type: 'text', text: INSTRUCTIONS, cache_control: { type: 'ephemeral' } }]);
    expect(body.messages).toEqual([{ role: 'user', content: 'Document `add(a, b)` in src/math.ts.' }]);
    expect(body.output_config.format.type).toBe('json_schema');
    expect(body.output_config.format.schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['summary', 'params', 'escalate', 'ok'],
      properties: {
        summary: { type: 'string', description: 'one sentence' },
        params: { type: 'array', items: { type: 'object', additionalProperties: false } },
        escalate: { enum: ['no', 'too-complex', 'needs-more-context', 'unclear-task'] },
        ok: { type: 'boolean' },
      },
    });
    expect(body).not.toHaveProperty('prompt_cache_key');
    expect(body).not.toHaveProperty('stream');
    // The key in x-api-key (the provider's header), no Bearer header, a version, the provider's extra headers.
    expect(entry!.request.headers).toMatchObject({ apiKey: 'sk-ant-test', authorization: null });
    expect(entry!.request.headers.version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(entry!.request.headers.all['x-team']).toBe('docs');
  });

  it('counts every input token, cache writes then reads, and prices them at the claude-haiku-4-5 rates', async () => {
    const { client, model, config, requests } = clientFor(null);
    const first = await client.call(request(model));
    const second = await client.call(request(model, { input: 'Document `sub(a, b)` in src/math.ts.' }));
    const [a, b] = requests().map((e) => e.usage!);
    expect(a!.cache_creation_input_tokens).toBeGreaterThan(100);
    expect(a!.cache_read_input_tokens).toBe(0);
    expect(b!.cache_read_input_tokens).toBe(a!.cache_creation_input_tokens);
    expect(first.usage).toEqual({
      requests: 1,
      inputTokens: a!.input_tokens + a!.cache_creation_input_tokens,
      cachedInputTokens: 0,
      cacheWriteInputTokens: a!.cache_creation_input_tokens,
      outputTokens: a!.output_tokens,
    });
    expect(second.usage).toEqual({
      requests: 1,
      inputTokens: b!.input_tokens + b!.cache_read_input_tokens,
      cachedInputTokens: b!.cache_read_input_tokens,
      outputTokens: b!.output_tokens,
    });
    const price = config.prices['claude-haiku-4-5'];
    expect(price).toEqual({ input: 1, cachedInput: 0.1, output: 5, cacheWrite: 1.25 });
    const usd = (n: number, perM: number) => (n * perM) / 1_000_000;
    expect(priceUsage(first.usage, price)).toBeCloseTo(
      usd(a!.input_tokens, 1) + usd(a!.cache_creation_input_tokens, 1.25) + usd(a!.output_tokens, 5),
      9,
    );
    expect(priceUsage(second.usage, price)).toBeCloseTo(
      usd(b!.input_tokens, 1) + usd(b!.cache_read_input_tokens, 0.1) + usd(b!.output_tokens, 5),
      9,
    );
  });

  it('reads null usage fields as 0', () => {
    expect(anthropicUsage({ input_tokens: 7, output_tokens: 3, cache_creation_input_tokens: null })).toEqual({
      requests: 1,
      inputTokens: 7,
      cachedInputTokens: 0,
      outputTokens: 3,
    });
    expect(anthropicUsage(null)).toEqual({ requests: 1, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 });
  });

  it('an answer that fails the schema is a schemaFailures fault; with validate: parts it is handed back as is', async () => {
    const bad = { json: { summary: 'fine', params: [], escalate: 'maybe', ok: 'yes' } };
    const { client, model } = clientFor([bad]);
    const err = await failure(client, model);
    expect(err.message).toMatch(/^the model's output failed its schema: /);
    expect(err).toMatchObject({ fatal: false, fault: 'schemaFailures' });
    expect(err.usage.requests).toBe(1);
    expect(client.faults!()).toEqual({ schemaFailures: 1 });
    const parts = await client.call(request(model, { validate: 'parts' }));
    expect(parts.output).toEqual(bad.json);
  });

  it('the key can go as Bearer when the provider says so', async () => {
    const { client, model, requests } = clientFor(null, { apiKeyHeader: 'authorization' });
    await client.call(request(model));
    expect(requests()[0]!.request.headers).toMatchObject({ apiKey: null, authorization: 'Bearer sk-ant-test' });
  });
});

describe.concurrent('anthropic client: faults', () => {
  it('429s with retry-after are retried, counted and throttle the model (events name its ref)', async () => {
    const events: ThrottleEvent[] = [];
    const { client, model, requests } = clientFor(
      [anthropicFaults.rateLimited(), anthropicFaults.rateLimited(0.001), 'schema'],
      { onThrottle: (e) => events.push(e) },
    );
    await client.call(request(model));
    expect(requests().map((e) => e.status)).toEqual([429, 429, 200]);
    expect(client.faults!()).toEqual({ rateLimited: 2 });
    // Keyed by the model's ref, as usage and the report name it; the provider's cap of 16 halved once per second.
    expect(client.throttling!()).toEqual({ [`claude:${model}`]: { throttled: 2, minConcurrency: 8 } });
    expect(events[0]).toMatchObject({ model: `claude:${model}`, concurrency: 8 });
  });

  it("the user's concurrency holds as is, above the provider's cap of 16 (as in the OpenAI engine)", async () => {
    const events: ThrottleEvent[] = [];
    const { client, model, config } = clientFor([anthropicFaults.rateLimited(0.001), 'schema'], {
      concurrency: 40,
      onThrottle: (e) => events.push(e),
    });
    expect(config.concurrencySet).toBe(true);
    await client.call(request(model));
    expect(events[0]).toMatchObject({ model: `claude:${model}`, concurrency: 20 });
    expect(client.throttling!()).toEqual({ [`claude:${model}`]: { throttled: 1, minConcurrency: 20 } });
  });

  it('a 429 storm past maxRetries fails with one line', async () => {
    const { client, model } = clientFor([anthropicFaults.rateLimited()], { maxRetries: 1 });
    const err = await failure(client, model);
    expect(err.message).toBe('the API kept answering 429 (rate limited) after 1 retry');
    expect(err.fatal).toBe(false);
    expect(client.faults!()).toEqual({ rateLimited: 2 });
  });

  it('529 overloaded_error and 500 are server errors: retried, and a persisting one fails the call', async () => {
    const retried = clientFor([anthropicFaults.overloaded(), anthropicFaults.serverError(), 'schema']);
    await retried.client.call(request(retried.model));
    expect(retried.requests().map((e) => e.status)).toEqual([529, 500, 200]);
    expect(retried.client.faults!()).toEqual({ serverErrors: 2 });
    const failed = clientFor([anthropicFaults.overloaded()], { maxRetries: 1 });
    const err = await failure(failed.client, failed.model);
    expect(err.message).toMatch(/^the API failed with 529 after 1 retry: .*overloaded_error/);
    expect(failed.client.faults!()).toEqual({ serverErrors: 2 });
  });

  it('an answer cut off at max_tokens is an incomplete fault, its usage counted', async () => {
    const { client, model, requests } = clientFor([anthropicFaults.cutOff()]);
    const err = await failure(client, model);
    expect(err.message).toBe("the model's output was cut off (stop_reason: max_tokens)");
    expect(err.fault).toBe('incomplete');
    expect(err.usage.outputTokens).toBe(300);
    expect(requests()).toHaveLength(1);
    expect(client.faults!()).toEqual({ incomplete: 1 });
  });

  it('no content block, an empty text and prose instead of JSON are refused with their fault kinds', async () => {
    const empty = clientFor([anthropicFaults.empty()]);
    expect(await failure(empty.client, empty.model)).toMatchObject({
      message: 'the model returned no output',
      fault: 'emptyOutput',
    });
    const blank = clientFor([{ text: '  ' }]);
    expect((await failure(blank.client, blank.model)).fault).toBe('emptyOutput');
    const prose = clientFor([anthropicFaults.notJson()]);
    expect(await failure(prose.client, prose.model)).toMatchObject({
      message: "the model's output was not valid JSON",
      fault: 'invalidJson',
    });
    expect(prose.client.faults!()).toEqual({ invalidJson: 1 });
    const huge = clientFor([{ json: Array(40_000).fill('word'), usage: { output_tokens: 40_000 } }]);
    expect((await failure(huge.client, huge.model)).fault).toBe('oversizedOutput');
  });

  it('a refusal fails the call, saying the model refused', async () => {
    const { client, model } = clientFor([{ refusal: 'This request touches on restricted material.' }]);
    const err = await failure(client, model);
    expect(err.message).toBe('the model refused: This request touches on restricted material.');
    expect(err).toMatchObject({ fatal: false, fault: 'emptyOutput' });
  });

  it('resets and a body whose JSON ends early are retried, then fail with one line', async () => {
    const retried = clientFor([{ reset: 'mid-body' }, { truncated: true }, 'schema']);
    await retried.client.call(request(retried.model));
    expect(retried.client.faults!()).toEqual({ connectionErrors: 1, truncatedBody: 1 });
    const cut = clientFor([{ truncated: true }], { maxRetries: 1 });
    expect((await failure(cut.client, cut.model)).message).toBe(
      "the API's answer was cut off (its JSON body ended early) after 1 retry",
    );
  });

  it('a rejected key is fatal and names the provider and its key variable', async () => {
    const { client, model, requests } = clientFor(null, { apiKey: 'sk-wrong', apiKeyEnv: 'CLAUDE_KEY' });
    const err = await failure(client, model);
    expect(err.message).toBe('provider `claude` (Anthropic) rejected the key (401). Check CLAUDE_KEY.');
    expect(err.fatal).toBe(true);
    expect(requests()).toHaveLength(1);
    const standard = clientFor(null, { apiKey: 'sk-wrong' });
    expect((await failure(standard.client, standard.model)).message).toMatch(/Check ANTHROPIC_API_KEY\.$/);
  });

  it('a model the API does not serve (404) is fatal and says what to set', async () => {
    const { client, model } = clientFor([{ status: 404, message: 'model: not found' }]);
    const err = await failure(client, model);
    expect(err.message).toContain(
      `model \`${model}\` was not found at provider \`claude\` (Anthropic) (404). Set models.*`,
    );
    expect(err.fatal).toBe(true);
  });

  it('an abort through the signal fails the call as aborted, not as a fault', async () => {
    // The API asks for a 60 s wait; the caller gives up while the SDK waits (aborted from the fake, on the request).
    const controller = new AbortController();
    const { client, model } = clientFor(null);
    handlers.set(model, () => {
      controller.abort();
      return anthropicFaults.rateLimited(60);
    });
    const err = await client.call(request(model, { signal: controller.signal })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ message: 'aborted', fatal: false });
  });
});
