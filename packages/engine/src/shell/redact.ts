import { findSecrets } from '@orchestrate/repo';

/** What a redacted secret reads as wherever a shell posts text. */
export const REDACTED = '[redacted]';

/**
 * Known values shorter than this are not redacted: a secret is long, and replacing a short value (a one-letter test
 * key) everywhere would garble every text it happens to occur in.
 */
const MIN_KNOWN = 8;

/**
 * The forms a known value travels in besides itself: base64 of it, and of `x-access-token:<it>` (the Basic header git
 * sends for a GitHub token), so a git error that echoes its header is caught too.
 */
function formsOf(value: string): string[] {
  return [value, Buffer.from(value).toString('base64'), Buffer.from(`x-access-token:${value}`).toString('base64')];
}

/**
 * `text` with every secret-looking string (the repository's secret detector: known credential formats, random values
 * assigned to secret-like names) and every `known` value (the API key, the token, and their base64 forms) replaced by
 * `[redacted]`; for everything a shell posts (comment bodies, summaries, SARIF messages, artifacts).
 */
export function redactPosted(text: string, known: readonly string[] = []): string {
  let out = text;
  // Longest first, so a value that contains another is replaced whole.
  const values = [...new Set(known.filter((k) => k.length >= MIN_KNOWN).flatMap(formsOf))].sort(
    (a, b) => b.length - a.length,
  );
  for (const v of values) if (out.includes(v)) out = out.split(v).join(REDACTED);
  const found = findSecrets(out);
  if (found.length === 0) return out;
  let redacted = '';
  let at = 0;
  for (const m of found) {
    redacted += out.slice(at, m.start) + REDACTED;
    at = m.end;
  }
  return redacted + out.slice(at);
}
