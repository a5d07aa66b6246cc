import { JobRejected } from './kind.js';

/** No text a job writes (an edit, a new file) may be longer than this: no honest result comes near it. */
export const MAX_WRITTEN_CHARS = 100_000;

/**
 * Characters no honest model text contains: C0 controls except tab and newline (a CR only as part of CRLF), DEL, C1,
 * the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), and U+2028/U+2029, which end a line (and a
 * `//` comment) for the parser but not on a reader's screen.
 */
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;

/** Refuses model text longer than `maxChars` or holding a character no honest answer contains; returns it unchanged. */
export function refuseUnsafeText(value: string, field: string, maxChars: number): string {
  if (value.length > maxChars) throw new JobRejected(`${field} is ${value.length} characters long (limit ${maxChars})`);
  const bad = UNSAFE.exec(value);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new JobRejected(
      `${field} contains control characters (U+${code}: a control, bidi or line-separator character)`,
    );
  }
  return value;
}

/** Refuses a rendered text (an edit or a new file) longer than MAX_WRITTEN_CHARS; returns it unchanged. */
export function capWritten(text: string, what: string): string {
  if (text.length > MAX_WRITTEN_CHARS)
    throw new JobRejected(`${what} would be ${text.length} characters long (limit ${MAX_WRITTEN_CHARS})`);
  return text;
}

/**
 * Whether text reads as a comment delimiter (`*∕`, `／＊`…) once look-alikes of `*` and `/` are folded and invisible
 * characters dropped: such text cannot end a comment for the parser, but it can for a reader or a tool that normalises.
 */
export function hasCommentDelimiter(text: string): boolean {
  const folded = text
    .normalize('NFKC')
    .replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, '')
    .replace(/[\u2217\u204e\u2731\ufe61\uff0a\u066d\u22c6]/g, '*')
    .replace(/[\u2215\u2044\uff0f\u29f8\u2571]/g, '/');
  return folded.includes('*/') || folded.includes('/*');
}
