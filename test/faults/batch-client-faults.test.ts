// The Batch API client refuses bad answers the way the live client does: each with its fault kind (so the ladder
// retries it and the verifier splits its batch) and counted in `faults()` for the report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveConfig } from '@orchestrate/core';
import { CallFailed } from '@orchestrate/agents';
import { createBatchClient } from '@orchestrate/agents/batch';
import { startFakeOpenAI, type FakeReply, type FakeServer } from '../fake/openai-server.js';

const Out = z.object({ summary: z.string() });
const replies: Record<string, FakeReply> = {
  'not-json': { text: '{"summary": "unterminated' },
  schema: { json: { nope: 1 } },
  'cut-off': { text: '{"summary": "trunc', incomplete: 'max_output_tokens' },
  'broken-line': { truncated: true },
};

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeOpenAI((req) => replies[req.model] ?? { json: { summary: 'fine' } });
});
afterAll(async () => {
  await server.close();
});

/** A batch client against the fake, polling every 10 ms. */
const batchClient = () =>
  createBatchClient({ apiKey: 'k', baseURL: server.url, config: resolveConfig({ api: { batchPollMs: 10 } }) });

/** One worker call of `model` through the client. */
const ask = (client: ReturnType<typeof batchClient>, model: string) =>
  client.call({
    role: 'worker',
    model,
    instructions: 'i',
    input: 'x',
    schema: Out,
    maxOutputTokens: 100,
    cacheKey: 'k',
  });

describe('batch client: refused answers', () => {
  it('not JSON, failing the schema or cut off: each call fails with its fault kind, counted', async () => {
    const client = batchClient();
    const call = (model: string) =>
      ask(client, model).then(
        () => null,
        (e: unknown) => e as CallFailed,
      );
    const [notJson, schema, cut, fine] = await Promise.all([
      call('not-json'),
      call('schema'),
      call('cut-off'),
      call('ok'),
    ]);
    expect(fine).toBeNull();
    for (const err of [notJson, schema, cut]) expect(err).toBeInstanceOf(CallFailed);
    expect([notJson?.fault, schema?.fault, cut?.fault]).toEqual(['invalidJson', 'schemaFailures', 'incomplete']);
    expect(notJson?.usage.requests).toBe(1); // paid for, so counted
    expect(client.faults?.()).toEqual({ invalidJson: 1, schemaFailures: 1, incomplete: 1 });
  });

  it('a result line that is not JSON fails only its own call, as a refused answer the ladder retries', async () => {
    const client = batchClient();
    const call = (model: string) =>
      ask(client, model).then(
        (r) => r.output,
        (e: unknown) => e as CallFailed,
      );
    const [broken, fine] = await Promise.all([call('broken-line'), call('ok')]);
    expect(fine).toEqual({ summary: 'fine' });
    expect(broken).toBeInstanceOf(CallFailed);
    expect((broken as CallFailed).fault).toBe('invalidJson');
    expect((broken as CallFailed).fatal).toBe(false);
  });
});
