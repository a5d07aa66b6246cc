// The report's call timeline: spans per call, throttled attempts, replayed answers, the cap, jobs per packed call.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CallFailed, type ModelClient, type StructuredCall } from '@orchestrate/agents';
import { callRecorder } from '../src/call-recorder.js';

const usage = { requests: 1, inputTokens: 100, cachedInputTokens: 10, outputTokens: 20 };

function request(role: 'planner' | 'worker' | 'verifier', schema: z.ZodType = z.object({ a: z.string() })) {
  return {
    role,
    model: 'm',
    instructions: '',
    input: 'x',
    schema,
    maxOutputTokens: 10,
    cacheKey: 'k',
  } as StructuredCall<unknown>;
}

describe('callRecorder', () => {
  it('records one span per call with its outcome, tokens and jobs, in start order', async () => {
    let t = 1000;
    const rec = callRecorder(1000, () => t);
    let fail = false;
    const inner: ModelClient = {
      call: async () => {
        t += 50;
        if (fail) throw new CallFailed('bad', usage, false, 'schemaFailures');
        return { output: {} as never, usage, model: 'm' };
      },
    };
    const client = rec.wrap(inner);
    const packed = z.strictObject({ items: z.strictObject({ a: z.string(), b: z.string(), c: z.string() }) });
    await client.call(request('worker', packed));
    fail = true;
    await expect(client.call(request('verifier'))).rejects.toThrow('bad');
    const { calls, callsDropped } = rec.report();
    expect(callsDropped).toBe(0);
    expect(calls).toEqual([
      {
        model: 'm',
        role: 'worker',
        startMs: 0,
        endMs: 50,
        jobs: 3,
        inputTokens: 100,
        cachedInputTokens: 10,
        outputTokens: 20,
        outcome: 'ok',
      },
      expect.objectContaining({
        role: 'verifier',
        startMs: 50,
        endMs: 100,
        outcome: 'error',
        error: 'schemaFailures',
        jobs: 1,
      }),
    ]);
  });

  it('ends an attempt at each 429 of its model and starts the retry as a new span', async () => {
    let t = 0;
    const rec = callRecorder(0, () => t);
    let release!: () => void;
    const inner: ModelClient = {
      call: () =>
        new Promise((resolve) => (release = () => resolve({ output: {} as never, usage, model: 'openai:m' }))),
    };
    const client = rec.wrap(inner);
    const pending = client.call({ ...request('worker'), model: 'openai:m' });
    t = 30;
    rec.throttled('m', 'the API answered 429 (rate limited)');
    rec.throttled('m', 'requests per minute limit: waiting 3 s');
    rec.throttled('other', 'the API answered 429 (rate limited)');
    t = 80;
    release();
    await pending;
    const { calls } = rec.report();
    expect(calls.map((c) => [c.outcome, c.startMs, c.endMs])).toEqual([
      ['throttled', 0, 30],
      ['ok', 30, 80],
    ]);
    expect(calls[0]!.error).toBe('429');
  });

  it('marks a call the journal answered as replayed', async () => {
    const replay = { replayed: 0 };
    const rec = callRecorder(Date.now());
    const inner: ModelClient = {
      call: (r) => {
        replay.replayed++;
        return Promise.resolve({ output: r.input as never, usage, model: 'm' });
      },
    };
    await rec.wrap(inner, replay).call(request('planner'));
    expect(rec.report().calls[0]!.outcome).toBe('replayed');
  });

  it('keeps null for the offline engine', () => {
    expect(callRecorder(0).wrap(null)).toBeNull();
  });
});
