import { parseErrorCount, parseFile, parseText, PLACEHOLDER } from '@orchestrate/repo';
import { JobRejected } from '../kind.js';
import { refuseUnsafeText } from '../sanitize.js';

/** The most lines a fix may replace or write: a suggestion a reviewer can read at a glance. */
export const FIX_MAX_LINES = 20;
/** The most characters a fix's replacement may hold. */
export const FIX_MAX_CHARS = 2_000;

/** What `validateFix` checks a proposed fix against: the file as reviewed and the lines the finding is on. */
export interface FixCandidate {
  /** Repository-relative path (its extension decides the parser). */
  file: string;
  /** The file's text (the code index's: no byte-order mark). */
  text: string;
  /** The lines the replacement replaces, 1-based and inclusive. */
  line: number;
  endLine: number;
  /** The new text of lines `line`..`endLine`, without a final newline (one is forgiven). */
  replacement: string;
  /** The lines the finding may speak about (the job's hunk); the fix must stay inside them. */
  within: { start: number; end: number };
  /**
   * A deterministic rule's fix, made from the syntax tree by code: the parse and likeness checks, which only guard
   * against a model's garbage, are skipped (one parse per finding would cost more than the rule itself).
   */
  trusted?: boolean;
}

/** A kept fix, or why it was dropped (the finding is kept either way). */
export type FixCheck = { ok: true; fix: { replacement: string } } | { ok: false; reason: string };

const SCRIPT = /\.[cm]?[jt]sx?$/;
/** Invisible characters that change what code means without showing (zero-width, joiners, BOM, soft hyphen). */
const INVISIBLE = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/;
/** A fix whose text has less than this share of the original lines' words is not an edit of them. */
const MIN_KEPT_WORDS = 0.5;

/**
 * Checks a proposed exact fix: at most 20 lines and 2,000 characters, no control, bidi or invisible characters, inside
 * the finding's hunk, a real change, and (unless trusted) one that keeps the file parsing as well as it did and keeps
 * most of the words of the lines it replaces. Anything else is dropped: a suggestion must never break the code.
 */
export function validateFix(c: FixCandidate): FixCheck {
  const replacement = c.replacement.replace(/\r\n/g, '\n').replace(/\n$/, '');
  const drop = (reason: string): FixCheck => ({ ok: false, reason });
  if (replacement.length > FIX_MAX_CHARS)
    return drop(`it is ${replacement.length} characters (limit ${FIX_MAX_CHARS})`);
  try {
    refuseUnsafeText(replacement, 'the fix', FIX_MAX_CHARS);
  } catch (err) {
    if (err instanceof JobRejected) return drop(err.message);
    throw err;
  }
  if (INVISIBLE.test(replacement)) return drop('it holds invisible characters');
  if (new RegExp(PLACEHOLDER.source).test(replacement)) return drop('it holds a redaction placeholder');
  const lines = c.text.split('\n');
  const count = c.endLine - c.line + 1;
  if (!Number.isInteger(c.line) || !Number.isInteger(c.endLine) || count < 1) return drop('its lines are not a range');
  if (c.line < c.within.start || c.endLine > c.within.end || c.endLine > lines.length)
    return drop(`lines ${c.line}-${c.endLine} leave the hunk ${c.within.start}-${c.within.end}`);
  if (count > FIX_MAX_LINES || replacement.split('\n').length > FIX_MAX_LINES)
    return drop(`it spans more than ${FIX_MAX_LINES} lines`);
  const crlf = c.text.includes('\r\n');
  const original = lines.slice(c.line - 1, c.endLine).map((l) => (crlf ? l.replace(/\r$/, '') : l));
  if (replacement === original.join('\n')) return drop('it changes nothing');
  if (c.trusted) return { ok: true, fix: { replacement } };
  if (replacement.trim() === '') return drop('it deletes the lines (not offered as an exact fix)');
  if (!SCRIPT.test(c.file)) return drop('its file is not TypeScript or JavaScript, so it cannot be checked');
  if (keptWords(original.join('\n'), replacement) < MIN_KEPT_WORDS)
    return drop('it does not edit the lines it replaces');
  const eol = crlf ? '\r\n' : '\n';
  const cr = lines[c.endLine - 1]!.endsWith('\r') ? '\r' : '';
  const applied = [...lines.slice(0, c.line - 1), replacement.split('\n').join(eol) + cr, ...lines.slice(c.endLine)];
  const before = parseErrorCount(parseFile(c.file, c.text));
  if (parseErrorCount(parseText(c.file, applied.join('\n'))) > before) return drop('the file would not parse');
  return { ok: true, fix: { replacement } };
}

/** The share of the original's words (identifiers, keywords, numbers; counted with repeats) the replacement keeps. */
function keptWords(original: string, replacement: string): number {
  const words = (s: string) => s.match(/[\p{L}\p{N}_$]+/gu) ?? [];
  const wanted = words(original);
  if (wanted.length === 0) return 1;
  const have = new Map<string, number>();
  for (const w of words(replacement)) have.set(w, (have.get(w) ?? 0) + 1);
  let kept = 0;
  for (const w of wanted) {
    const n = have.get(w) ?? 0;
    if (n > 0) {
      kept++;
      have.set(w, n - 1);
    }
  }
  return kept / wanted.length;
}
