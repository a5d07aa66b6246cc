// What every provider's client does with an answer and a failure the same way: validating the output against the
// call's schema, naming the SDK's retries, and an error's causes on one line.
import type { ResolvedConfig, TokenUsage } from '@orchestrate/core';
import { oneLine } from './faults.js';
import { CallFailed, type StructuredCall, type StructuredResult } from './model-call.js';

/**
 * A call's result from its answer's JSON: unvalidated for `validate: 'parts'` (a pack checks each item), else held to
 * the call's schema (a failure is a `schemaFailures` fault the ladder retries).
 */
export function validatedResult<T>(raw: unknown, request: StructuredCall<T>, usage: TokenUsage): StructuredResult<T> {
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
}

/** The SDK's retries, as a call's failure names them (`2 retries`). */
export function retriesText(config: ResolvedConfig): string {
  const n = config.api.maxRetries;
  return `${n} ${n === 1 ? 'retry' : 'retries'}`;
}

/** An error's message and its causes', on one line (`fetch failed: other side closed`). */
export function causes(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const m = oneLine(e.message);
    if (m && !parts.includes(m)) parts.push(m);
  }
  return parts.join(': ') || 'connection error';
}
