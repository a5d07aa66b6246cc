// The Agents SDK's own packages, not its `@openai/agents` entry: that one also builds a default provider, installs the
// OpenAI tracing exporter and loads the realtime client when imported, and a run uses none of them.
import {
  MaxTurnsExceededError,
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
import { addUsage, emptyUsage, type ResolvedConfig, type TokenUsage } from '@orchestrate/core';
import {
  acceptedJson,
  callWatch,
  cutOffFailure,
  FaultCounter,
  isTruncatedBody,
  oneLine,
  tooLargeFailure,
  watchingFetch,
  type CallWatch,
} from './faults.js';
import { outputJsonSchema } from './json-schema.js';
import { CallFailed, type ModelClient, type StructuredCall, type StructuredResult } from './model-call.js';
import { ModelLimiter, type ThrottleEvent } from './rate-limit.js';

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
  // The SDK retries 429s, 5xx, failed connections and timeouts itself (honouring retry-after); the fetch watches every
  // attempt, so the model's concurrency adapts to 429s and the report counts each fault.
  const faults = new FaultCounter();
  const openAIClient = new OpenAI({
    apiKey,
    baseURL,
    timeout: config.api.timeoutMs,
    maxRetries: config.api.maxRetries,
    fetch: watchingFetch({
      timeoutMs: config.api.timeoutMs,
      faults,
      onRateLimited: (model) => limiterFor(model).rateLimited(),
    }),
  });
  const provider = new OpenAIProvider({ openAIClient, useResponses: config.api.wire === 'responses' });
  const models = new Map<string, Promise<Model>>();
  const modelFor = (name: string) => {
    let model = models.get(name);
    if (!model) models.set(name, (model = Promise.resolve(provider.getModel(name))));
    return model;
  };

  return {
    throttling: () =>
      Object.fromEntries(
        [...limiters]
          .filter(([, l]) => l.throttled > 0)
          .map(([m, l]) => [m, { throttled: l.throttled, minConcurrency: l.minConcurrency }]),
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
        const model = await modelFor(request.model);
        // One structured answer, no tools, one turn: the SDK's model layer is called directly, without its runner.
        const modelRequest: ModelRequest = {
          systemInstructions: request.instructions,
          input: request.input,
          modelSettings: {
            maxTokens: request.maxOutputTokens,
            store: false,
            providerData: { prompt_cache_key: request.cacheKey },
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
        if (request.validate === 'parts') return { output: raw as T, usage, model: request.model };
        const parsed = request.schema.safeParse(raw);
        if (!parsed.success)
          throw new CallFailed(
            `the model's output failed its schema: ${oneLine(parsed.error.issues[0]?.message ?? 'invalid')}`,
            usage,
            false,
            'schemaFailures',
          );
        return { output: parsed.data, usage, model: request.model };
      } catch (err) {
        const failed =
          watch.tooLarge && !(err instanceof CallFailed)
            ? tooLargeFailure(usage, retriesText(config))
            : toCallFailed(err, usage, request.model, config);
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

/**
 * Classifies an SDK error into one line: model misbehaviour and transient faults (after the SDK's retries) fail the
 * job; auth and missing models stop the run. Output faults carry their `fault` kind (HTTP faults are counted by the fetch).
 */
function toCallFailed(err: unknown, usage: TokenUsage, model: string, config: ResolvedConfig): CallFailed {
  if (err instanceof CallFailed) return err;
  const { timeoutMs } = config.api;
  const retries = retriesText(config);
  if (err instanceof ModelBehaviorError) {
    const schema = /^Invalid output type:\s*(.*)$/s.exec(err.message);
    if (schema)
      return new CallFailed(
        `the model's output failed its schema: ${oneLine(schema[1]!)}`,
        usage,
        false,
        'schemaFailures',
      );
    if (/no final output/i.test(err.message))
      return new CallFailed('the model returned no output', usage, false, 'emptyOutput');
    return new CallFailed(`model output was not valid: ${oneLine(err.message)}`, usage, false);
  }
  if (err instanceof MaxTurnsExceededError)
    return new CallFailed('the model returned no output', usage, false, 'emptyOutput');
  if (err instanceof OpenAI.AuthenticationError || err instanceof OpenAI.PermissionDeniedError) {
    return new CallFailed(
      `the API rejected the key (${err.status}). Check OPENAI_API_KEY (and OPENAI_BASE_URL for compatible servers).`,
      usage,
      true,
    );
  }
  if (err instanceof OpenAI.NotFoundError) {
    return new CallFailed(
      `model \`${model}\` was not found (404). Set models.* in agents.config.ts to a model the API serves.`,
      usage,
      true,
    );
  }
  if (err instanceof OpenAI.APIUserAbortError) return new CallFailed('aborted', usage, false);
  // The fetch refused a whole answer whose JSON ended early (a failed fetch to the SDK, so it was retried).
  if (err instanceof OpenAI.APIConnectionError && isTruncatedBody(err)) {
    return new CallFailed(`the API's answer was cut off (its JSON body ended early) after ${retries}`, usage, false);
  }
  if (err instanceof OpenAI.APIConnectionTimeoutError)
    return new CallFailed(`the request timed out (${timeoutMs} ms per attempt, ${retries})`, usage, false);
  if (err instanceof OpenAI.APIConnectionError)
    return new CallFailed(`could not reach the API (after ${retries}): ${causes(err)}`, usage, false);
  if (err instanceof OpenAI.RateLimitError)
    return new CallFailed(`the API kept answering 429 (rate limited) after ${retries}`, usage, false);
  if (err instanceof OpenAI.InternalServerError)
    return new CallFailed(`the API failed with ${err.status} after ${retries}: ${oneLine(err.message)}`, usage, false);
  if (err instanceof OpenAI.APIError)
    return new CallFailed(`API error ${err.status ?? ''}: ${oneLine(err.message)}`.trim(), usage, false);
  if (err instanceof Error && err.name === 'AbortError') return new CallFailed('aborted', usage, false);
  const message = err instanceof Error ? err.message : String(err);
  return new CallFailed(`model call failed: ${oneLine(message)}`, usage, false);
}

/** The SDK's retries, as a call's failure names them (`2 retries`). */
function retriesText(config: ResolvedConfig): string {
  const n = config.api.maxRetries;
  return `${n} ${n === 1 ? 'retry' : 'retries'}`;
}

/** An error's message and its causes', on one line (`fetch failed: other side closed`). */
function causes(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const m = oneLine(e.message);
    if (m && !parts.includes(m)) parts.push(m);
  }
  return parts.join(': ') || 'connection error';
}
