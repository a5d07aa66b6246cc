// The OpenAI engine's client against scripted faults of the fake server, call by call (no CLI): how each fault ends
// (a retry, or a CallFailed with one clear line) and what `faults()` counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveConfig } from '@orchestrate/core';
import { CallFailed, type ModelClient } from '@orchestrate/agents';
import { createOpenAIClient } from '@orchestrate/agents/openai';
import { startFakeOpenAI, type FakeReply, type FakeServer } from '../fake/openai-server.js';

const Out = z.object({ summary: z.string() });
const OK: FakeReply = { json: { summary: 'fine' } };

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
});

/** A fresh client (fresh counts) on the given wire, answering with `replies` in order (the last one repeats). */
function clientFor(
  replies: FakeReply[],
  options: { wire?: 'responses' | 'chat_completions'; maxRetries?: number; timeoutMs?: number } = {},
) {
  const model = `m-${Math.random().toString(36).slice(2)}`;
  let n = 0;
  const own = (req: { model: string }) => req.model === model;
  handlers.push((req) => (own(req) ? replies[Math.min(n++, replies.length - 1)]! : undefined));
  const config = resolveConfig({
    api: {
      wire: options.wire ?? 'responses',
      maxRetries: options.maxRetries ?? 2,
      timeoutMs: options.timeoutMs ?? 5_000,
    },
  });
  const client = createOpenAIClient({ apiKey: 'k', baseURL: server.url, config });
  return { client, model, requests: () => server.log.filter((e) => own(e.request)) };
}

const handlers: ((req: { model: string }) => FakeReply | undefined)[] = [];
beforeAll(() => server.setHandler((req) => handlers.map((h) => h(req)).find((r) => r !== undefined) ?? OK));

async function call(client: ModelClient, model: string, validate?: 'parts'): Promise<unknown> {
  const result = await client.call({
    role: 'worker',
    model,
    instructions: 'i',
    input: 'x',
    schema: Out,
    maxOutputTokens: 100,
    cacheKey: 'k',
    ...(validate ? { validate } : {}),
  });
  return result.output;
}

async function failure(client: ModelClient, model: string, validate?: 'parts'): Promise<CallFailed> {
  const err = await call(client, model, validate).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CallFailed);
  return err as CallFailed;
}

const fast = { 'retry-after-ms': '5' };

describe.concurrent('openai client: model-side faults', () => {
  it('429s with retry-after-ms / retry-after are retried and counted', async () => {
    const { client, model, requests } = clientFor([
      { status: 429, headers: fast },
      { status: 429, headers: { 'retry-after': '0' } },
      OK,
    ]);
    expect(await call(client, model)).toEqual({ summary: 'fine' });
    expect(requests().map((e) => e.status)).toEqual([429, 429, 200]);
    expect(client.faults!()).toEqual({ rateLimited: 2 });
    expect(client.throttling!()[model]?.throttled).toBe(2);
  });

  it('a 429 storm past maxRetries fails the call with one line', async () => {
    const { client, model } = clientFor([{ status: 429, headers: fast }], { maxRetries: 1 });
    const err = await failure(client, model);
    expect(err.message).toBe('the API kept answering 429 (rate limited) after 1 retry');
    expect(err.fatal).toBe(false);
    expect(client.faults!()).toEqual({ rateLimited: 2 });
  });

  it('500 and 503 are retried; a 500 that persists fails the call', async () => {
    const retried = clientFor([{ status: 503, headers: fast }, { status: 500, headers: fast }, OK]);
    expect(await call(retried.client, retried.model)).toEqual({ summary: 'fine' });
    expect(retried.client.faults!()).toEqual({ serverErrors: 2 });
    const failed = clientFor([{ status: 500, headers: fast }], { maxRetries: 1 });
    expect((await failure(failed.client, failed.model)).message).toMatch(/^the API failed with 500 after 1 retry: /);
    expect(failed.client.faults!()).toEqual({ serverErrors: 2 });
  });

  it('a socket reset before the headers or in the middle of the body is retried', async () => {
    const { client, model, requests } = clientFor([{ reset: 'before-headers' }, { reset: 'mid-body' }, OK]);
    expect(await call(client, model)).toEqual({ summary: 'fine' });
    expect(requests().map((e) => e.fault ?? e.status)).toEqual(['reset', 'reset', 200]);
    expect(client.faults!()).toEqual({ connectionErrors: 2 });
  });

  it('resets that persist fail the call with the cause on one line', async () => {
    const { client, model } = clientFor([{ reset: 'mid-body' }], { maxRetries: 1 });
    const err = await failure(client, model);
    expect(err.message).toMatch(/^could not reach the API \(after 1 retry\): .*reset while the answer was read/);
    expect(client.faults!()).toEqual({ connectionErrors: 2 });
  });

  it('an answer without end, or one announcing a terabyte, is cut at 64 MB: the call fails with one line, counted', async () => {
    for (const flood of ['endless', 'declared'] as const) {
      const { client, model, requests } = clientFor([{ flood }], { maxRetries: 1 });
      const err = await failure(client, model);
      expect(err.message).toBe("the API's answer was larger than 64 MB and was refused (after 1 retry)");
      expect(err.fatal).toBe(false);
      expect(err.fault).toBeUndefined();
      expect(requests().map((e) => e.fault)).toEqual(['flood', 'flood']);
      expect(client.faults!()).toEqual({ oversizedOutput: 2 });
    }
  });

  it.for(['responses', 'chat_completions'] as const)(
    'a 200 answer with a truncated JSON body is retried like a 5xx and counted (%s)',
    async (wire) => {
      const retried = clientFor([{ truncated: true }, OK], { wire });
      expect(await call(retried.client, retried.model)).toEqual({ summary: 'fine' });
      expect(retried.requests().map((e) => e.fault ?? e.status)).toEqual(['truncated', 200]);
      expect(retried.client.faults!()).toEqual({ truncatedBody: 1 });
    },
  );

  it('a truncated body that persists fails the call with one line, after the retries, counted each time', async () => {
    const { client, model, requests } = clientFor([{ truncated: true }], { maxRetries: 1 });
    const err = await failure(client, model);
    expect(err.message).toBe("the API's answer was cut off (its JSON body ended early) after 1 retry");
    expect(err.fatal).toBe(false);
    expect(err.fault).toBeUndefined(); // counted per attempt by the fetch, like a 5xx
    expect(requests()).toHaveLength(2);
    expect(client.faults!()).toEqual({ truncatedBody: 2 });
  });

  it('a hang before the headers or after them times out, is retried, and a hang that persists fails the call', async () => {
    // One retry to spare: on a loaded machine the good answer may time out too.
    const retried = clientFor([{ hang: 'before-headers' }, { hang: 'after-headers' }, OK], {
      timeoutMs: 1000,
      maxRetries: 3,
    });
    expect(await call(retried.client, retried.model)).toEqual({ summary: 'fine' });
    expect(retried.client.faults!().timeouts).toBeGreaterThanOrEqual(2);
    expect(Object.keys(retried.client.faults!())).toEqual(['timeouts']);
    const failed = clientFor([{ hang: 'before-headers' }], { timeoutMs: 500, maxRetries: 1 });
    expect((await failure(failed.client, failed.model)).message).toBe(
      'the request timed out (500 ms per attempt, 1 retry)',
    );
    expect(failed.client.faults!()).toEqual({ timeouts: 2 });
  });

  it('an aborted call is not a fault', async () => {
    const { client, model } = clientFor([{ hang: 'before-headers' }]);
    const controller = new AbortController();
    const pending = client.call({
      role: 'worker',
      model,
      instructions: 'i',
      input: 'x',
      schema: Out,
      maxOutputTokens: 100,
      cacheKey: 'k',
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    const err = await pending.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CallFailed);
    expect(client.faults!()).toEqual({});
  });

  describe.each(['responses', 'chat_completions'] as const)('answers refused over %s', (wire) => {
    const cases: [string, FakeReply, RegExp, string][] = [
      ['invalid JSON', { text: '{"summary": "unterminated' }, /^the model's output was not valid JSON$/, 'invalidJson'],
      ['schema failure', { json: { nope: 1 } }, /^the model's output failed its schema/, 'schemaFailures'],
      [
        'cut off',
        { text: '{"summary": "trunc', incomplete: 'max_output_tokens' },
        wire === 'responses'
          ? /^the model's output was cut off \(max_output_tokens\)$/
          : /^the model's output was cut off \(finish_reason: length\)$/,
        'incomplete',
      ],
      [
        'cut off with no text',
        { text: '', incomplete: 'max_output_tokens' },
        /^the model's output was cut off/,
        'incomplete',
      ],
      ['no message', { noOutput: true }, /^the model returned no output$/, 'emptyOutput'],
      ['empty text', { text: '  ' }, /^the model returned no output$/, 'emptyOutput'],
      [
        'huge text',
        { text: `{"summary": "${'x'.repeat(3_000_000)}"}` },
        /^the model's output was too large \(3000 KB; at most 200 KB is accepted\)$/,
        'oversizedOutput',
      ],
    ];
    it.for(cases)('%s fails the call with one line, counted, usage kept', async ([, reply, message, kind]) => {
      // A packed call (`parts`) takes any JSON, so only a whole call can fail its schema.
      for (const validate of kind === 'schemaFailures' ? [undefined] : ([undefined, 'parts'] as const)) {
        const { client, model, requests } = clientFor(
          [{ ...reply, usage: { input: 10, output: 20, cached: 0 } } as FakeReply],
          { wire },
        );
        const err = await failure(client, model, validate);
        expect(err.message).toMatch(message);
        expect(err.fault).toBe(kind);
        expect(err.usage).toEqual({ requests: 1, inputTokens: 10, cachedInputTokens: 0, outputTokens: 20 });
        expect(client.faults!()).toEqual({ [kind]: 1 });
        expect(requests()).toHaveLength(1); // refused answers are not retried by the client
      }
    });
  });
});
