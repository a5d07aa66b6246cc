// The Agents SDK's own packages, not its `@openai/agents` entry: that one also builds a default provider, installs the
// OpenAI tracing exporter and loads the realtime client when imported, and a run uses none of them.
import {
  ModelBehaviorError,
  setTracingDisabled,
  withTrace,
  type JsonSchemaDefinition,
  type Model,
  type ModelRequest,
  type ModelResponse,
} from '@openai/agents-core';
import { OpenAIProvider } from '@openai/agents-openai';
import OpenAI from 'openai';
import type { z } from 'zod';
import {
  addUsage,
  DEFAULT_PROVIDER,
  emptyUsage,
  type ResolvedConfig,
  type ResolvedProvider,
  type TokenUsage,
} from '@orchestrate/core';
import {
  acceptedJson,
  callWatch,
  cutOffFailure,
  FaultCounter,
  tooLargeFailure,
  watchingFetch,
  type CallWatch,
} from './faults.js';
import { retriesText, validatedResult } from './call-output.js';
import { outputJsonSchema } from './json-schema.js';
import { CallFailed, type ModelClient, type StructuredCall, type StructuredResult } from './model-call.js';
import { toCallFailed } from './openai-errors.js';
import { ModelLimiter, type ThrottleEvent } from './rate-limit.js';
import { nullEnvHeaders, OPENAI_API_URL } from './sdk-env.js';

/** Reads one response's usage as the API reported it (cached input tokens summed from the details). */
export function responseUsage(response: ModelResponse): TokenUsage {
  const u = response.usage;
  const details = ([] as Record<string, number>[]).concat((u.inputTokensDetails ?? []) as Record<string, number>[]);
  const cached = details.reduce((sum, d) => sum + (d?.cached_tokens ?? 0), 0);
  return { requests: 1, inputTokens: u.inputTokens ?? 0, cachedInputTokens: cached, outputTokens: u.outputTokens ?? 0 };
}

/**
 * One request to a model of the Agents SDK, counted even when its output is then refused, and refused before anything
 * parses it when it was cut off, is empty, is too large or is not JSON. Returns the answer's JSON.
 */
async function answer(model: Model, request: ModelRequest, usage: TokenUsage, watch: CallWatch): Promise<unknown> {
  let response: ModelResponse;
  try {
    response = await model.getResponse(request);
  } catch (err) {
    // The SDK throws on a cut-off Responses answer (and an empty truncated chat answer) without handing back its usage.
    const cut =
      watch.cutOff ??
      (err instanceof ModelBehaviorError && /response\.incomplete/.test(err.message)
        ? { reason: 'incomplete', usage: null }
        : null);
    if (!cut) throw err;
    if (cut.usage) addUsage(usage, cut.usage);
    throw cutOffFailure(cut.reason, usage);
  }
  addUsage(usage, responseUsage(response));
  if (watch.cutOff) throw cutOffFailure(watch.cutOff.reason, usage);
  return acceptedJson(response.output, usage);
}

/** Connection settings for the OpenAI engine. */
export interface OpenAIClientOptions {
  /** The provider's key ('' for a server that takes none). */
  apiKey: string;
  baseURL: string | undefined;
  config: ResolvedConfig;
  /** The provider called (its headers, body fields, API and capabilities). @default config.providers.openai */
  provider?: ResolvedProvider;
  /** Told when a model's calls are slowed down (429s, per-minute limits), for the progress view. */
  onThrottle?: (event: ThrottleEvent) => void;
}

/** The request headers of a provider: its own, and the key in its key header (a Bearer token by default). */
function keyHeaders(provider: ResolvedProvider, apiKey: string): Record<string, string | null> {
  const headers: Record<string, string | null> = { ...provider.headers };
  // The SDK sends `Authorization: Bearer <apiKey>` unless told not to: a key that goes elsewhere (Azure's `api-key`)
  // is sent once, and a server that takes no key gets none.
  if (!apiKey) headers.authorization = null;
  else if (provider.apiKeyHeader !== 'authorization') {
    headers[provider.apiKeyHeader] = apiKey;
    headers.authorization = null;
  }
  return headers;
}

/**
 * The SDK's settings it would otherwise read from process.env: the default provider keeps them (OPENAI_ORG_ID,
 * OPENAI_PROJECT_ID, OPENAI_BASE_URL are the user's OpenAI setup); any other provider gets none of them, and one of
 * type `openai` without a base URL is sent to the OpenAI API, never to OPENAI_BASE_URL.
 */
function sdkEnvOptions(
  provider: ResolvedProvider,
  baseURL: string | undefined,
): { baseURL: string | undefined; organization?: null; project?: null } {
  if (provider.name === DEFAULT_PROVIDER) return { baseURL };
  return { baseURL: baseURL ?? OPENAI_API_URL, organization: null, project: null };
}

/**
 * The engine of one OpenAI-style provider (the OpenAI API, Azure OpenAI's v1 API, an OpenAI-compatible server):
 * @openai/agents' model layer over the `openai` SDK, the Responses API or chat completions as the provider's record says.
 * A call's model is the provider's model id, or a ref naming this provider (`azure-eu:my-nano`); limits, throttling
 * and the result key on the ref.
 */
export function createOpenAIClient(options: OpenAIClientOptions): ModelClient {
  const { apiKey, baseURL, config, onThrottle } = options;
  const provider = options.provider ?? config.providers[DEFAULT_PROVIDER]!;
  const caps = provider.capabilities;
  setTracingDisabled(!config.tracing);
  const prefix = `${provider.name}:`;
  const idOf = (model: string) => (model.startsWith(prefix) ? model.slice(prefix.length) : model);
  const refOf = (id: string) => (provider.name === DEFAULT_PROVIDER ? id : prefix + id);
  // The user's concurrency holds for every provider; without one, none gets more than its own default.
  const concurrency = config.concurrencySet ? config.concurrency : Math.min(config.concurrency, caps.concurrency);
  const limiters = new Map<string, ModelLimiter>();
  const limiterFor = (id: string) => {
    let limiter = limiters.get(id);
    if (!limiter) {
      const ref = refOf(id);
      const limits = config.rateLimits[ref] ?? config.rateLimits[prefix + id] ?? {};
      limiter = new ModelLimiter(ref, concurrency, limits, onThrottle);
      limiters.set(id, limiter);
    }
    return limiter;
  };
  // The SDK retries 429s, 5xx, failed connections and timeouts itself (honouring retry-after); the fetch watches every
  // attempt, so the model's concurrency adapts to 429s and the report counts each fault.
  const faults = new FaultCounter();
  const openAIClient = new OpenAI({
    apiKey: apiKey || 'no-key',
    ...sdkEnvOptions(provider, baseURL),
    defaultHeaders: {
      ...(provider.name === DEFAULT_PROVIDER ? {} : nullEnvHeaders('OPENAI_CUSTOM_HEADERS', provider.headers)),
      ...keyHeaders(provider, apiKey),
    },
    timeout: config.api.timeoutMs,
    maxRetries: config.api.maxRetries,
    fetch: watchingFetch({
      timeoutMs: config.api.timeoutMs,
      faults,
      onRateLimited: (model) => limiterFor(idOf(model)).rateLimited(),
    }),
  });
  const sdk = new OpenAIProvider({ openAIClient, useResponses: caps.api === 'responses' });
  const models = new Map<string, Promise<Model>>();
  const modelFor = (name: string) => {
    let model = models.get(name);
    if (!model) models.set(name, (model = Promise.resolve(sdk.getModel(name))));
    return model;
  };

  return {
    throttling: () =>
      Object.fromEntries(
        [...limiters]
          .filter(([, l]) => l.throttled > 0)
          .map(([, l]) => [l.model, { throttled: l.throttled, minConcurrency: l.minConcurrency }]),
      ),
    faults: () => faults.snapshot(),
    async call<T>(request: StructuredCall<T>): Promise<StructuredResult<T>> {
      const usage = emptyUsage();
      const id = idOf(request.model);
      const limiter = limiterFor(id);
      const tokens =
        (request.inputTokens ?? Math.ceil((request.instructions.length + request.input.length) / 4)) +
        request.maxOutputTokens;
      const release = await limiter.acquire(tokens);
      const watch: CallWatch = { signal: request.signal, cutOff: null };
      try {
        const model = await modelFor(id);
        // One structured answer, no tools, one turn: the SDK's model layer is called directly, without its runner.
        const modelRequest: ModelRequest = {
          systemInstructions: request.instructions,
          input: request.input,
          modelSettings: {
            maxTokens: request.maxOutputTokens,
            store: false,
            // The provider's body fields (OpenRouter's routing object) go into every request body, on either API.
            providerData: {
              ...provider.body,
              ...(caps.promptCacheKey ? { prompt_cache_key: request.cacheKey } : {}),
            },
          },
          tools: [],
          outputType: jsonSchemaOutput(request.schema, request.jsonSchema),
          handoffs: [],
          tracing: config.tracing,
          signal: request.signal,
        };
        const raw = await callWatch.run(watch, () =>
          withTrace(`orchestrate-${request.role}`, () => answer(model, modelRequest, usage, watch)),
        );
        limiter.success();
        countCached(usage, caps.cachedUsage);
        return validatedResult(raw, request, usage);
      } catch (err) {
        const failed =
          watch.tooLarge && !(err instanceof CallFailed)
            ? tooLargeFailure(usage, retriesText(config))
            : toCallFailed(err, usage, id, config, provider);
        countCached(failed.usage, caps.cachedUsage);
        if (failed.fault) faults.add(failed.fault);
        throw failed;
      } finally {
        release();
      }
    },
  };
}

/** The strict JSON schema of a zod schema, handed to the SDK as is (the output is validated here, not by the SDK). */
function jsonSchemaOutput(schema: z.ZodType, json?: Record<string, unknown>): JsonSchemaDefinition {
  return {
    type: 'json_schema',
    name: 'output',
    strict: true,
    schema: (json ?? outputJsonSchema(schema)) as JsonSchemaDefinition['schema'],
  };
}

/** A provider that does not report cached input tokens has them priced as fresh input: whatever it said is dropped. */
function countCached(usage: TokenUsage, reported: boolean): void {
  if (!reported) usage.cachedInputTokens = 0;
}
