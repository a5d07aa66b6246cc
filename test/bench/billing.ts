// Input tokens the way the API bills them, and what prompt caching would make of them.
import type { FakeRequest } from '../fake/openai-server.js';
import { countTokens, requestTexts } from '../fake/latency.js';

/**
 * Tokens the API adds per message of a request (the role and the message delimiters): OpenAI's own token-counting
 * guide counts 3 per chat message and 3 more that prime the reply; we count 4 per message (instructions, each input
 * message) and {@link REPLY_PRIMING_TOKENS}, slightly above it.
 */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** Tokens that prime the model's reply, once per request. */
export const REPLY_PRIMING_TOKENS = 3;
/** The API caches a request's prefix only from this many tokens on… */
export const CACHE_MIN_TOKENS = 1024;
/** …in steps of this many. */
export const CACHE_STEP_TOKENS = 128;

/** What one request is billed for as input. */
export interface BilledInput {
  /** Instructions (Responses `instructions`, or chat system / developer messages). */
  instructionTokens: number;
  /** The output JSON schema as sent (`text.format.schema` / `response_format.json_schema.schema`). */
  schemaTokens: number;
  /** The variable input (Responses `input`, the other chat messages). */
  variableTokens: number;
  /** Per-message overhead and reply priming. */
  overheadTokens: number;
  /** Everything: what `usage.input_tokens` says. */
  inputTokens: number;
  /** The stable prefix: the instructions' message and the schema, as the API puts them before the input. */
  prefixTokens: number;
  /** Identity of that prefix with the request's `prompt_cache_key`: equal prefixes under one key may be cached. */
  prefixId: string;
  /** The instructions' message alone: the part of the prefix before the schema. */
  instructionsPrefixTokens: number;
  /** Identity of that shorter prefix (a request whose schema differs may still repeat it). */
  instructionsPrefixId: string;
}

/** Messages of a request: the instructions (when any) and each input message (a string input is one). */
function messageCount(req: FakeRequest): { instructions: number; input: number } {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, any>;
  const list: any[] = [
    ...(Array.isArray(body.input) ? body.input : []),
    ...(Array.isArray(body.messages) ? body.messages : []),
  ];
  const system = list.filter((m) => m?.role === 'system' || m?.role === 'developer').length;
  const instructions = (typeof body.instructions === 'string' && body.instructions ? 1 : 0) + system;
  const input = (typeof body.input === 'string' ? 1 : 0) + list.length - system;
  return { instructions, input };
}

/** The billed input of a request: instructions + input + the output schema as sent + message overhead (o200k). */
export function billedInput(req: FakeRequest): BilledInput {
  const texts = requestTexts(req);
  const schemaText = req.schema != null ? JSON.stringify(req.schema) : '';
  const instructionTokens = countTokens(texts.instructions);
  const schemaTokens = countTokens(schemaText);
  const variableTokens = countTokens(texts.input);
  const messages = messageCount(req);
  const overheadTokens = (messages.instructions + messages.input) * MESSAGE_OVERHEAD_TOKENS + REPLY_PRIMING_TOKENS;
  const prefixTokens = messages.instructions * MESSAGE_OVERHEAD_TOKENS + instructionTokens + schemaTokens;
  const body = (req.body ?? {}) as Record<string, unknown>;
  const key = typeof body.prompt_cache_key === 'string' ? body.prompt_cache_key : '';
  return {
    ...{ instructionTokens, schemaTokens, variableTokens, overheadTokens },
    inputTokens: instructionTokens + schemaTokens + variableTokens + overheadTokens,
    prefixTokens,
    prefixId: `${req.model}\u0000${key}\u0000${texts.instructions}\u0000${schemaText}`,
    instructionsPrefixTokens: messages.instructions * MESSAGE_OVERHEAD_TOKENS + instructionTokens,
    instructionsPrefixId: `${req.model}\u0000${key}\u0000${texts.instructions}`,
  };
}

/**
 * Prompt caching as the API does it, in the order requests arrive: a request whose stable prefix is at least
 * {@link CACHE_MIN_TOKENS} long and repeats the prefix of an earlier request under the same model and
 * `prompt_cache_key` gets that prefix, rounded down to {@link CACHE_STEP_TOKENS}, as cached input; when only its
 * instructions repeat (the schema differs: other keys or parameters in a pack), the instructions' part, if that alone
 * is long enough.
 */
export class PromptCache {
  private readonly seen = new Set<string>();

  /** Cached input tokens of this request (0 when it is the first of its prefix, or its prefix is too short). */
  cachedTokens(b: Pick<BilledInput, 'prefixTokens' | 'prefixId'> & Partial<BilledInput>): number {
    const step = (tokens: number) => Math.floor(tokens / CACHE_STEP_TOKENS) * CACHE_STEP_TOKENS;
    const full = this.seen.has(b.prefixId);
    const instructions = b.instructionsPrefixId !== undefined && this.seen.has(b.instructionsPrefixId);
    this.seen.add(b.prefixId);
    if (b.instructionsPrefixId !== undefined) this.seen.add(b.instructionsPrefixId);
    if (full && b.prefixTokens >= CACHE_MIN_TOKENS) return step(b.prefixTokens);
    const short = b.instructionsPrefixTokens ?? 0;
    return instructions && short >= CACHE_MIN_TOKENS ? step(short) : 0;
  }
}
