// A model latency model for the fake OpenAI server, and o200k token counts of what a request sends and a reply serves.
import { createRequire } from 'node:module';
import type { FakeLatencyInfo, FakeRequest } from './openai-server.js';

/** How long a model takes to answer: time to the first token, then a steady generation speed. */
export interface LatencyModel {
  firstTokenMs: number;
  tokensPerSecond: number;
}

/** 1 s to the first token, 150 output tokens per second. */
export const DEFAULT_LATENCY: LatencyModel = { firstTokenMs: 1000, tokensPerSecond: 150 };

/** Milliseconds a reply of `outputTokens` tokens takes under the model: firstTokenMs + outputTokens / tokensPerSecond. */
export function latencyMs(model: LatencyModel, outputTokens: number): number {
  return model.firstTokenMs + (outputTokens / model.tokensPerSecond) * 1000;
}

/** A `latency` hook for `startFakeOpenAI`: delays each reply by the model's latency for the output tokens it serves. */
export function latencyHook(model: LatencyModel): (info: FakeLatencyInfo) => number {
  return (info) => latencyMs(model, info.usage.output_tokens);
}

// gpt-tokenizer is a dependency of @orchestrate/engine (its estimates use the same tokenizer): resolve it from there.
const requireFromEngine = createRequire(new URL('../../packages/engine/package.json', import.meta.url));
const o200k = requireFromEngine('gpt-tokenizer/encoding/o200k_base') as {
  countTokens(text: string, options?: { disallowedSpecial: Set<string> }): number;
};

/** Special-token text (`<|endoftext|>`) is counted as plain text, as the API bills it; the library would throw. */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

/** Tokens of a text with the o200k tokenizer (gpt-4o / gpt-5 family). */
export function countTokens(text: string): number {
  return text ? o200k.countTokens(text, AS_TEXT) : 0;
}

/** Text of a message `content` (a string or an array of parts with `text`). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((c: any) =>
        typeof c === 'string'
          ? c
          : typeof c?.text === 'string'
            ? c.text
            : typeof c?.content === 'string'
              ? c.content
              : '',
      )
      .join('\n');
  }
  return '';
}

/**
 * What a request sends the model, split into the fixed instructions (Responses `instructions`, or chat `system` /
 * `developer` messages) and the variable input (Responses `input`, or the other chat messages).
 */
export function requestTexts(req: FakeRequest): { instructions: string; input: string } {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, any>;
  const instructions: string[] = [];
  const input: string[] = [];
  if (typeof body.instructions === 'string') instructions.push(body.instructions);
  if (typeof body.input === 'string') input.push(body.input);
  const messages: any[] = [
    ...(Array.isArray(body.input) ? body.input : []),
    ...(Array.isArray(body.messages) ? body.messages : []),
  ];
  for (const m of messages) {
    const text = contentText(m?.content);
    if (m?.role === 'system' || m?.role === 'developer') instructions.push(text);
    else input.push(text);
  }
  return { instructions: instructions.join('\n'), input: input.join('\n') };
}

/** o200k token counts of a request: its instructions, its input, and their sum. */
export function requestTokens(req: FakeRequest): { instructions: number; input: number; total: number } {
  const t = requestTexts(req);
  const instructions = countTokens(t.instructions);
  const input = countTokens(t.input);
  return { instructions, input, total: instructions + input };
}
