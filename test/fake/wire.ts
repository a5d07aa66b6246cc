// The wire shapes the fake serves: Responses and chat-completions objects, their streamed events, JSON and SSE replies.
import type http from 'node:http';
import type { FakeLogEntry } from './openai-server.js';

/** Token usage as served. */
export type Usage = NonNullable<FakeLogEntry['usage']>;

/** How an answer is served: complete, cut off (with the reason), or with no message. */
export interface Shape {
  incomplete: string | null;
  noOutput: boolean;
}

export function errorBody(message: string, type: string) {
  return { error: { message, type, param: null, code: null } };
}

export function responseObject(
  n: number,
  model: string,
  text: string,
  u: Usage,
  shape: Shape = { incomplete: null, noOutput: false },
) {
  const status = shape.incomplete ? 'incomplete' : 'completed';
  const message = {
    type: 'message',
    id: `msg_${n}`,
    status,
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [] as unknown[], logprobs: [] as unknown[] }],
  };
  return {
    id: `resp_${n}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    error: null,
    incomplete_details: shape.incomplete ? { reason: shape.incomplete } : null,
    model,
    output: shape.noOutput ? [] : [message],
    usage: {
      input_tokens: u.input_tokens,
      output_tokens: u.output_tokens,
      total_tokens: u.input_tokens + u.output_tokens,
      input_tokens_details: { cached_tokens: u.cached_tokens },
      output_tokens_details: { reasoning_tokens: 0 },
    },
  };
}

export function chatObject(
  n: number,
  model: string,
  text: string,
  u: Usage,
  shape: Shape = { incomplete: null, noOutput: false },
) {
  return {
    id: `chatcmpl_${n}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        finish_reason: shape.incomplete ? 'length' : 'stop',
        logprobs: null,
        message: { role: 'assistant', content: shape.noOutput ? null : text, refusal: null },
      },
    ],
    usage: chatUsage(u),
  };
}

export function chatUsage(u: Usage) {
  return {
    prompt_tokens: u.input_tokens,
    completion_tokens: u.output_tokens,
    total_tokens: u.input_tokens + u.output_tokens,
    prompt_tokens_details: { cached_tokens: u.cached_tokens },
  };
}

/** Splits text into up to three non-empty deltas (one empty delta for empty text). */
export function splitDeltas(text: string): string[] {
  if (text.length === 0) return [''];
  const size = Math.max(1, Math.ceil(text.length / 3));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export function responsesEvents(full: ReturnType<typeof responseObject>, text: string): Array<Record<string, unknown>> {
  const terminal = {
    type: full.status === 'incomplete' ? 'response.incomplete' : 'response.completed',
    response: full,
  };
  const msg = full.output[0];
  if (!msg) {
    const created = { type: 'response.created', response: { ...full, status: 'in_progress', output: [], usage: null } };
    return [created, terminal].map((e, i) => ({ ...e, sequence_number: i }));
  }
  const part = msg.content[0]!;
  const ids = { item_id: msg.id, output_index: 0, content_index: 0 };
  const events: Array<Record<string, unknown>> = [
    { type: 'response.created', response: { ...full, status: 'in_progress', output: [], usage: null } },
    { type: 'response.output_item.added', output_index: 0, item: { ...msg, status: 'in_progress', content: [] } },
    { type: 'response.content_part.added', ...ids, part: { ...part, text: '' } },
    ...splitDeltas(text).map((delta) => ({ type: 'response.output_text.delta', ...ids, delta, logprobs: [] })),
    { type: 'response.output_text.done', ...ids, text, logprobs: [] },
    { type: 'response.content_part.done', ...ids, part },
    { type: 'response.output_item.done', output_index: 0, item: msg },
    terminal,
  ];
  return events.map((e, i) => ({ ...e, sequence_number: i }));
}

export function chatChunks(
  n: number,
  model: string,
  text: string,
  u: Usage,
  shape: Shape,
): Array<Record<string, unknown>> {
  const base = { id: `chatcmpl_${n}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
  const choice = (delta: Record<string, unknown>, finish_reason: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, finish_reason, logprobs: null }],
  });
  return [
    choice({ role: 'assistant', content: '' }),
    ...(shape.noOutput ? [] : splitDeltas(text).map((content) => choice({ content }))),
    choice({}, shape.incomplete ? 'length' : 'stop'),
    { ...base, choices: [], usage: chatUsage(u) },
  ];
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  n?: number,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...(n !== undefined ? { 'x-request-id': `req_${n}` } : {}),
    ...headers,
  });
  res.end(payload);
}

export function sendSse(
  res: http.ServerResponse,
  n: number,
  events: Array<Record<string, unknown>>,
  chat = false,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'x-request-id': `req_${n}`,
  });
  for (const e of events) {
    res.write(chat ? `data: ${JSON.stringify(e)}\n\n` : `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`);
  }
  if (chat) res.write('data: [DONE]\n\n');
  res.end();
}
