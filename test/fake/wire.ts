// The wire shapes the fake serves: Responses and chat-completions objects, their streamed events, JSON and SSE replies.
import type http from 'node:http';
import type { FakeFunctionCall, FakeLogEntry, FakeReply, FakeUsage } from './openai-server.js';

/** Token usage as served. */
export type Usage = NonNullable<FakeLogEntry['usage']>;

/** A tool call the model makes instead of a message: its name, its JSON arguments and the id the tool's output names. */
export interface FunctionCall {
  name: string;
  arguments: string;
  callId: string;
}

/** How an answer is served: complete, cut off (with the reason), with no message, or as one function call. */
export interface Shape {
  incomplete: string | null;
  noOutput: boolean;
  /** Served instead of the message: a Responses `function_call` item, a chat `tool_calls` entry. */
  functionCall?: FunctionCall | null;
}

/** The Responses `function_call` output item of a call. */
function functionCallItem(n: number, call: FunctionCall) {
  return {
    type: 'function_call' as const,
    id: `fc_${n}`,
    call_id: call.callId,
    name: call.name,
    arguments: call.arguments,
    status: 'completed',
  };
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
    type: 'message' as const,
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
    output: shape.functionCall ? [functionCallItem(n, shape.functionCall)] : shape.noOutput ? [] : [message],
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
        finish_reason: shape.functionCall ? 'tool_calls' : shape.incomplete ? 'length' : 'stop',
        logprobs: null,
        message: shape.functionCall
          ? { role: 'assistant', content: null, refusal: null, tool_calls: [chatToolCall(shape.functionCall)] }
          : { role: 'assistant', content: shape.noOutput ? null : text, refusal: null },
      },
    ],
    usage: chatUsage(u),
  };
}

/** A chat `tool_calls` entry of a call. */
function chatToolCall(call: FunctionCall) {
  return { id: call.callId, type: 'function' as const, function: { name: call.name, arguments: call.arguments } };
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
  const first = full.output[0];
  if (first?.type === 'function_call') return functionCallEvents(full, first);
  const msg = first?.type === 'message' ? first : undefined;
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

/** The streamed events of a response whose one output item is a function call, its arguments in deltas. */
function functionCallEvents(
  full: ReturnType<typeof responseObject>,
  item: ReturnType<typeof functionCallItem>,
): Array<Record<string, unknown>> {
  const ids = { item_id: item.id, output_index: 0 };
  const events: Array<Record<string, unknown>> = [
    { type: 'response.created', response: { ...full, status: 'in_progress', output: [], usage: null } },
    { type: 'response.output_item.added', output_index: 0, item: { ...item, arguments: '', status: 'in_progress' } },
    ...splitDeltas(item.arguments).map((delta) => ({ type: 'response.function_call_arguments.delta', ...ids, delta })),
    { type: 'response.function_call_arguments.done', ...ids, arguments: item.arguments },
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.completed', response: full },
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
  const call = shape.functionCall;
  if (call) {
    const args = splitDeltas(call.arguments);
    const head = { index: 0, id: call.callId, type: 'function', function: { name: call.name, arguments: args[0] } };
    return [
      choice({ role: 'assistant', content: null, tool_calls: [head] }),
      ...args.slice(1).map((part) => choice({ tool_calls: [{ index: 0, function: { arguments: part } }] })),
      choice({}, 'tool_calls'),
      { ...base, choices: [], usage: chatUsage(u) },
    ];
  }
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

/** A reply that answers with a body (not an HTTP error or a socket fault). */
export type AnswerReply = Extract<FakeReply, { usage?: FakeUsage }>;

/** The text a reply serves (a function call's arguments, which also size its output usage). */
export function textOf(reply: AnswerReply): string {
  if ('functionCall' in reply) return argumentsOf(reply.functionCall);
  return 'json' in reply ? JSON.stringify(reply.json) : 'text' in reply ? reply.text : '';
}

function argumentsOf(call: FakeFunctionCall): string {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
}

/** How a reply is served; a function call without a `callId` gets `call_<n>`. */
export function shapeOf(reply: AnswerReply, n: number): Shape {
  const call = 'functionCall' in reply ? reply.functionCall : null;
  return {
    incomplete: 'incomplete' in reply ? (reply.incomplete ?? null) : null,
    noOutput: 'noOutput' in reply,
    functionCall: call && { name: call.name, arguments: argumentsOf(call), callId: call.callId ?? `call_${n}` },
  };
}

/** The usage served for a reply: the handler's numbers, else a rough count of the request and the output. */
export function usageOf(reply: { usage?: FakeUsage }, body: unknown, text: string): Usage {
  return {
    input_tokens: reply.usage?.input ?? Math.ceil(JSON.stringify(body).length / 4),
    output_tokens: reply.usage?.output ?? Math.ceil(text.length / 4),
    cached_tokens: reply.usage?.cached ?? 0,
  };
}
