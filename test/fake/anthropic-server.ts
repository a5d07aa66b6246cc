// Wire-level fake of Anthropic's Messages API (`POST /v1/messages`, non-streaming) for tests: checks the key and version
// headers, answers from the request's JSON schema alone by default, serves scripted replies and faults, and reports
// usage as the API does (`input_tokens` without the cache reads and writes), with an optional prompt cache.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  countUsage,
  ERROR_TYPES,
  errorBody,
  invalidBody,
  sendJson,
  sendText,
  toRequest,
  type AnthropicFakeRequest,
  type AnthropicWireUsage,
} from './anthropic-wire.js';
import { schemaFaker } from './schema-faker.js';

export type { AnthropicFakeRequest, AnthropicWireUsage };

/** One served request: the request, the HTTP status, the usage served (null for errors) and any socket fault. */
export interface AnthropicLogEntry {
  request: AnthropicFakeRequest;
  status: number;
  usage: AnthropicWireUsage | null;
  fault?: 'reset' | 'truncated';
}

/** Token counts a reply serves instead of the counted ones. */
export type AnthropicUsageOverride = Partial<AnthropicWireUsage>;

/**
 * What a handler returns: JSON or raw text in one `text` block (`stopReason` defaults to `end_turn`), an answer with
 * no content block, a cut-off answer (`max_tokens`: half of the schema-faked JSON, output tokens = `max_tokens`), a
 * refusal (`stop_reason: "refusal"`), an API error (`{ type: 'error', error: { type, message } }`; the type defaults by
 * status), a reset socket, or a whole 200 answer whose JSON body stops short.
 */
export type AnthropicReply =
  | { json: unknown; usage?: AnthropicUsageOverride; stopReason?: string }
  | { text: string; usage?: AnthropicUsageOverride; stopReason?: string }
  | { noOutput: true; usage?: AnthropicUsageOverride }
  | { cutOff: true; usage?: AnthropicUsageOverride }
  | { refusal: string; usage?: AnthropicUsageOverride }
  | { status: number; type?: string; message?: string; headers?: Record<string, string> }
  | { reset: 'before-headers' | 'mid-body' }
  | { truncated: true };

/** Decides the reply for a request; `n` is the 0-based index of this request on the server. */
export type AnthropicHandler = (req: AnthropicFakeRequest, n: number) => AnthropicReply | Promise<AnthropicReply>;

/** Options of the fake. */
export interface AnthropicServerOptions {
  /** The keys it accepts (in `x-api-key`, or `Authorization: Bearer`). @default any non-empty key */
  keys?: readonly string[];
  /**
   * Serve a prompt cache: the system blocks up to the last one with `cache_control` are a prefix; its first request
   * (per model) reports them as `cache_creation_input_tokens`, later ones as `cache_read_input_tokens`. A prefix under
   * `minTokens` is not cached (the API's minimum cacheable length). @default off: no cache tokens
   */
  cache?: boolean | { minTokens: number };
}

/** A running fake; `url` is the SDK's baseURL (the SDK adds `/v1/messages`). */
export interface FakeAnthropic {
  url: string;
  log: AnthropicLogEntry[];
  setHandler(h: AnthropicHandler): void;
  close(): Promise<void>;
}

/** Faults to script, as replies. */
export const anthropicFaults = {
  /** 429 `rate_limit_error` with `retry-after` in seconds (fractions allowed, as the SDK reads them). */
  rateLimited: (retryAfterSeconds = 0.005): AnthropicReply => ({
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds) },
  }),
  /** 529 `overloaded_error`. */
  overloaded: (): AnthropicReply => ({ status: 529, headers: { 'retry-after-ms': '5' } }),
  /** 500 `api_error`. */
  serverError: (): AnthropicReply => ({ status: 500, headers: { 'retry-after-ms': '5' } }),
  /** Cut off at `max_tokens`. */
  cutOff: (): AnthropicReply => ({ cutOff: true }),
  /** No content block at all. */
  empty: (): AnthropicReply => ({ noOutput: true }),
  /** Prose instead of JSON. */
  notJson: (): AnthropicReply => ({ text: 'Sure! Here is the documentation you asked for.' }),
};

/** Default handler: schema-valid JSON from the request's JSON schema alone, else the text "ok". */
export const defaultAnthropicHandler: AnthropicHandler = (req) =>
  req.schema != null ? { json: schemaFaker(req.schema) } : { text: 'ok' };

/** The body of a `truncated` reply, as a faulty proxy cut it. */
export const TRUNCATED_MESSAGE = '{"id": "msg_broken", "type": "message", "content": [';

/** Starts the fake on 127.0.0.1 with an OS-assigned port. */
export async function startFakeAnthropic(
  handler?: AnthropicHandler,
  options: AnthropicServerOptions = {},
): Promise<FakeAnthropic> {
  let current = handler ?? defaultAnthropicHandler;
  let counter = 0;
  const log: AnthropicLogEntry[] = [];
  const cached = new Set<string>();
  const minCacheTokens = typeof options.cache === 'object' ? options.cache.minTokens : 0;

  async function handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): Promise<void> {
    const n = counter++;
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      body = null;
    }
    const request = toRequest(path, body, req.headers);
    const entry: AnthropicLogEntry = { request, status: 0, usage: null };
    log.push(entry);
    const fail = (status: number, message: string, headers?: Record<string, string>) => {
      entry.status = status;
      sendJson(res, status, errorBody(status, message), n, headers);
    };
    if (req.method !== 'POST' || path !== '/v1/messages') return fail(404, `Not found: ${req.method} ${req.url}`);
    const key = request.headers.apiKey ?? /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? null;
    if (!key) return fail(401, 'x-api-key header is required');
    if (options.keys && !options.keys.includes(key)) return fail(401, 'invalid x-api-key');
    if (!request.headers.version) return fail(400, 'anthropic-version: header is required');
    const invalid = invalidBody(body);
    if (invalid) return fail(400, invalid);

    let reply: AnthropicReply;
    try {
      reply = await current(request, n);
    } catch (err) {
      reply = { status: 500, message: `fake handler threw: ${String(err)}` };
    }
    if ('reset' in reply) {
      entry.fault = 'reset';
      if (reply.reset === 'before-headers') res.socket?.destroy();
      else {
        const partial = `{"id":"msg_${n}","type":"message","role":"assistant","content":[{"type":"text","text":"`;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(partial.length * 4) });
        res.write(partial, () => res.socket?.destroy());
      }
      return;
    }
    if ('truncated' in reply) {
      entry.fault = 'truncated';
      entry.status = 200;
      return sendText(res, 200, TRUNCATED_MESSAGE, n);
    }
    if ('status' in reply) {
      entry.status = reply.status;
      const errorType = reply.type ?? ERROR_TYPES[reply.status] ?? 'api_error';
      sendJson(res, reply.status, errorBody(reply.status, reply.message ?? 'fake error', errorType), n, reply.headers);
      return;
    }
    const { text, stopReason, content } = answerOf(reply, request);
    const output = reply.usage?.output_tokens ?? ('cutOff' in reply ? request.maxTokens : undefined);
    const usage = {
      ...countUsage(request, text, cached, options.cache ? minCacheTokens : null, output),
      ...reply.usage,
    };
    entry.status = 200;
    entry.usage = usage;
    const message = {
      id: `msg_${n}`,
      type: 'message',
      role: 'assistant',
      model: request.model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      stop_details: 'refusal' in reply ? { type: 'refusal', category: null, explanation: reply.refusal } : null,
      usage,
    };
    sendJson(res, 200, message, n);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks).toString('utf8'), res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, errorBody(500, `fake server crashed: ${String(err)}`));
        else res.end();
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    setHandler(h) {
      current = h;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The text, stop reason and content blocks a reply serves. */
function answerOf(reply: Extract<AnthropicReply, { usage?: unknown }>, request: AnthropicFakeRequest) {
  if ('noOutput' in reply) return { text: '', stopReason: 'end_turn', content: [] };
  if ('refusal' in reply) return { text: '', stopReason: 'refusal', content: [] };
  let text: string;
  let stopReason = 'end_turn';
  if ('cutOff' in reply) {
    const whole = JSON.stringify(request.schema ? schemaFaker(request.schema) : 'ok');
    text = whole.slice(0, Math.max(1, Math.floor(whole.length / 2)));
    stopReason = 'max_tokens';
  } else {
    text = 'json' in reply ? JSON.stringify(reply.json) : reply.text;
    stopReason = reply.stopReason ?? stopReason;
  }
  return { text, stopReason, content: [{ type: 'text', text, citations: null }] };
}
