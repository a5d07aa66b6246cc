import o200k from 'gpt-tokenizer/bpeRanks/o200k_base';
import { GptEncoding } from 'gpt-tokenizer/GptEncoding';
import { textMemo } from '@orchestrate/core';

/**
 * The o200k encoder, built on the first count as `gpt-tokenizer/encoding/o200k_base` builds it at import: the build
 * maps 200,000 entries (~0.07 s), which commands that count nothing (`--version`, `runs`, offline runs) do not pay.
 */
let encoder: GptEncoding | undefined;
const o200kEncoder = () => (encoder ??= GptEncoding.getEncodingApi('o200k_base', () => o200k));

/**
 * Builds the o200k encoder now (~0.07 s of CPU) unless it is built: a run calls this while it waits for the planner,
 * so the first count after the plan (the estimate, the packing) does not stand between the plan and the first worker.
 */
export function warmTokenizer(): void {
  o200kEncoder();
}

/**
 * Tokens of a text with the o200k tokenizer (the gpt-4o / gpt-5 family's), for estimates and reservations. A job's
 * context is counted by the estimate, the packing and the reservation: counts are remembered (up to 16 M characters).
 */
export const estimateTokens: (text: string) => number = textMemo(
  (text: string) => o200kEncoder().countTokens(text, AS_TEXT),
  16_000_000,
);

/**
 * Special-token text (`<|endoftext|>` in a repository about language models) is counted as the API bills it, as plain
 * text: the library would otherwise throw on it, by default.
 */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * Tokens of texts sent together, counted part by part so each part's count is reused (a job's context is counted once
 * for the estimate, the packing and the call); one token per part covers what a join could add at a boundary.
 */
export function estimateParts(...parts: string[]): number {
  return parts.reduce((n, part) => n + estimateTokens(part) + 1, 0);
}

/**
 * A strict upper bound of a text's o200k tokens, without counting them: every token is at least one UTF-8 byte. For a
 * reservation of text that is new (a verifier batch's input) and is never sent over a token cap: counting it would cost
 * more CPU than the call it reserves for.
 */
export function tokensAtMost(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Cuts a text to at most `maxTokens` o200k tokens (by lines, then characters), marking the cut. */
export function capTokens(text: string, maxTokens: number): { text: string; cut: boolean } {
  if (estimateTokens(text) <= maxTokens) return { text, cut: false };
  const marker = '\n/* …cut to fit the context budget */';
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimateTokens(text.slice(0, mid) + marker) <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  const head = text.slice(0, lo);
  const atLine = head.lastIndexOf('\n');
  return { text: (atLine > lo / 2 ? head.slice(0, atLine) : head) + marker, cut: true };
}
