// Wire-level fake of Anthropic's Messages API (`POST /v1/messages`, non-streaming) for tests: checks the key and version
// headers, answers from the request's JSON schema alone by default, serves scripted replies and faults, and reports
// usage as the API does (`input_tokens` without the cache reads and writes), with an optional prompt cache.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { countTokens } from './latency.js';
import { schemaFaker } from './schema-faker.js';

/** A parsed request as a handler sees it and the log records it. */
export interface AnthropicFakeRequest {
  path: string;
  body: any;
  model: string;
  /** The system prompt's text (its blocks joined by newlines). */
  system: string;
  /** The user messages' text. */
  input: string;
  /** `output_config.format.schema` when its type is `json_schema`, else null. */
  schema: any | null;
  maxTokens: number;
  /** The auth and version headers as sent (null when absent). */
  headers: { apiKey: string | null; authorization: string | null; version: string | null };
}

/** Usage as the Messages API reports it. */
export interface AnthropicWireUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

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

/** The error `type` the API sends with a status. */
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

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
    const usage = { ...countUsage(request, text, cached, options.cache ? minCacheTokens : null), ...reply.usage };
    if ('cutOff' in reply && reply.usage?.output_tokens === undefined) usage.output_tokens = request.maxTokens;
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

/**
 * Counts a request's tokens as the API bills them: the system prompt, the messages and the output schema are input;
 * with a cache, the system prefix up to the last `cache_control` block is written once per model, then read.
 */
function countUsage(
  request: AnthropicFakeRequest,
  text: string,
  cached: Set<string>,
  minCacheTokens: number | null,
): AnthropicWireUsage {
  const blocks = systemBlocks(request.body?.system);
  const last = blocks.findLastIndex((b) => b.cache_control != null);
  const prefix = last >= 0 ? blocks.slice(0, last + 1).map((b) => b.text) : [];
  const rest = blocks.slice(last + 1).map((b) => b.text);
  const prefixTokens = countTokens(prefix.join('\n'));
  const total =
    prefixTokens +
    countTokens(rest.join('\n')) +
    countTokens(request.input) +
    (request.schema ? countTokens(JSON.stringify(request.schema)) : 0);
  const usage = { input_tokens: total, output_tokens: countTokens(text), cache_creation_input_tokens: 0 };
  if (minCacheTokens === null || !prefix.length || prefixTokens < minCacheTokens)
    return { ...usage, cache_read_input_tokens: 0 };
  const key = `${request.model}\0${prefix.join('\0')}`;
  const hit = cached.has(key);
  cached.add(key);
  return {
    ...usage,
    input_tokens: total - prefixTokens,
    cache_creation_input_tokens: hit ? 0 : prefixTokens,
    cache_read_input_tokens: hit ? prefixTokens : 0,
  };
}

/** The system prompt as text blocks (a plain string is one block without cache_control). */
function systemBlocks(system: unknown): { text: string; cache_control?: unknown }[] {
  if (typeof system === 'string') return [{ text: system }];
  if (!Array.isArray(system)) return [];
  return system.map((b: any) => ({ text: typeof b?.text === 'string' ? b.text : '', cache_control: b?.cache_control }));
}

/** Text of a message's content (a string, or text blocks). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((c: any) => (typeof c?.text === 'string' ? c.text : '')).join('\n');
}

function toRequest(path: string, body: any, headers: http.IncomingHttpHeaders): AnthropicFakeRequest {
  const obj = typeof body === 'object' && body !== null ? body : {};
  const format = obj.output_config?.format;
  const header = (name: string) => {
    const v = headers[name];
    return typeof v === 'string' ? v : null;
  };
  const messages: any[] = Array.isArray(obj.messages) ? obj.messages : [];
  return {
    path,
    body,
    model: typeof obj.model === 'string' ? obj.model : '',
    system: systemBlocks(obj.system)
      .map((b) => b.text)
      .join('\n'),
    input: messages
      .filter((m) => m?.role === 'user')
      .map((m) => contentText(m.content))
      .join('\n'),
    schema: format?.type === 'json_schema' ? (format.schema ?? null) : null,
    maxTokens: typeof obj.max_tokens === 'number' ? obj.max_tokens : 0,
    headers: { apiKey: header('x-api-key'), authorization: header('authorization'), version: header('anthropic-version') },
  };
}

/** Why the API would refuse a body with 400, or null. */
function invalidBody(body: any): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'request body is not a JSON object';
  if (typeof body.model !== 'string' || !body.model) return 'model: Field required';
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return 'max_tokens: Field required';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: Field required';
  if (body.stream === true) return 'fake: streaming is not served';
  return null;
}

function errorBody(status: number, message: string, type = ERROR_TYPES[status] ?? 'api_error') {
  return { type: 'error', error: { type, message } };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, n?: number, headers = {}): void {
  sendText(res, status, JSON.stringify(body), n, headers);
}

function sendText(res: http.ServerResponse, status: number, text: string, n?: number, headers = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...(n !== undefined ? { 'request-id': `req_${n}` } : {}),
    ...headers,
  });
  res.end(text);
}
