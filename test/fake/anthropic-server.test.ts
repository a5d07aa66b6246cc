// The fake Messages API through the real @anthropic-ai/sdk: answers from the schema alone, the headers it checks, the
// usage it counts (with and without its prompt cache) and every scripted fault as the SDK sees it.
import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  anthropicFaults,
  defaultAnthropicHandler,
  startFakeAnthropic,
  type FakeAnthropic,
} from './anthropic-server.js';
import { countTokens } from './latency.js';

const Out = z.strictObject({ summary: z.string(), tags: z.array(z.string()), kind: z.enum(['fn', 'class']) });
const SCHEMA = z.toJSONSchema(Out);
const SYSTEM = 'You document TypeScript functions. '.repeat(30);

let server: FakeAnthropic;
beforeAll(async () => {
  server = await startFakeAnthropic(undefined, { keys: ['sk-ant-ok'], cache: { minTokens: 50 } });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.log.length = 0;
  server.setHandler(defaultAnthropicHandler);
});

function sdk(options: { apiKey?: string; maxRetries?: number; headers?: Record<string, string | null> } = {}) {
  return new Anthropic({
    apiKey: options.apiKey ?? 'sk-ant-ok',
    baseURL: server.url,
    maxRetries: options.maxRetries ?? 0,
    timeout: 5_000,
    defaultHeaders: options.headers ?? {},
  });
}

function create(
  client: Anthropic,
  system: string | Anthropic.TextBlockParam[] = SYSTEM,
  input = 'Document add(a, b).',
) {
  return client.messages.create({
    model: 'claude-haiku-4-5',
    max_tokens: 200,
    system,
    messages: [{ role: 'user', content: input }],
    output_config: { format: { type: 'json_schema', schema: SCHEMA } },
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (e: unknown) => e,
  );
}

describe('fake Messages API', () => {
  it('answers from the JSON schema alone: one text block that validates, end_turn, usage counted', async () => {
    const message = await create(sdk());
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-haiku-4-5' });
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content).toHaveLength(1);
    const block = message.content[0]!;
    expect(block.type).toBe('text');
    const text = block.type === 'text' ? block.text : '';
    expect(Out.parse(JSON.parse(text))).toEqual({ summary: 'fake text', tags: ['fake text'], kind: 'fn' });
    const [entry] = server.log;
    expect(entry!.request).toMatchObject({ path: '/v1/messages', model: 'claude-haiku-4-5', maxTokens: 200 });
    expect(entry!.request.schema).toEqual(SCHEMA);
    // A plain-string system prompt has no cache breakpoint: every input token is fresh.
    const input = countTokens(SYSTEM) + countTokens('Document add(a, b).') + countTokens(JSON.stringify(SCHEMA));
    expect(message.usage).toMatchObject({
      input_tokens: input,
      output_tokens: countTokens(text),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
    expect(entry!.usage).toEqual({
      input_tokens: input,
      output_tokens: countTokens(text),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
  });

  it('serves its prompt cache: the system prefix up to cache_control is written once per model, then read', async () => {
    const client = sdk();
    const system: Anthropic.TextBlockParam[] = [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }];
    const first = await create(client, system);
    const second = await create(client, system, 'Document sub(a, b).');
    const prefix = countTokens(SYSTEM);
    expect(first.usage.cache_creation_input_tokens).toBe(prefix);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
    expect(second.usage.cache_read_input_tokens).toBe(prefix);
    expect(second.usage.input_tokens).toBe(countTokens('Document sub(a, b).') + countTokens(JSON.stringify(SCHEMA)));
    // Under the minimum cacheable length nothing is cached.
    const short = await create(client, [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }]);
    expect(short.usage.cache_creation_input_tokens).toBe(0);
  });

  it('checks the key and the version headers as the API does', async () => {
    const wrong = await rejection(create(sdk({ apiKey: 'sk-ant-nope' })));
    expect(wrong).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((wrong as APIError).type).toBe('authentication_error');
    const byHeader = await create(sdk({ headers: { authorization: null, 'x-api-key': 'sk-ant-ok' } }));
    expect(byHeader.type).toBe('message');
    expect(server.log.at(-1)!.request.headers).toMatchObject({ apiKey: 'sk-ant-ok', authorization: null });
    const noVersion = await rejection(create(sdk({ headers: { 'anthropic-version': null } })));
    expect(noVersion).toBeInstanceOf(Anthropic.BadRequestError);
    expect(server.log.map((e) => e.status)).toEqual([401, 200, 400]);
  });

  it('a handler scripts usage and text; a 429 carries retry-after, which the SDK honours', async () => {
    let n = 0;
    server.setHandler(() =>
      n++ === 0 ? anthropicFaults.rateLimited(0.001) : { text: '{"summary":"x"}', usage: { output_tokens: 42 } },
    );
    const message = await create(sdk({ maxRetries: 1 }));
    expect(server.log.map((e) => e.status)).toEqual([429, 200]);
    expect(message.usage.output_tokens).toBe(42);
    server.setHandler(() => anthropicFaults.rateLimited(3));
    const err = await rejection(create(sdk()));
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect((err as APIError).headers?.get('retry-after')).toBe('3');
    expect((err as APIError).type).toBe('rate_limit_error');
  });

  it('529 is overloaded_error, 500 api_error', async () => {
    server.setHandler(() => anthropicFaults.overloaded());
    const overloaded = await rejection(create(sdk()));
    expect(overloaded).toBeInstanceOf(Anthropic.OverloadedError);
    expect((overloaded as APIError).type).toBe('overloaded_error');
    server.setHandler(() => anthropicFaults.serverError());
    const failed = await rejection(create(sdk()));
    expect(failed).toBeInstanceOf(Anthropic.InternalServerError);
    expect((failed as APIError).status).toBe(500);
  });

  it('cut off at max_tokens, no content, prose and a refusal are served as the API would', async () => {
    server.setHandler(() => anthropicFaults.cutOff());
    const cut = await create(sdk());
    expect(cut.stop_reason).toBe('max_tokens');
    expect(cut.usage.output_tokens).toBe(200);
    const text = cut.content[0]?.type === 'text' ? cut.content[0].text : '';
    expect(JSON.stringify({ summary: 'fake text', tags: ['fake text'], kind: 'fn' }).startsWith(text)).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
    server.setHandler(() => anthropicFaults.empty());
    expect((await create(sdk())).content).toEqual([]);
    server.setHandler(() => anthropicFaults.notJson());
    const prose = await create(sdk());
    expect(prose.content[0]).toMatchObject({ type: 'text', text: expect.stringMatching(/^Sure!/) });
    server.setHandler(() => ({ refusal: 'no' }));
    const refused = await create(sdk());
    expect(refused.stop_reason).toBe('refusal');
    expect(refused.stop_details).toMatchObject({ type: 'refusal', explanation: 'no' });
  });

  it('a reset socket and a body whose JSON ends early fail the SDK call', async () => {
    server.setHandler(() => ({ reset: 'before-headers' }));
    expect(await rejection(create(sdk()))).toBeInstanceOf(Anthropic.APIConnectionError);
    server.setHandler(() => ({ truncated: true }));
    expect(await rejection(create(sdk()))).toBeInstanceOf(Error);
    expect(server.log.map((e) => e.fault)).toEqual(['reset', 'truncated']);
  });

  it('refuses bodies the API refuses and paths it does not serve', async () => {
    const client = sdk();
    const noMessages = await rejection(
      client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [] }),
    );
    expect(noMessages).toBeInstanceOf(Anthropic.BadRequestError);
    const models = await rejection(client.models.list());
    expect(models).toBeInstanceOf(Anthropic.NotFoundError);
  });
});
