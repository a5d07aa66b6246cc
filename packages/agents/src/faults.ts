// Model-side faults of the OpenAI engine: what the wire shows (status codes, resets, hangs, cut-off answers, bodies
// whose JSON ends early) and what an answer's text can be wrong with (empty, too large, not JSON), counted per kind for
// the run report.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FaultCounts, FaultKind, TokenUsage } from '@orchestrate/core';
import { bufferedText, handledByLeanFetch, isAnswerTooLarge, leanFetch, MAX_ANSWER_BYTES } from './http-fetch.js';
import { CallFailed } from './model-call.js';

/** The most output text a call accepts (characters); a docstring or a test file is far below it. */
export const MAX_OUTPUT_CHARS = 200_000;

/** Counts faults per kind. */
export class FaultCounter {
  readonly #counts: FaultCounts = {};

  add(kind: FaultKind): void {
    this.#counts[kind] = (this.#counts[kind] ?? 0) + 1;
  }

  /** The counts so far (a copy; kinds that never happened are absent). */
  snapshot(): FaultCounts {
    return { ...this.#counts };
  }
}

/** What the wire saw for one model call, across the SDK's attempts. */
export interface CallWatch {
  /** The caller's signal: an abort through it is a cancellation, not a fault. */
  signal: AbortSignal | undefined;
  /** Set when the last answer was cut off: why, and the usage it reported (its output is never handed over). */
  cutOff: { reason: string; usage: TokenUsage | null } | null;
  /** Set when an answer was refused for its size (`AnswerTooLarge`): the SDK sees a failed fetch and retries it. */
  tooLarge?: boolean;
}

/** The call a fetch belongs to (the fetches of a call run inside its async context). */
export const callWatch = new AsyncLocalStorage<CallWatch>();

/** Options of `watchingFetch`. */
export interface WatchOptions {
  /** Per-request timeout; the SDK's own timer stops at the headers, this one also bounds reading the body. */
  timeoutMs: number;
  faults: FaultCounter;
  /** Told about every 429 with the model named in the request body. */
  onRateLimited: (model: string) => void;
}

/**
 * A fetch for the `openai` SDK that watches every attempt: counts 429s, 5xx, failed connections, timeouts and 2xx
 * answers whose JSON body ended early (the SDK retries them all) and notes answers that were cut off (`status:
 * "incomplete"`, `finish_reason: "length"`) for the call. JSON requests go over `leanFetch`, which reads the whole
 * answer under the SDK's own timeout (a reset or a stall while reading is a failed fetch, so the SDK retries it instead
 * of failing the call). Other requests (file uploads) go to the built-in fetch, and their JSON bodies are read here
 * under the same timeout.
 */
export function watchingFetch({ timeoutMs, faults, onRateLimited }: WatchOptions): typeof fetch {
  return async (input, init) => {
    const call = callWatch.getStore();
    const lean = handledByLeanFetch(input, init);
    const started = Date.now();
    const own = lean ? null : new AbortController();
    const signal = own ? (init?.signal ? AbortSignal.any([init.signal, own.signal]) : own.signal) : init?.signal;
    let response: Response;
    try {
      response = await (lean ? leanFetch : fetch)(input, { ...init, signal });
    } catch (err) {
      if (isAnswerTooLarge(err)) {
        faults.add('oversizedOutput');
        if (call) call.tooLarge = true;
      } else if (!call?.signal?.aborted) faults.add(isAbort(err) ? 'timeouts' : 'connectionErrors');
      throw err;
    }
    if (response.status === 429) {
      faults.add('rateLimited');
      onRateLimited(modelOf(init?.body));
    } else if (response.status >= 500) faults.add('serverErrors');
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !type.includes('json')) return response;
    const buffered = bufferedText(response);
    if (buffered !== undefined || !own) {
      refuseTruncated(input, response.status, type, buffered ?? '', faults);
      if (call) call.cutOff = cutOffOf(buffered ?? '');
      return response;
    }

    const timer = setTimeout(() => own.abort(), Math.max(1, timeoutMs - (Date.now() - started)));
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      if (call?.signal?.aborted) throw err;
      // Our timer, or the SDK's own (it may still be running while the body is read).
      const timedOut = own.signal.aborted || Boolean(init?.signal?.aborted);
      faults.add(timedOut ? 'timeouts' : 'connectionErrors');
      throw new TypeError(
        timedOut
          ? `fetch failed: the answer timed out while it was read (${timeoutMs} ms)`
          : 'fetch failed: the connection was reset while the answer was read',
        { cause: err },
      );
    } finally {
      clearTimeout(timer);
    }
    refuseTruncated(input, response.status, type, text, faults);
    if (call) call.cutOff = cutOffOf(text);
    const copy = new Response(text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    Object.defineProperty(copy, 'url', { value: response.url });
    return copy;
  };
}

/** Why a fetch failed when a whole 2xx answer's JSON body ended early (its `cause`). */
export class TruncatedBody extends SyntaxError {
  override name = 'TruncatedBody';
  constructor() {
    super("the answer's JSON body ended early");
  }
}

/** Whether a failed call's last attempt got an answer whose JSON body ended early. */
export function isTruncatedBody(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++)
    if (e instanceof TruncatedBody) return true;
  return false;
}

/**
 * Refuses a whole answer whose JSON body the SDK would fail to parse (a proxy or server cut it, e.g.
 * `{"id": "broken", "output": [`): counted, and thrown as a failed fetch so the SDK retries it like a 5xx instead of
 * failing the call (and every job it carries) on its first `Unexpected end of JSON input`. Only the media types the
 * SDK parses are checked; an answer without a body (204, 205) has nothing to parse.
 */
function refuseTruncated(
  input: Parameters<typeof fetch>[0],
  status: number,
  type: string,
  text: string,
  faults: FaultCounter,
): void {
  const media = type.split(';')[0]!.trim().toLowerCase();
  // The SDK's own test for a JSON body (`application/jsonl`, a batch's results, is not one).
  if (status === 204 || status === 205 || !/^application\/(?:[\w.+-]+\+)?json$/.test(media)) return;
  // A file's content (`/files/<id>/content`, JSON Lines for a batch) is read as bytes by the SDK, whatever its type.
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (/\/files\/[^/?#]+\/content(?:[?#]|$)/.test(url)) return;
  try {
    JSON.parse(text);
    return;
  } catch {
    faults.add('truncatedBody');
  }
  throw new TypeError('fetch failed: the answer ended before its JSON body did', { cause: new TruncatedBody() });
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
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

/** Token counts as a Responses API or a chat-completions answer reports them (parsed JSON: any field may be missing). */
export interface WireUsage {
  input_tokens?: number;
  output_tokens?: number;
  input_tokens_details?: { cached_tokens?: number } | null;
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

/** What the code reads of an answer body, Responses API or chat completions (parsed JSON: any field may be missing). */
export interface WireAnswer {
  status?: string;
  incomplete_details?: { reason?: unknown } | null;
  output?: unknown;
  error?: { message?: string } | null;
  choices?: ({ finish_reason?: string } | null)[];
  usage?: WireUsage | null;
}

/**
 * Whether an answer body was cut off, and its usage. The text is only parsed again when it names a cut-off status
 * (rare), so a normal answer costs one regular-expression scan.
 */
function cutOffOf(text: string): CallWatch['cutOff'] {
  if (!/"status"\s*:\s*"incomplete"|"finish_reason"\s*:\s*"length"/.test(text)) return null;
  let body: WireAnswer | null;
  try {
    body = JSON.parse(text) as WireAnswer | null;
  } catch {
    return null;
  }
  if (body?.status === 'incomplete') {
    const u = body.usage;
    const usage = u
      ? {
          requests: 1,
          inputTokens: u.input_tokens ?? 0,
          cachedInputTokens: u.input_tokens_details?.cached_tokens ?? 0,
          outputTokens: u.output_tokens ?? 0,
        }
      : null;
    return { reason: String(body.incomplete_details?.reason ?? 'incomplete'), usage };
  }
  if (body?.choices?.[0]?.finish_reason === 'length') {
    const u = body.usage;
    const usage = u
      ? {
          requests: 1,
          inputTokens: u.prompt_tokens ?? 0,
          cachedInputTokens: u.prompt_tokens_details?.cached_tokens ?? 0,
          outputTokens: u.completion_tokens ?? 0,
        }
      : null;
    return { reason: 'finish_reason: length', usage };
  }
  return null;
}

/** The failure of a call whose answers were refused for their size (each attempt's; the SDK retried them). */
export function tooLargeFailure(usage: TokenUsage, retries: string): CallFailed {
  return new CallFailed(
    `the API's answer was larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MB and was refused (after ${retries})`,
    usage,
    false,
  );
}

/** The failure of a call whose answer was cut off. */
export function cutOffFailure(reason: string, usage: TokenUsage): CallFailed {
  return new CallFailed(`the model's output was cut off (${reason})`, usage, false, 'incomplete');
}

/** The text and refusals of a model response's assistant messages. */
function outputText(output: readonly unknown[]): { text: string; refusal: string } {
  let text = '';
  let refusal = '';
  for (const item of output as { type?: string; content?: unknown }[]) {
    if (item?.type !== 'message' || !Array.isArray(item.content)) continue;
    for (const part of item.content as { type?: string; text?: unknown; refusal?: unknown }[]) {
      if (part?.type === 'output_text' && typeof part.text === 'string') text += part.text;
      if (part?.type === 'refusal' && typeof part.refusal === 'string') refusal += part.refusal;
    }
  }
  return { text, refusal };
}

/**
 * The answer's JSON, refused before anything else reads it when there is no text (or a refusal), the text is over
 * `MAX_OUTPUT_CHARS`, or it is not JSON.
 */
export function acceptedJson(output: readonly unknown[], usage: TokenUsage): unknown {
  const { text, refusal } = outputText(output);
  if (!text.trim()) {
    const why = refusal.trim()
      ? `the model refused: ${oneLine(refusal).slice(0, 200)}`
      : 'the model returned no output';
    throw new CallFailed(why, usage, false, 'emptyOutput');
  }
  if (text.length > MAX_OUTPUT_CHARS) {
    throw new CallFailed(
      `the model's output was too large (${Math.round(text.length / 1000)} KB; at most ${MAX_OUTPUT_CHARS / 1000} KB is accepted)`,
      usage,
      false,
      'oversizedOutput',
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CallFailed("the model's output was not valid JSON", usage, false, 'invalidJson');
  }
}

/** Text on one line, at most 300 characters. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}
