// Wire-level fake of the OpenAI HTTP API (Responses + Chat Completions, plain and SSE streaming) for tests.
import http from 'node:http';
import { batchRoutes } from './batch-routes.js';
import type { AddressInfo } from 'node:net';
import { schemaFaker } from './schema-faker.js';
import {
  chatChunks,
  chatObject,
  errorBody,
  responseObject,
  responsesEvents,
  sendJson,
  sendSse,
  shapeOf,
  textOf,
  usageOf,
} from './wire.js';

/** Deterministic JSON-schema value generator (re-exported from ./schema-faker.js). */
export { schemaFaker };

/** A parsed request as seen by a handler and recorded in the log. */
export interface FakeRequest {
  path: string;
  body: any;
  model: string;
  kind: 'responses' | 'chat';
  stream: boolean;
  schemaName: string | null;
  schema: any | null;
  /** The request's headers (lower-case names; empty for a batch line). */
  headers: Record<string, string | string[] | undefined>;
}

/** One served request: the request, the HTTP status and the usage reported to the client (null for errors). */
export interface FakeLogEntry {
  request: FakeRequest;
  status: number;
  usage: { input_tokens: number; output_tokens: number; cached_tokens: number } | null;
  /** A reply that was not an HTTP answer: the socket was reset, or the request was left hanging. */
  fault?: 'reset' | 'hang' | 'flood' | 'truncated';
  /**
   * Only when the server has a `latency` hook: when the request body arrived and when the reply was sent
   * (`performance.now()` ms) and the delay the hook asked for (0 for error replies, which are never delayed).
   */
  timing?: { receivedMs: number; sentMs: number; latencyMs: number };
}

/** Optional token-usage override for a successful reply. */
export interface FakeUsage {
  input?: number;
  output?: number;
  cached?: number;
}

/**
 * What a handler returns: structured JSON output or raw text output (`incomplete: <reason>` serves it cut off:
 * Responses `status: "incomplete"` with `incomplete_details.reason`, chat `finish_reason: "length"`), an answer with no
 * message at all, an HTTP error (status and headers, e.g. `retry-after-ms`), a reset socket (before the headers, or
 * after the headers and part of the body), no answer at all (`hang`: before the headers, or after them), or a body
 * without end (`flood`: `endless` streams until the client hangs up, `declared` only announces a terabyte), or a whole
 * 200 answer whose JSON body stops short (`truncated`: `{"id": "broken", "output": [`, its length declared as sent), or a
 * call of one of the request's tools (`functionCall`: a Responses `function_call` item, a chat `tool_calls` entry; an
 * object `arguments` is sent as its JSON; `callId` defaults to `call_<n>`), so a scripted agent model can use a tool.
 */
export type FakeReply =
  | { json: unknown; usage?: FakeUsage; incomplete?: string }
  | { functionCall: FakeFunctionCall; usage?: FakeUsage }
  | { text: string; usage?: FakeUsage; incomplete?: string }
  | { noOutput: true; usage?: FakeUsage }
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { reset: 'before-headers' | 'mid-body' }
  | { flood: 'endless' | 'declared' }
  | { hang: 'before-headers' | 'after-headers' }
  | { truncated: true };

/** The tool call of a `functionCall` reply. */
export interface FakeFunctionCall {
  name: string;
  arguments: string | Record<string, unknown>;
  callId?: string;
}

/** Decides the reply for a request; `n` is the 0-based index of this request on the server. */
export type FakeHandler = (req: FakeRequest, n: number) => FakeReply | Promise<FakeReply>;

/** What a latency hook sees: the request, its index, and the text and usage about to be served. */
export interface FakeLatencyInfo {
  request: FakeRequest;
  n: number;
  text: string;
  usage: NonNullable<FakeLogEntry['usage']>;
}

/** Options of the fake server. */
export interface FakeServerOptions {
  /**
   * Delays every successful reply by the returned number of milliseconds (e.g. a model's time to first token plus its
   * generation time) and records `timing` in the log. Without it replies are immediate, as before.
   */
  latency?: (info: FakeLatencyInfo) => number;
  /** Retrievals of a batch before it reports `completed` (Batch API). @default 1 */
  batchPolls?: number;
}

/** A running fake server; `url` is the SDK baseURL (ends in /v1). */
export interface FakeServer {
  url: string;
  log: FakeLogEntry[];
  /** Ids of the batches created through `POST /v1/batches`, in order. */
  batches: string[];
  setHandler(h: FakeHandler): void;
  close(): Promise<void>;
}

/** Default handler: schema-valid fake JSON when a json_schema was requested, else the text "ok". */
export const defaultFakeHandler: FakeHandler = (req) =>
  req.schema != null ? { json: schemaFaker(req.schema, req.schemaName ?? undefined) } : { text: 'ok' };

const ROUTES: Record<string, FakeRequest['kind']> = {
  '/v1/responses': 'responses',
  '/v1/chat/completions': 'chat',
};

/** Starts the fake on 127.0.0.1 with an OS-assigned port. */
export async function startFakeOpenAI(handler?: FakeHandler, options: FakeServerOptions = {}): Promise<FakeServer> {
  let current: FakeHandler = handler ?? defaultFakeHandler;
  let counter = 0;
  const log: FakeLogEntry[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks).toString('utf8'), res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, errorBody(`fake server crashed: ${String(err)}`, 'server_error'));
        else res.end();
      });
    });
  });

  const batch = batchRoutes(
    {
      // One line of a batch file, answered and logged like a live POST /v1/responses.
      async answer(body) {
        const n = counter++;
        const request = toFakeRequest('/v1/responses', 'responses', body);
        const entry: FakeLogEntry = { request, status: 0, usage: null };
        log.push(entry);
        let reply: FakeReply;
        try {
          reply = await current(request, n);
        } catch (err) {
          reply = { status: 500, body: errorBody(`fake handler threw: ${String(err)}`, 'server_error') };
        }
        if ('truncated' in reply) return { status: 200, body: null, brokenLine: true };
        if ('reset' in reply || 'hang' in reply || 'flood' in reply)
          reply = { status: 500, body: errorBody('fake: no socket faults in a batch', 'server_error') };
        if ('status' in reply) {
          entry.status = reply.status;
          return { status: reply.status, body: reply.body ?? errorBody('fake error', 'server_error') };
        }
        const text = textOf(reply);
        const usage = usageOf(reply, body, text);
        entry.status = 200;
        entry.usage = usage;
        return { status: 200, body: responseObject(n, request.model, text, usage, shapeOf(reply, n)) };
      },
    },
    options.batchPolls ?? 1,
  );

  async function handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    const handled = await batch.handle(req, raw, (status, body, text) => {
      if (text !== undefined) {
        res.writeHead(status, { 'content-type': 'application/octet-stream' });
        res.end(text);
      } else sendJson(res, status, body);
    });
    if (handled) return;
    // Any prefix before the API's own path: Azure's `/openai/v1/responses`, OpenRouter's `/api/v1/chat/completions`.
    const kind =
      ROUTES[path] ??
      (path.endsWith('/responses') ? 'responses' : path.endsWith('/chat/completions') ? 'chat' : undefined);
    if (req.method !== 'POST' || !kind) {
      sendJson(res, 404, errorBody(`fake: no route for ${req.method} ${req.url}`, 'invalid_request_error'));
      return;
    }
    const n = counter++;
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      body = raw;
    }
    const request = toFakeRequest(path, kind, body, req.headers);
    const entry: FakeLogEntry = { request, status: 0, usage: null };
    if (options.latency) entry.timing = { receivedMs: performance.now(), sentMs: 0, latencyMs: 0 };
    log.push(entry);
    if (typeof body !== 'object' || body === null) {
      entry.status = 400;
      if (entry.timing) entry.timing.sentMs = performance.now();
      sendJson(res, 400, errorBody('fake: request body is not a JSON object', 'invalid_request_error'), n);
      return;
    }

    let reply: FakeReply;
    try {
      reply = await current(request, n);
    } catch (err) {
      reply = { status: 500, body: errorBody(`fake handler threw: ${String(err)}`, 'server_error') };
    }

    if ('reset' in reply) {
      entry.fault = 'reset';
      if (reply.reset === 'before-headers') res.socket?.destroy();
      else {
        const partial = `{"id":"resp_${n}","object":"response","status":"completed","output":[{"type":"message","content":[{"type":"output_text","text":"`;
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(partial.length * 4),
          'x-request-id': `req_${n}`,
        });
        res.write(partial, () => res.socket?.destroy());
      }
      return;
    }
    if ('flood' in reply) {
      entry.fault = 'flood';
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-request-id': `req_${n}`,
        ...(reply.flood === 'declared' ? { 'content-length': String(2 ** 40) } : {}),
      });
      res.write(
        `{"id":"resp_${n}","object":"response","status":"completed","output":[{"type":"message","content":[{"type":"output_text","text":"`,
      );
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
      return;
    }
    if ('truncated' in reply) {
      // A complete HTTP answer (status, headers, every declared byte) whose JSON ends early: not a reset, a broken body.
      entry.fault = 'truncated';
      entry.status = 200;
      sendRaw(res, 200, TRUNCATED_BODY, n);
      return;
    }
    if ('hang' in reply) {
      entry.fault = 'hang';
      if (reply.hang === 'after-headers') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_${n}` });
        res.flushHeaders();
      }
      return; // never answered; the client gives up, or close() drops the connection
    }
    if ('status' in reply) {
      entry.status = reply.status;
      if (entry.timing) entry.timing.sentMs = performance.now();
      sendJson(res, reply.status, reply.body ?? errorBody('fake error', 'server_error'), n, reply.headers);
      return;
    }
    const text = textOf(reply);
    const shape = shapeOf(reply, n);
    const usage = usageOf(reply, body, text);
    if (options.latency && entry.timing) {
      const ms = Math.max(0, options.latency({ request, n, text, usage }));
      entry.timing.latencyMs = ms;
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
      entry.timing.sentMs = performance.now();
    }
    entry.status = 200;
    entry.usage = usage;
    const model = request.model;
    if (kind === 'responses') {
      const full = responseObject(n, model, text, usage, shape);
      if (request.stream) sendSse(res, n, responsesEvents(full, text));
      else sendJson(res, 200, full, n);
    } else if (request.stream) {
      sendSse(res, n, chatChunks(n, model, text, usage, shape), true);
    } else {
      sendJson(res, 200, chatObject(n, model, text, usage, shape), n);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    log,
    batches: batch.created,
    setHandler(h) {
      current = h;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** The body of a `truncated` reply, as a faulty proxy or server cut it. */
export const TRUNCATED_BODY = '{"id": "broken", "output": [';

/** Sends `text` as a JSON answer with its exact length. */
function sendRaw(res: http.ServerResponse, status: number, text: string, n: number): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'x-request-id': `req_${n}`,
  });
  res.end(text);
}

function toFakeRequest(
  path: string,
  kind: FakeRequest['kind'],
  body: any,
  headers: FakeRequest['headers'] = {},
): FakeRequest {
  const obj = typeof body === 'object' && body !== null ? body : {};
  let fmt: any = null;
  if (kind === 'responses' && obj.text?.format?.type === 'json_schema') fmt = obj.text.format;
  if (kind === 'chat' && obj.response_format?.type === 'json_schema') fmt = obj.response_format.json_schema ?? null;
  return {
    path,
    body,
    model: typeof obj.model === 'string' ? obj.model : '',
    kind,
    stream: obj.stream === true,
    schemaName: typeof fmt?.name === 'string' ? fmt.name : null,
    schema: fmt?.schema ?? null,
    headers,
  };
}
