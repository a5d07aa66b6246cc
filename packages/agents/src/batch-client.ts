import { createHash } from 'node:crypto';
import OpenAI, { toFile } from 'openai';
import type { z } from 'zod';
import { validatedResult } from './call-output.js';
import { outputJsonSchema } from './json-schema.js';
import { emptyUsage, type ResolvedConfig, type TokenUsage } from '@orchestrate/core';
import { acceptedJson, cutOffFailure, FaultCounter, type WireAnswer } from './faults.js';
import { CallFailed, type ModelClient, type StructuredCall, type StructuredResult } from './model-call.js';

/** Options of the Batch API client. */
export interface BatchClientOptions {
  apiKey: string;
  baseURL: string | undefined;
  config: ResolvedConfig;
  /** Told when a batch is submitted (with the custom ids it holds, for the run's state) and when it completes. */
  onBatch?: (event: { batchId: string; requests: number; status: string; customIds: string[] }) => void;
  /** Calls already submitted by an earlier (detached) process: custom id → batch id. Their answers are collected, not paid again. */
  known?: ReadonlyMap<string, string>;
  /** Submit and stop: every call of a new batch fails with `detached` instead of waiting. */
  detach?: boolean;
}

interface Pending {
  customId: string;
  request: StructuredCall<unknown>;
  resolve: (result: StructuredResult<unknown>) => void;
  reject: (err: unknown) => void;
}

/** How long calls are collected before one batch is submitted. */
const COLLECT_MS = 150;
const DONE = new Set(['completed', 'failed', 'expired', 'cancelled']);

/**
 * The OpenAI engine through the Batch API (`/v1/files`, `/v1/batches`, endpoint `/v1/responses`) at its lower price:
 * calls made together are collected into one JSONL batch, submitted, polled, and each call resolves with its own line's
 * answer, validated like a live call (refused answers carry the same fault kinds, counted in `faults()`). Usage is what
 * each line's response reports.
 */
export function createBatchClient({
  apiKey,
  baseURL,
  config,
  onBatch,
  known: knownBatches,
  detach = false,
}: BatchClientOptions): ModelClient & { priceMultiplier: number; readonly detached: boolean } {
  const openai = new OpenAI({ apiKey, baseURL, timeout: config.api.timeoutMs, maxRetries: config.api.maxRetries });
  let queue: Pending[] = [];
  let timer: NodeJS.Timeout | null = null;
  const resumed = new Map<string, Pending[]>();
  const state = { detached: false };
  const faults = new FaultCounter();

  const flush = () => {
    timer = null;
    const batch = queue;
    queue = [];
    submit(batch).catch((err: unknown) =>
      batch.forEach((p) =>
        p.reject(err instanceof CallFailed ? err : new CallFailed(`batch failed: ${String(err)}`, emptyUsage(), false)),
      ),
    );
  };

  async function submit(batch: Pending[]): Promise<void> {
    // The same call twice (a retried job that asks the same thing) goes in once.
    const unique = [...new Map(batch.map((p) => [p.customId, p])).values()];
    const jsonl = unique
      .map((p) =>
        JSON.stringify({ custom_id: p.customId, method: 'POST', url: '/v1/responses', body: bodyOf(p.request) }),
      )
      .join('\n');
    const file = await openai.files.create({
      file: await toFile(Buffer.from(`${jsonl}\n`), 'orchestrate-batch.jsonl'),
      purpose: 'batch',
    });
    const info = await openai.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/responses',
      completion_window: '24h',
    });
    onBatch?.({
      batchId: info.id,
      requests: unique.length,
      status: info.status,
      customIds: unique.map((p) => p.customId),
    });
    if (detach) {
      state.detached = true;
      for (const p of batch)
        p.reject(
          new CallFailed(
            `detached: batch ${info.id} was submitted; collect it with \`orchestrate resume\``,
            emptyUsage(),
            false,
          ),
        );
      return;
    }
    await collect(info.id, batch);
  }

  /** Waits for a batch and resolves each call with its own line. */
  async function collect(batchId: string, batch: Pending[]): Promise<void> {
    let info = await openai.batches.retrieve(batchId);
    while (!DONE.has(info.status)) {
      await new Promise((r) => setTimeout(r, config.api.batchPollMs));
      info = await openai.batches.retrieve(info.id);
    }
    onBatch?.({ batchId: info.id, requests: batch.length, status: info.status, customIds: [] });
    const lines = new Map<
      string,
      { response?: { status_code: number; body: WireAnswer | null }; error?: { message?: string } | null }
    >();
    let broken = 0;
    for (const id of [info.output_file_id, info.error_file_id]) {
      if (!id) continue;
      const text = await (await openai.files.content(id)).text();
      for (const line of text.split('\n').filter((l) => l.trim())) {
        const parsed = parseLine(line);
        if (parsed) lines.set(parsed.custom_id, parsed as never);
        else broken++;
      }
    }
    for (const p of batch) {
      const line = lines.get(p.customId);
      try {
        // A result line that is not JSON belongs to a call whose line is then missing: refused as a bad answer, so
        // the ladder retries it in the next batch instead of failing the whole batch.
        if (!line && broken > 0)
          throw new CallFailed(
            "the batch's result line for this call was not valid JSON",
            emptyUsage(),
            false,
            'invalidJson',
          );
        p.resolve(resultOf(p.request, line, info.status));
      } catch (err) {
        if (err instanceof CallFailed && err.fault) faults.add(err.fault);
        p.reject(err);
      }
    }
  }

  const flushResumed = () => {
    for (const [batchId, calls] of resumed) {
      resumed.delete(batchId);
      collect(batchId, calls).catch((err: unknown) => calls.forEach((p) => p.reject(err)));
    }
  };

  return {
    priceMultiplier: 0.5,
    faults: () => faults.snapshot(),
    get detached() {
      return state.detached;
    },
    call<T>(request: StructuredCall<T>): Promise<StructuredResult<T>> {
      return new Promise<StructuredResult<T>>((resolve, reject) => {
        const pending: Pending = {
          customId: customIdOf(request),
          request: request as StructuredCall<unknown>,
          resolve: resolve as Pending['resolve'],
          reject,
        };
        const known = knownBatches?.get(pending.customId);
        if (known) {
          resumed.set(known, [...(resumed.get(known) ?? []), pending]);
          setTimeout(flushResumed, COLLECT_MS);
          return;
        }
        queue.push(pending);
        if (timer) clearTimeout(timer);
        timer = setTimeout(flush, COLLECT_MS);
      });
    },
  };
}

/** A call's custom id: a hash of what it asks, so a resumed run recognises the calls it already submitted. */
function customIdOf(request: StructuredCall<unknown>): string {
  return `c-${createHash('sha256')
    .update(JSON.stringify(bodyOf(request)))
    .digest('hex')
    .slice(0, 40)}`;
}

/** The Responses API body of a call, as the live engine would send it. */
function bodyOf(request: StructuredCall<unknown>): Record<string, unknown> {
  const schema = request.jsonSchema ?? outputJsonSchema(request.schema as z.ZodType);
  return {
    model: request.model,
    instructions: request.instructions,
    input: request.input,
    text: { format: { type: 'json_schema', name: 'output', strict: true, schema } },
    max_output_tokens: request.maxOutputTokens,
    prompt_cache_key: request.cacheKey,
    store: false,
  };
}

function usageOf(body: WireAnswer | null | undefined): TokenUsage {
  const u = body?.usage;
  if (!u) return emptyUsage();
  return {
    requests: 1,
    inputTokens: u.input_tokens ?? 0,
    cachedInputTokens: u.input_tokens_details?.cached_tokens ?? 0,
    outputTokens: u.output_tokens ?? 0,
  };
}

/** One line of a batch result file, or null when it is not a JSON object with a `custom_id`. */
function parseLine(line: string): { custom_id: string } | null {
  try {
    const parsed = JSON.parse(line) as unknown;
    return parsed && typeof parsed === 'object' && typeof (parsed as { custom_id?: unknown }).custom_id === 'string'
      ? (parsed as { custom_id: string })
      : null;
  } catch {
    return null;
  }
}

function resultOf(
  request: StructuredCall<unknown>,
  line:
    { response?: { status_code: number; body: WireAnswer | null }; error?: { message?: string } | null } | undefined,
  status: string,
): StructuredResult<unknown> {
  if (!line) throw new CallFailed(`the batch ended ${status} without an answer for this call`, emptyUsage(), false);
  const response = line.response;
  if (!response || response.status_code !== 200) {
    const message = line.error?.message ?? response?.body?.error?.message ?? `status ${response?.status_code ?? '?'}`;
    throw new CallFailed(`batch request failed: ${message}`, emptyUsage(), response?.status_code === 401);
  }
  const usage = usageOf(response.body);
  const body = response.body;
  if (body?.status === 'incomplete')
    throw cutOffFailure(String(body.incomplete_details?.reason ?? 'incomplete'), usage);
  // Refused as a live answer is (empty, too large, not JSON), with the same fault kinds.
  const json = acceptedJson(Array.isArray(body?.output) ? body.output : [], usage);
  return validatedResult(json, request, usage);
}
