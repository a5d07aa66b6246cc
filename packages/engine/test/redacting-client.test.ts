import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CallFailed, type ModelClient, type StructuredCall } from '@orchestrate/agents';
import { redactingClient, redactionCount, redactionWarnings } from '../src/redacting-client.js';

// Credential-shaped fixtures are assembled at run time so the repository never holds one literally.
const AWS = ['AKIA', 'Q3V7EXAMPLEZ2Y4W'].join('');
const GITHUB = ['ghp', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'].join('');
const STRIPE = ['sk', '_live_', 'a1B2c3D4e5F6g7H8i9J0k1L2'].join('');
const GOOGLE = ['AIza', 'SyD4m9Xq2Lp7Vt0Bn3Kc8Rw5Hj1Ze6Ug_Yo'].join('');
const USAGE = { requests: 1, inputTokens: 10, cachedInputTokens: 0, outputTokens: 5 };

/** A client that records what it was sent and answers with `answer(request)`. */
function recorder(answer: (req: StructuredCall<unknown>) => unknown = () => ({ text: 'ok' })) {
  const sent: StructuredCall<unknown>[] = [];
  const client: ModelClient = {
    async call<T>(request: StructuredCall<T>) {
      sent.push(request as StructuredCall<unknown>);
      return { output: answer(request as StructuredCall<unknown>) as T, usage: USAGE, model: request.model };
    },
  };
  return { client, sent };
}

const request = (instructions: string, input: string): StructuredCall<unknown> => ({
  role: 'worker',
  model: 'm',
  instructions,
  input,
  schema: z.unknown(),
  maxOutputTokens: 100,
  cacheKey: 'k',
});

describe('redactingClient', () => {
  it('sends no secret in instructions or input, and counts what it kept back', async () => {
    const { client, sent } = recorder();
    const wrapped = redactingClient(client, { redact: true });
    await wrapped.call(request(`rules mention ${GITHUB}`, `const a = "${AWS}";\nconst b = "${AWS}";`));
    await wrapped.call(request('plain', 'nothing here'));
    const body = JSON.stringify(sent);
    expect(body).not.toContain(AWS);
    expect(body).not.toContain(GITHUB);
    expect(sent[0]!.input).toBe('const a = "[REDACTED:aws-key#2]";\nconst b = "[REDACTED:aws-key#2]";');
    expect(sent[1]!.input).toBe('nothing here');
    expect(redactionCount(wrapped)).toBe(2);
    expect(redactionWarnings(wrapped)).toEqual(['redacted 2 secret-looking strings from model requests']);
  });

  it('puts the real value back where the model echoes a placeholder, so returned code keeps its literal', async () => {
    const { client } = recorder((req) => ({
      code: req.input.replace('old', 'next'),
      items: { '[REDACTED:aws-key#1]': 1 },
    }));
    const wrapped = redactingClient(client, { redact: true });
    const result = await wrapped.call(request('', `const old = "${AWS}";`));
    expect(result.output).toEqual({ code: `const next = "${AWS}";`, items: { [AWS]: 1 } });
  });

  it('fails the call (not the run) when the model invents a placeholder it was not sent', async () => {
    const { client } = recorder(() => ({ code: 'const k = "[REDACTED:aws-key#9]";' }));
    const wrapped = redactingClient(client, { redact: true });
    const err = await wrapped.call(request('', `const k = "${AWS}";`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallFailed);
    expect((err as CallFailed).fatal).toBe(false);
    expect((err as CallFailed).usage).toEqual(USAGE);
  });

  it('shares one tally between the direct and the Batch API client; off with redact: false; null stays null', async () => {
    const direct = redactingClient(recorder().client, { redact: true });
    const batch = redactingClient(recorder().client, { redact: true }, direct);
    await direct.call(request('', AWS));
    await batch.call(request('', GITHUB));
    expect(redactionCount(direct)).toBe(2);
    const { client, sent } = recorder();
    const off = redactingClient(client, { redact: false });
    expect(off).toBe(client);
    await off.call(request('', AWS));
    expect(sent[0]!.input).toBe(AWS);
    expect(redactingClient(null, { redact: true })).toBeNull();
    expect(redactionWarnings(null)).toEqual([]);
  });
});

describe('redactingClient: formats known by their prefix or their context', () => {
  it('keeps Stripe and Google keys, a URL password, a Bearer token and a short password out, and puts them back', async () => {
    const code = [
      `const stripe = "${STRIPE}";`,
      `const maps = '${GOOGLE}';`,
      'const db = "postgres://app:Hunter2-s3cr3t@db:5432/app";',
      "const headers = { authorization: 'Bearer abc123DEF456ghi789JKL0' };",
      'const password = "hunter2";',
    ].join('\n');
    const { client, sent } = recorder((req) => ({ code: `/** Clients. */\n${req.input}` }));
    const wrapped = redactingClient(client, { redact: true });
    const result = await wrapped.call(request('', code));
    for (const value of [STRIPE, GOOGLE, 'Hunter2-s3cr3t', 'abc123DEF456ghi789JKL0', 'hunter2']) {
      expect(JSON.stringify(sent)).not.toContain(value);
    }
    expect(sent[0]!.input).toContain('postgres://app:[REDACTED:url-password#3]@db:5432/app');
    expect(result.output).toEqual({ code: `/** Clients. */\n${code}` });
    expect(redactionCount(wrapped)).toBe(5);
  });
});

describe('redactingClient: the rest of the client', () => {
  it('keeps every other member of the inner client visible (detached, price, throttling, faults)', () => {
    let detached = false;
    const inner: ModelClient = {
      call: async () => ({ output: null as never, usage: USAGE, model: 'm' }),
      get detached() {
        return detached;
      },
      priceMultiplier: 0.5,
      throttling: () => ({ m: { throttled: 2, minConcurrency: 1 } }),
      faults: () => ({}) as never,
    };
    const wrapped = redactingClient(inner, { redact: true });
    expect(wrapped.priceMultiplier).toBe(0.5);
    expect(wrapped.throttling?.()).toEqual({ m: { throttled: 2, minConcurrency: 1 } });
    expect(wrapped.faults?.()).toEqual({});
    expect(wrapped.detached).toBe(false);
    detached = true;
    expect(wrapped.detached).toBe(true);
  });
});
