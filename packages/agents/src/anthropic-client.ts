// Claude models through Anthropic's native Messages API with structured outputs (its OpenAI-compatible endpoint
// ignores `response_format`, so it cannot be the path), on the official SDK: one request per call, no agent loop.
import Anthropic from '@anthropic-ai/sdk';
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import type { z } from 'zod';
import { addUsage, emptyUsage, type ResolvedConfig, type ResolvedProvider, type TokenUsage } from '@orchestrate/core';
import { anthropicCallFailed } from './anthropic-errors.js';
import { retriesText, validatedResult } from './call-output.js';
import {
  acceptedJson,
  callWatch,
  cutOffFailure,
  FaultCounter,
  oneLine,
  tooLargeFailure,
  watchingFetch,
  type CallWatch,
} from './faults.js';
import { outputJsonSchema } from './json-schema.js';
import { CallFailed, type ModelClient, type StructuredCall, type StructuredResult } from './model-call.js';
import { ModelLimiter, type ThrottleEvent } from './rate-limit.js';
import { ANTHROPIC_API_URL, nullEnvHeaders } from './sdk-env.js';

/** Connection settings for one Anthropic provider. */
export interface AnthropicClientOptions {
  /** The key, read from the provider's `apiKeyEnv` by the engine ('' for a server that takes none). */
  apiKey: string;
  provider: ResolvedProvider;
  config: ResolvedConfig;
  /** Told when a model's calls are slowed down (429s, per-minute limits), for the progress view. */
  onThrottle?: (event: ThrottleEvent) => void;
}

/** Token counts as the Messages API reports them (`input_tokens` excludes the cache reads and writes). */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/**
 * One answer's usage as orchestrate counts it: every input token in `inputTokens` (Anthropic's `input_tokens` plus the
 * cache writes and reads, as pricing.ts expects), reads as cached input, writes as cache-write input. Nulls count 0.
 */
export function anthropicUsage(u: AnthropicUsage | null | undefined): TokenUsage {
  const fresh = u?.input_tokens ?? 0;
  const written = u?.cache_creation_input_tokens ?? 0;
  const read = u?.cache_read_input_tokens ?? 0;
  const usage: TokenUsage = {
    requests: 1,
    inputTokens: fresh + written + read,
    cachedInputTokens: read,
    outputTokens: u?.output_tokens ?? 0,
  };
  if (written) usage.cacheWriteInputTokens = written;
  return usage;
}

/** The Anthropic engine for one provider: structured calls to the Messages API, usage with cache tokens. */
export function createAnthropicClient({ apiKey, provider, config, onThrottle }: AnthropicClientOptions): ModelClient {
  // The user's concurrency holds as is (as in the OpenAI engine); without one, the provider's own cap (16 by default
  // for Anthropic, `providers.<name>.capabilities.concurrency`) bounds the run's.
  const maxConcurrency = config.concurrencySet
    ? config.concurrency
    : Math.min(config.concurrency, provider.capabilities.concurrency);
  const limiters = new Map<string, ModelLimiter>();
  const limiterFor = (model: string) => {
    let limiter = limiters.get(model);
    if (!limiter) {
      // Rate limits and throttle events name the model by its ref, as everywhere in the engine.
      const ref = `${provider.name}:${model}`;
      const limits = config.rateLimits[ref] ?? config.rateLimits[model] ?? {};
      limiter = new ModelLimiter(ref, maxConcurrency, limits, onThrottle);
      limiters.set(model, limiter);
    }
    return limiter;
  };
  // The SDK retries 429s, 5xx (529 `overloaded_error` among them), failed connections and timeouts itself, honouring
  // retry-after; the fetch watches every attempt, so concurrency adapts to 429s and the report counts each fault.
  const faults = new FaultCounter();
  const client = new Anthropic({
    apiKey,
    // Given explicitly: the SDK would read ANTHROPIC_BASE_URL and ANTHROPIC_CUSTOM_HEADERS from process.env, and a
    // run's endpoints and headers come from the config only.
    baseURL: provider.baseURL ?? ANTHROPIC_API_URL,
    defaultHeaders: {
      ...nullEnvHeaders('ANTHROPIC_CUSTOM_HEADERS', provider.headers),
      ...keyHeaders(apiKey, provider),
    },
    timeout: config.api.timeoutMs,
    maxRetries: config.api.maxRetries,
    fetch: watchingFetch({
      timeoutMs: config.api.timeoutMs,
      faults,
      onRateLimited: (model) => limiterFor(model).rateLimited(),
    }),
  });

  return {
    throttling: () =>
      Object.fromEntries(
        [...limiters]
          .filter(([, l]) => l.throttled > 0)
          // Keyed by the model's ref (`claude:claude-haiku-4-5`), as usage and the report name it.
          .map(([, l]) => [l.model, { throttled: l.throttled, minConcurrency: l.minConcurrency }]),
      ),
    faults: () => faults.snapshot(),
    async call<T>(request: StructuredCall<T>): Promise<StructuredResult<T>> {
      const usage = emptyUsage();
      const limiter = limiterFor(request.model);
      const tokens =
        (request.inputTokens ?? Math.ceil((request.instructions.length + request.input.length) / 4)) +
        request.maxOutputTokens;
      const release = await limiter.acquire(tokens);
      const watch: CallWatch = { signal: request.signal, cutOff: null };
      try {
        const message = await callWatch.run(watch, () =>
          client.messages.create(
            {
              ...provider.body,
              model: request.model,
              max_tokens: request.maxOutputTokens,
              // The instructions are the stable prefix: marked for the prompt cache (reads cost a tenth of input).
              system: [{ type: 'text', text: request.instructions, cache_control: { type: 'ephemeral' } }],
              messages: [{ role: 'user', content: request.input }],
              output_config: {
                format: { type: 'json_schema', schema: messagesJsonSchema(request.schema, request.jsonSchema) },
              },
            },
            { signal: request.signal },
          ),
        );
        addUsage(usage, anthropicUsage(message.usage));
        const raw = answerJson(message, usage);
        limiter.success();
        return validatedResult(raw, request, usage);
      } catch (err) {
        const failed =
          watch.tooLarge && !(err instanceof CallFailed)
            ? tooLargeFailure(usage, retriesText(config))
            : anthropicCallFailed(err, usage, { provider, model: request.model, config });
        if (failed.fault) faults.add(failed.fault);
        throw failed;
      } finally {
        release();
      }
    },
  };
}

/**
 * The key's header. The SDK sends a key as `Authorization: Bearer`; Anthropic documents `x-api-key` (the provider's
 * default `apiKeyHeader`), so the key goes in the provider's header and the SDK's Bearer header is removed (null).
 * A provider that takes no key (`apiKey` '') gets neither.
 */
function keyHeaders(apiKey: string, provider: ResolvedProvider): Record<string, string | null> {
  if (apiKey && provider.apiKeyHeader === 'authorization') return { ...provider.headers };
  return { ...provider.headers, authorization: null, ...(apiKey ? { [provider.apiKeyHeader]: apiKey } : {}) };
}

/**
 * The JSON schema for `output_config.format`: our strict schema (objects with `additionalProperties: false`, strings,
 * booleans, string enums, arrays) passed through the SDK's own transform, which keeps what structured outputs accept
 * and moves any other constraint (a zod-converted `minimum`, say) into the description instead of a 400.
 */
function messagesJsonSchema(schema: z.ZodType, given?: Record<string, unknown>): Record<string, unknown> {
  // A call's own JSON schema (a pack's items stated once under `$defs`) wins; the transform keeps `$defs` and `$ref`.
  const json = given ?? outputJsonSchema(schema);
  try {
    return transformJSONSchema(json);
  } catch {
    // A part without a type (`z.unknown()`) is refused by the transform; the API says what it makes of it.
    return json;
  }
}

/**
 * The answer's JSON: refused when it was cut off (`max_tokens`, or the context window), refused by the model, or when
 * its first text block is empty, too large or not JSON (the same checks and fault kinds as the OpenAI engine's).
 */
function answerJson(message: Anthropic.Message, usage: TokenUsage): unknown {
  const stop = message.stop_reason;
  if (stop === 'max_tokens' || stop === 'model_context_window_exceeded')
    throw cutOffFailure(`stop_reason: ${stop}`, usage);
  if (stop === 'refusal') {
    const why = message.stop_details?.explanation ?? message.stop_details?.category ?? '';
    const detail = why ? `: ${oneLine(why).slice(0, 200)}` : '';
    throw new CallFailed(`the model refused${detail}`, usage, false, 'emptyOutput');
  }
  const block = message.content.find((b) => b.type === 'text');
  const text = block?.type === 'text' ? block.text : '';
  // acceptedJson reads a Responses-style output list: the one text block, wrapped as one.
  return acceptedJson([{ type: 'message', content: [{ type: 'output_text', text }] }], usage);
}
