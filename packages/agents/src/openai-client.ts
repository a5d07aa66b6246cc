import {
  Agent,
  ModelBehaviorError,
  OpenAIProvider,
  Runner,
  setTracingDisabled,
  type JsonSchemaDefinition,
  type Model,
  type ModelRequest,
  type ModelResponse,
} from '@openai/agents';
import OpenAI from 'openai';
import { toJSONSchema as zodToJsonSchema, type z } from 'zod';
import { addUsage, emptyUsage, type ResolvedConfig, type TokenUsage } from '@orchestrate/core';
import { CallFailed, type ModelClient, type StructuredCall, type StructuredResult } from './model-call.js';
import { ModelLimiter, type ThrottleEvent } from './rate-limit.js';

/** Reads one response's usage as the API reported it (cached input tokens summed from the details). */
export function responseUsage(response: ModelResponse): TokenUsage {
  const u = response.usage;
  const details = ([] as Record<string, number>[]).concat((u.inputTokensDetails ?? []) as Record<string, number>[]);
  const cached = details.reduce((sum, d) => sum + (d?.cached_tokens ?? 0), 0);
  return { requests: 1, inputTokens: u.inputTokens ?? 0, cachedInputTokens: cached, outputTokens: u.outputTokens ?? 0 };
}

/** Wraps a model so that every response's usage is counted, even when its output later fails validation. */
class CountingModel implements Model {
  constructor(
    private readonly inner: Model,
    private readonly usage: TokenUsage,
  ) {}
  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const response = await this.inner.getResponse(request);
    addUsage(this.usage, responseUsage(response));
    return response;
  }
  getStreamedResponse(request: ModelRequest) {
    return this.inner.getStreamedResponse(request);
  }
}

/** Connection settings for the OpenAI engine. */
export interface OpenAIClientOptions {
  apiKey: string;
  baseURL: string | undefined;
  config: ResolvedConfig;
  /** Told when a model's calls are slowed down (429s, per-minute limits), for the progress view. */
  onThrottle?: (event: ThrottleEvent) => void;
}

/** The OpenAI engine: @openai/agents over the `openai` SDK (Responses API, or chat completions for compatible servers). */
export function createOpenAIClient({ apiKey, baseURL, config, onThrottle }: OpenAIClientOptions): ModelClient {
  setTracingDisabled(!config.tracing);
  const limiters = new Map<string, ModelLimiter>();
  const limiterFor = (model: string) => {
    let limiter = limiters.get(model);
    if (!limiter) {
      limiter = new ModelLimiter(model, config.concurrency, config.rateLimits[model] ?? {}, onThrottle);
      limiters.set(model, limiter);
    }
    return limiter;
  };
  // The SDK retries 429s itself (honouring retry-after); this fetch only watches for them so the model's concurrency adapts.
  const watchingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 429) limiterFor(modelOf(init?.body)).rateLimited();
    return response;
  };
  const openAIClient = new OpenAI({
    apiKey,
    baseURL,
    timeout: config.api.timeoutMs,
    maxRetries: config.api.maxRetries,
    fetch: watchingFetch,
  });
  const provider = new OpenAIProvider({ openAIClient, useResponses: config.api.wire === 'responses' });
  const runner = new Runner({ tracingDisabled: !config.tracing, modelProvider: provider });

  return {
    throttling: () =>
      Object.fromEntries([...limiters].filter(([, l]) => l.throttled > 0).map(([m, l]) => [m, { throttled: l.throttled, minConcurrency: l.minConcurrency }])),
    async call<T>(request: StructuredCall<T>): Promise<StructuredResult<T>> {
      const usage = emptyUsage();
      const limiter = limiterFor(request.model);
      const tokens = (request.inputTokens ?? Math.ceil((request.instructions.length + request.input.length) / 4)) + request.maxOutputTokens;
      const release = await limiter.acquire(tokens);
      try {
        const model = new CountingModel(await provider.getModel(request.model), usage);
        const agent = new Agent({
          name: `orchestrate-${request.role}`,
          instructions: request.instructions,
          model,
          outputType: request.validate === 'parts' ? jsonSchemaOutput(request.schema) : (request.schema as unknown as z.ZodObject),
          modelSettings: {
            maxTokens: request.maxOutputTokens,
            store: false,
            providerData: { prompt_cache_key: request.cacheKey },
          },
        });
        const result = await runner.run(agent, request.input, { maxTurns: 1, signal: request.signal });
        if (request.validate === 'parts') {
          limiter.success();
          const raw = typeof result.finalOutput === 'string' ? parseJson(result.finalOutput, usage) : result.finalOutput;
          return { output: raw as T, usage, model: request.model };
        }
        limiter.success();
        const parsed = request.schema.safeParse(result.finalOutput);
        if (!parsed.success) throw new CallFailed(`model output failed its schema: ${parsed.error.issues[0]?.message ?? 'invalid'}`, usage, false);
        return { output: parsed.data, usage, model: request.model };
      } catch (err) {
        throw toCallFailed(err, usage, request.model);
      } finally {
        release();
      }
    },
  };
}

/** The model named in a request body (for the rate limiter), or `unknown`. */
function modelOf(body: unknown): string {
  if (typeof body !== 'string') return 'unknown';
  try {
    return String((JSON.parse(body) as { model?: unknown }).model ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

/** The strict JSON schema of a zod schema, handed to the SDK as is (so it does not validate the output itself). */
function jsonSchemaOutput(schema: z.ZodType): JsonSchemaDefinition {
  const { $schema: _ignored, ...json } = zodToJsonSchema(schema) as Record<string, unknown>;
  return { type: 'json_schema', name: 'output', strict: true, schema: json as JsonSchemaDefinition['schema'] };
}

function parseJson(text: string, usage: TokenUsage): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CallFailed('model output was not valid JSON', usage, false);
  }
}

/** Classifies an SDK error: model misbehaviour and transient faults fail the job; auth and missing models stop the run. */
function toCallFailed(err: unknown, usage: TokenUsage, model: string): CallFailed {
  if (err instanceof CallFailed) return err;
  if (err instanceof ModelBehaviorError) return new CallFailed(`model output was not valid: ${oneLine(err.message)}`, usage, false);
  if (err instanceof OpenAI.AuthenticationError || err instanceof OpenAI.PermissionDeniedError) {
    return new CallFailed(
      `the API rejected the key (${err.status}). Check OPENAI_API_KEY (and OPENAI_BASE_URL for compatible servers).`,
      usage,
      true,
    );
  }
  if (err instanceof OpenAI.NotFoundError) {
    return new CallFailed(`model \`${model}\` was not found (404). Set models.* in agents.config.ts to a model the API serves.`, usage, true);
  }
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new CallFailed('the request timed out (after retries)', usage, false);
  if (err instanceof OpenAI.APIConnectionError) return new CallFailed(`could not reach the API: ${oneLine(err.message)}`, usage, false);
  if (err instanceof OpenAI.APIError) return new CallFailed(`API error ${err.status ?? ''}: ${oneLine(err.message)}`.trim(), usage, false);
  if (err instanceof Error && err.name === 'AbortError') return new CallFailed('aborted', usage, false);
  const message = err instanceof Error ? err.message : String(err);
  return new CallFailed(`model call failed: ${oneLine(message)}`, usage, false);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 300);
}
