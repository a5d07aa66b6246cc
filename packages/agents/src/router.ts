import { parseModelRef, type FaultCounts } from '@orchestrate/core';
import type { ModelClient, StructuredCall, StructuredResult } from './model-call.js';

/**
 * One client over several providers: a call's `model` is a ref (`azure-eu:my-nano`, or a bare model on `openai`), sent
 * to its provider's client with the provider's model id; the result names the ref again, so usage and prices key on
 * the ref. Throttling and faults are the providers' merged (throttling keyed by ref).
 */
export function createRoutedClient(
  clients: Record<string, ModelClient>,
  providerNames: readonly string[],
): ModelClient {
  const route = (ref: string) => {
    const parsed = parseModelRef(ref, providerNames);
    const client = clients[parsed.provider];
    if (!client) throw new Error(`no client for provider \`${parsed.provider}\` (model \`${ref}\`)`);
    return { client, parsed };
  };
  const entries = Object.entries(clients);
  return {
    async call<T>(request: StructuredCall<T>): Promise<StructuredResult<T>> {
      const { client, parsed } = route(request.model);
      const result = await client.call({ ...request, model: parsed.model });
      return { ...result, model: request.model };
    },
    throttling: () => {
      const out: Record<string, { throttled: number; minConcurrency: number }> = {};
      for (const [name, client] of entries)
        for (const [model, t] of Object.entries(client.throttling?.() ?? {}))
          out[name === 'openai' ? model : `${name}:${model}`] = t;
      return out;
    },
    faults: () => {
      const out: FaultCounts = {};
      for (const [, client] of entries)
        for (const [kind, n] of Object.entries(client.faults?.() ?? {}) as [keyof FaultCounts, number][])
          out[kind] = (out[kind] ?? 0) + n;
      return out;
    },
  };
}
