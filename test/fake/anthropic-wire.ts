// The wire side of the fake Messages API: the request as handlers see it, usage counted as the API bills it (with an
// optional prompt cache), request checks and the error and answer bodies.
import type http from 'node:http';
import { countTokens } from './latency.js';

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
  /** The auth and version headers as sent (null when absent), and every header. */
  headers: {
    apiKey: string | null;
    authorization: string | null;
    version: string | null;
    all: http.IncomingHttpHeaders;
  };
}

/** Usage as the Messages API reports it. */
export interface AnthropicWireUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** The error `type` the API sends with a status. */
export const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/**
 * Counts a request's tokens as the API bills them: the system prompt, the messages and the output schema are input;
 * with a cache, the system prefix up to the last `cache_control` block is written once per model, then read. The
 * output is counted unless `outputTokens` is given (a scripted count: BPE over a huge text is slow).
 */
export function countUsage(
  request: AnthropicFakeRequest,
  text: string,
  cached: Set<string>,
  minCacheTokens: number | null,
  outputTokens?: number,
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
  const usage = {
    input_tokens: total,
    output_tokens: outputTokens ?? countTokens(text),
    cache_creation_input_tokens: 0,
  };
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

/** The request as a handler sees it. */
export function toRequest(path: string, body: any, headers: http.IncomingHttpHeaders): AnthropicFakeRequest {
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
    headers: {
      apiKey: header('x-api-key'),
      authorization: header('authorization'),
      version: header('anthropic-version'),
      all: headers,
    },
  };
}

/** Why the API would refuse a body with 400, or null. */
export function invalidBody(body: any): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'request body is not a JSON object';
  if (typeof body.model !== 'string' || !body.model) return 'model: Field required';
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return 'max_tokens: Field required';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: Field required';
  if (body.stream === true) return 'fake: streaming is not served';
  return null;
}

/** An API error body. */
export function errorBody(status: number, message: string, type = ERROR_TYPES[status] ?? 'api_error') {
  return { type: 'error', error: { type, message } };
}

/** Sends a JSON answer with its exact length and a `request-id`. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown, n?: number, headers = {}): void {
  sendText(res, status, JSON.stringify(body), n, headers);
}

/** Sends a text body as JSON with its exact length and a `request-id`. */
export function sendText(res: http.ServerResponse, status: number, text: string, n?: number, headers = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...(n !== undefined ? { 'request-id': `req_${n}` } : {}),
    ...headers,
  });
  res.end(text);
}
