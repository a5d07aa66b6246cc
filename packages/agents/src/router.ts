import { parseModelRef, type FaultCounts } from '@orchestrate/core';
import type { ModelClient, StructuredCall, StructuredResult } from './model-call.js';

/**
 * One client over several providers: a call's `model` is a ref (`azure-eu:my-nano`, or a bare model on `openai`), sent
 * to its provider's client with the provider's model id; the result names the ref again, so usage and prices key on
 * the ref. Throttling (keyed by ref: the provider clients name their limiters by ref) and faults are the providers'
 * merged; the router is detached when a provider's client is, and pays the price share its clients share.
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
  const multipliers = new Set(entries.map(([, c]) => c.priceMultiplier ?? 1));
  const routed: ModelClient = {
    async call<T>(request: StructuredCall<T>): Promise<StructuredResult<T>> {
      const { client, parsed } = route(request.model);
      const result = await client.call({ ...request, model: parsed.model });
      return { ...result, model: request.model };
    },
    get detached() {
      return entries.some(([, c]) => c.detached === true);
    },
    throttling: () => {
      const out: Record<string, { throttled: number; minConcurrency: number }> = {};
      for (const [, client] of entries)
        for (const [ref, t] of Object.entries(client.throttling?.() ?? {})) out[ref] = t;
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
  if (multipliers.size === 1) routed.priceMultiplier = [...multipliers][0]!;
  return routed;
}
