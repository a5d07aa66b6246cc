import type { z } from 'zod';
import { ModelFaultError, type FaultCounts, type FaultKind, type TokenUsage } from '@orchestrate/core';

/** The three model roles. */
export type Role = 'planner' | 'worker' | 'verifier';

/** One structured-output model call. */
export interface StructuredCall<T> {
  role: Role;
  model: string;
  /** Stable instructions (system prompt), first so prompt caching can hit. */
  instructions: string;
  /** The variable input. */
  input: string;
  schema: z.ZodType<T>;
  /**
   * The JSON schema to send instead of converting `schema` (a packed call's item schema stated once under `$defs`);
   * `schema` still validates the answer. A client that cannot send it converts `schema` (the same shape, inline).
   */
  jsonSchema?: Record<string, unknown>;
  /**
   * `whole` (default): the output must satisfy `schema` or the call fails. `parts`: the model gets the same JSON schema,
   * but the output is returned parsed and unvalidated, so a packed call can validate each item on its own.
   */
  validate?: 'whole' | 'parts';
  maxOutputTokens: number;
  /** Prompt cache key: one per role and kind. */
  cacheKey: string;
  /** Input tokens of the request (for tokens-per-minute limits); estimated from the text when absent. */
  inputTokens?: number;
  signal?: AbortSignal;
}

/** What a call returned: the validated output and the usage of every request it made. */
export interface StructuredResult<T> {
  output: T;
  usage: TokenUsage;
  model: string;
}

/**
 * A model call that failed; `usage` is what it cost anyway, `fatal` stops the whole run (e.g. a rejected key), `fault`
 * says which kind of model-side fault it was when the answer itself was refused.
 */
export class CallFailed extends ModelFaultError {
  readonly code = 'E_MODEL_CALL';
  constructor(
    message: string,
    readonly usage: TokenUsage,
    readonly fatal: boolean,
    readonly fault?: FaultKind,
  ) {
    super(message);
    // Kept explicit: a bundler may rename the class, and journals and logs name it.
    this.name = 'CallFailed';
  }
}

/** Something that can make structured model calls (the OpenAI engine, or a test double). */
export interface ModelClient {
  call<T>(request: StructuredCall<T>): Promise<StructuredResult<T>>;
  /** True once calls were submitted and left to be collected later (Batch API with --detach). */
  readonly detached?: boolean;
  /** Share of list price this client pays (0.5 through the Batch API). @default 1 */
  priceMultiplier?: number;
  /** Rate limiting seen so far, per model. */
  throttling?(): Record<string, { throttled: number; minConcurrency: number }>;
  /** Model-side faults seen so far, per kind (HTTP faults the SDK retried included). */
  faults?(): FaultCounts;
}
