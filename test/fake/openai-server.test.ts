process.env.OPENAI_AGENTS_DISABLE_TRACING = '1';

import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import OpenAI from 'openai';
import { Agent, Runner, OpenAIProvider } from '@openai/agents';
import { z } from 'zod';
import { startFakeOpenAI, schemaFaker, type FakeServer } from './openai-server.js';

const Out = z.object({ a: z.string(), n: z.number() });

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.log.length = 0;
  server.setHandler((req) => (req.schema ? { json: schemaFaker(req.schema) } : { text: 'ok' }));
});

function makeRunner(useResponses: boolean, maxRetries = 0) {
  const openAIClient = new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries });
  const runner = new Runner({
    modelProvider: new OpenAIProvider({ openAIClient, useResponses }),
    tracingDisabled: true,
  });
  const agent = new Agent({ name: 'fake', instructions: 'be fake', model: 'gpt-4.1-mini', outputType: Out });
  return { runner, agent, openAIClient };
}

describe.each([
  { api: 'responses', useResponses: true },
  { api: 'chat', useResponses: false },
] as const)('agents SDK over $api', ({ api, useResponses }) => {
  it('plain run: structured output, schema extracted, usage as served', async () => {
    server.setHandler(() => ({ json: { a: 'hello', n: 42 }, usage: { input: 11, output: 7, cached: 3 } }));
    const { runner, agent } = makeRunner(useResponses);
    const result = await runner.run(agent, 'x');
    expect(Out.parse(result.finalOutput)).toEqual({ a: 'hello', n: 42 });

    expect(server.log).toHaveLength(1);
    const entry = server.log[0]!;
    expect(entry.status).toBe(200);
    expect(entry.request.kind).toBe(api);
    expect(entry.request.stream).toBe(false);
    expect(entry.request.model).toBe('gpt-4.1-mini');
    expect(entry.request.schemaName).toBeTypeOf('string');
    expect(entry.request.schema).toMatchObject({
      type: 'object',
      properties: { a: { type: 'string' }, n: { type: 'number' } },
    });
    expect(entry.usage).toEqual({ input_tokens: 11, output_tokens: 7, cached_tokens: 3 });

    const usage = result.rawResponses[0]!.usage;
    expect(usage.inputTokens).toBe(11);
    expect(usage.outputTokens).toBe(7);
    expect(usage.totalTokens).toBe(18);
    expect(usage.inputTokensDetails[0]?.cached_tokens).toBe(3);
  });

  it('streamed run: default handler fakes schema-valid output', async () => {
    const { runner, agent } = makeRunner(useResponses);
    const result = await runner.run(agent, 'x', { stream: true });
    let deltas = '';
    for await (const ev of result.toTextStream()) deltas += ev;
    await result.completed;
    const out = Out.parse(result.finalOutput);
    expect(out).toEqual({ a: 'fake text', n: 1 });
    expect(JSON.parse(deltas)).toEqual(out);

    expect(server.log).toHaveLength(1);
    const entry = server.log[0]!;
    expect(entry.request.stream).toBe(true);
    expect(entry.request.schema).not.toBeNull();
    const served = entry.usage!;
    expect(served.input_tokens).toBe(Math.ceil(JSON.stringify(entry.request.body).length / 4));
    expect(served.output_tokens).toBe(Math.ceil(JSON.stringify(out).length / 4));

    const usage = result.rawResponses[0]!.usage;
    expect(usage.inputTokens).toBe(served.input_tokens);
    expect(usage.outputTokens).toBe(served.output_tokens);
  });
});

describe('openai SDK directly', () => {
  it('responses.stream() accumulator accepts the event sequence', async () => {
    server.setHandler(() => ({ text: 'hello streaming world', usage: { input: 5, output: 4 } }));
    const client = new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0 });
    const stream = client.responses.stream({ model: 'm', input: 'x' });
    const types: string[] = [];
    stream.on('event', (e) => types.push(e.type));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('hello streaming world');
    expect(final.usage?.total_tokens).toBe(9);
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
  });

  it('chat.completions.stream() accumulator accepts the chunks', async () => {
    server.setHandler(() => ({ text: 'not json {' }));
    const client = new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0 });
    const stream = client.chat.completions.stream({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('not json {');
  });

  it('429 with retry-after-ms is retried by the SDK and both attempts are logged', async () => {
    // fresh server so that n (a per-server request counter) starts at 0
    const fresh = await startFakeOpenAI((_req, n) =>
      n === 0 ? { status: 429, headers: { 'retry-after-ms': '10' } } : { text: 'second time lucky' },
    );
    try {
      const client = new OpenAI({ baseURL: fresh.url, apiKey: 'test', maxRetries: 1 });
      const res = await client.responses.create({ model: 'm', input: 'x' });
      expect(res.output_text).toBe('second time lucky');
      expect(fresh.log.map((e) => e.status)).toEqual([429, 200]);
      expect(fresh.log[0]!.usage).toBeNull();
      expect(fresh.log[1]!.usage).not.toBeNull();
    } finally {
      await fresh.close();
    }
  });

  it('500 surfaces as APIError with the served body; unknown routes are 404', async () => {
    server.setHandler(() => ({ status: 500 }));
    const client = new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0 });
    const err = await client.chat.completions.create({ model: 'm', messages: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toContain('fake error');
    expect(server.log[0]!.status).toBe(500);

    const r = await fetch(`${server.url}/models`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as any).error.type).toBe('invalid_request_error');
  });
});

describe('fault modes', () => {
  const post = (path: string, body: unknown) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('incomplete: Responses status "incomplete" with the reason, chat finish_reason "length"', async () => {
    server.setHandler(() => ({ text: '{"a": "cut', incomplete: 'max_output_tokens' }));
    const r = (await (await post('/responses', { model: 'm', input: 'x' })).json()) as any;
    expect(r).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(r.output[0].content[0].text).toBe('{"a": "cut');
    const c = (await (await post('/chat/completions', { model: 'm', messages: [] })).json()) as any;
    expect(c.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: '{"a": "cut' } });
    // Streamed, the terminal event is response.incomplete.
    const sse = await (await post('/responses', { model: 'm', input: 'x', stream: true })).text();
    expect(sse).toContain('event: response.incomplete');
  });

  it('noOutput: no message item (Responses), null content (chat)', async () => {
    server.setHandler(() => ({ noOutput: true }));
    const r = (await (await post('/responses', { model: 'm', input: 'x' })).json()) as any;
    expect(r.output).toEqual([]);
    expect(r.status).toBe('completed');
    const c = (await (await post('/chat/completions', { model: 'm', messages: [] })).json()) as any;
    expect(c.choices[0].message.content).toBeNull();
  });

  it('reset before the headers fails the fetch; mid-body fails reading the body; both are logged as resets', async () => {
    server.setHandler(() => ({ reset: 'before-headers' }));
    await expect(post('/responses', { model: 'm', input: 'x' })).rejects.toThrow();
    server.setHandler(() => ({ reset: 'mid-body' }));
    const res = await post('/responses', { model: 'm', input: 'x' });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect(server.log.map((e) => e.fault)).toEqual(['reset', 'reset']);
  });

  it('hang: no answer before the headers, or headers and no body, until the client gives up', async () => {
    server.setHandler(() => ({ hang: 'before-headers' }));
    await expect(
      fetch(`${server.url}/responses`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
    server.setHandler(() => ({ hang: 'after-headers' }));
    const res = await fetch(`${server.url}/responses`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(300),
    });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect(server.log.map((e) => e.fault)).toEqual(['hang', 'hang']);
  });
});

describe('schemaFaker', () => {
  it('covers refs, unions, nullable types, enums, const, arrays and numeric bounds', () => {
    const schema = {
      type: 'object',
      $defs: { Item: { type: 'object', properties: { id: { type: 'integer', minimum: 5 } }, required: ['id'] } },
      definitions: { Color: { enum: ['red', 'green'] } },
      properties: {
        item: { $ref: '#/$defs/Item' },
        color: { $ref: '#/definitions/Color' },
        maybe: { type: ['string', 'null'] },
        either: { anyOf: [{ type: 'null' }, { type: 'boolean' }] },
        one: { oneOf: [{ type: 'number', minimum: 2.5 }, { type: 'string' }] },
        fixed: { const: 'k' },
        list: { type: 'array', items: { type: 'string' }, minItems: 2 },
        empty: { type: 'array', items: { type: 'string' }, maxItems: 0 },
        nil: { type: 'null' },
      },
      required: ['item', 'color', 'maybe', 'either', 'one', 'fixed', 'list', 'empty', 'nil', 'extra'],
    };
    const v = schemaFaker(schema);
    expect(v).toEqual({
      item: { id: 5 },
      color: 'red',
      maybe: 'fake text',
      either: true,
      one: 2.5,
      fixed: 'k',
      list: ['fake text', 'fake text'],
      empty: [],
      nil: null,
      extra: 'extra text',
    });
    expect(schemaFaker(schema)).toEqual(v);
  });
});
