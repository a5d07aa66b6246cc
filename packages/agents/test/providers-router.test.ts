// The routed client: a call goes to its provider's client with the provider's model id and comes back under its ref;
// throttling (keyed by ref), faults, `detached` and the price share are the providers' merged.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { emptyUsage } from '@orchestrate/core';
import { createRoutedClient, type ModelClient, type StructuredCall } from '@orchestrate/agents';

/** A client that records the models it was called with. */
function recording(name: string, extra: Partial<ModelClient> = {}): ModelClient & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    ...extra,
    call: <T>(request: StructuredCall<T>) => {
      seen.push(request.model);
      return Promise.resolve({ output: { from: name } as T, usage: emptyUsage(), model: request.model });
    },
  };
}

const request = (model: string): StructuredCall<unknown> => ({
  role: 'worker',
  model,
  instructions: 'i',
  input: 'x',
  schema: z.unknown(),
  maxOutputTokens: 10,
  cacheKey: 'k',
});

describe('createRoutedClient', () => {
  it('sends each ref to its provider with the model id, and returns the ref', async () => {
    const openai = recording('openai');
    const azure = recording('azure');
    const router = createRoutedClient({ openai, 'azure-eu': azure }, ['openai', 'azure-eu']);
    const a = await router.call(request('azure-eu:my-nano'));
    const b = await router.call(request('gpt-5.4'));
    const c = await router.call(request('openai:gpt-5.4-mini'));
    const d = await router.call(request('qwen2.5:7b'));
    expect([a.model, b.model, c.model, d.model]).toEqual([
      'azure-eu:my-nano',
      'gpt-5.4',
      'openai:gpt-5.4-mini',
      'qwen2.5:7b',
    ]);
    expect(a.output).toEqual({ from: 'azure' });
    expect(azure.seen).toEqual(['my-nano']);
    expect(openai.seen).toEqual(['gpt-5.4', 'gpt-5.4-mini', 'qwen2.5:7b']);
  });

  it('merges throttling by ref and faults by kind; detached and the price share come from the clients', () => {
    const openai = recording('openai', {
      throttling: () => ({ 'gpt-5.4': { throttled: 1, minConcurrency: 32 } }),
      faults: () => ({ rateLimited: 1 }),
      priceMultiplier: 0.5,
    });
    const azure = recording('azure', {
      throttling: () => ({ 'azure-eu:my-nano': { throttled: 2, minConcurrency: 8 } }),
      faults: () => ({ rateLimited: 2, serverErrors: 1 }),
      priceMultiplier: 0.5,
      detached: true,
    });
    const router = createRoutedClient({ openai, 'azure-eu': azure }, ['openai', 'azure-eu']);
    expect(router.throttling!()).toEqual({
      'gpt-5.4': { throttled: 1, minConcurrency: 32 },
      'azure-eu:my-nano': { throttled: 2, minConcurrency: 8 },
    });
    expect(router.faults!()).toEqual({ rateLimited: 3, serverErrors: 1 });
    expect(router.detached).toBe(true);
    expect(router.priceMultiplier).toBe(0.5);
    const mixed = createRoutedClient({ openai, other: recording('other') }, ['openai', 'other']);
    expect(mixed.detached).toBe(false);
    expect(mixed.priceMultiplier).toBeUndefined();
  });

  it('a ref whose provider has no client is an error naming both', async () => {
    const router = createRoutedClient({ openai: recording('openai') }, ['openai', 'azure-eu']);
    await expect(router.call(request('azure-eu:x'))).rejects.toThrow(
      'no client for provider `azure-eu` (model `azure-eu:x`)',
    );
  });
});
