/**
 * Terminal-safe text. Whatever came from a model or a repository (warnings, summaries, review messages, error
 * messages, file paths, symbols, task text) can hold control characters that clear the screen, move the cursor, ring
 * the bell or recolour output, and bidi controls that make text read differently than it is (U+202E "Trojan Source").
 * They are shown escaped, never sent raw.
 */

// C0 except \t and \n (decided per call), DEL, C1, and the bidi controls: LRM/RLM, ALM, LRE…RLO, LRI…PDI.
const UNSAFE_INLINE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_MULTILINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Options of {@link safeText}. */
export interface SafeTextOptions {
  /** Keep `\n` as a line break (for text whose lines are legitimate, e.g. a summary); else it is shown as `\u000a`. @default false */
  multiline?: boolean;
}

/** `text` with control and bidi characters shown as `\uXXXX` escapes, so printing it cannot drive the terminal. */
export function safeText(text: string, options: SafeTextOptions = {}): string {
  const unsafe = options.multiline ? UNSAFE_MULTILINE : UNSAFE_INLINE;
  return text.replace(unsafe, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
