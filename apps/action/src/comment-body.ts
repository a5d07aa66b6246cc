// The body of one inline review comment: the finding's severity, rule and message as inert Markdown, a ```suggestion
// block when it has an exact fix that the placement covers, and a hidden marker on the last line that lets the next
// run know the finding was posted. Everything in it came from a model or a repository: it is data, escaped and
// redacted here, so it can neither render HTML, ping anyone, close the marker, nor leak a secret.
import { safeText, type ReviewFinding } from '@orchestrate/core';
import { markdownCode, markdownText, redactPosted, type Severity } from '@orchestrate/engine';
import type { Placement } from './placement.js';

/** The hidden marker of a posted finding: what the next run matches on (`fp`) and what it shows of it. */
export interface FindingMarker {
  v: 1;
  fp: string;
  sev: Severity;
  rule: string;
}

/** The longest comment body the action posts (GitHub allows 65,536; a review of many should stay readable). */
export const COMMENT_BODY_LIMIT = 8_000;
/** The longest rule id kept in a marker (the fingerprint is what matches; the rule is for people). */
const MARKER_RULE_LIMIT = 200;

const SEVERITIES: Record<Severity, true> = { error: true, warning: true, note: true };
/** 32 hex characters; a repeat of the same code in a file is numbered (`<fp>:1`, …). */
const FINGERPRINT = /^[0-9a-f]{32}(?::[0-9]{1,6})?$/;
const MARKER_LINE = /^<!-- orchestrate:finding (\{[\x20-\x7e]{1,600}\}) -->$/;

/** Whether `fp` has the shape of a finding fingerprint (only those can be written into a marker and found again). */
export function isFingerprint(fp: string): boolean {
  return FINGERPRINT.test(fp);
}

/**
 * The marker line: `<!-- orchestrate:finding {json} -->`, pure printable ASCII. `<` and `>` (and everything outside
 * ASCII) are `\u` escapes in the JSON, so no rule id can close the HTML comment early or open another.
 */
export function formatFindingMarker(m: FindingMarker): string {
  const rule = [...m.rule].slice(0, MARKER_RULE_LIMIT).join('');
  const json = JSON.stringify({ v: 1, fp: m.fp, sev: m.sev, rule }).replace(
    /[^\x20-\x3b\x3d\x3f-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `<!-- orchestrate:finding ${json} -->`;
}

/** The JSON a hidden marker line holds (`pattern`'s first group), or undefined: no marker, or no JSON in it. */
export function markerValue(line: string, pattern: RegExp): unknown {
  const m = pattern.exec(line);
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]!) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The marker on the body's last line, or null. Strict: the whole line must be the marker, its JSON an object with
 * exactly `v` (1), `fp` (a fingerprint), `sev` (a severity) and `rule` (a string), so text quoted from elsewhere in a
 * comment, or a marker someone tampered with, is no marker.
 */
export function parseFindingMarker(body: string): FindingMarker | null {
  const value = markerValue(body.trimEnd().split(/\r?\n/).at(-1) ?? '', MARKER_LINE);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const o = value as Record<string, unknown>;
  if (Object.keys(o).sort().join(',') !== 'fp,rule,sev,v') return null;
  const { v, fp, sev, rule } = o;
  if (v !== 1 || typeof fp !== 'string' || !isFingerprint(fp)) return null;
  if (typeof sev !== 'string' || !Object.hasOwn(SEVERITIES, sev)) return null;
  if (typeof rule !== 'string' || rule.length === 0 || [...rule].length > MARKER_RULE_LIMIT) return null;
  return { v: 1, fp, sev: sev as Severity, rule };
}

/**
 * The comment for `f` placed at `p`: `**severity** \`rule\`: message` (with the finding's own lines when the comment
 * sits on only part of them), a prose suggestion, a ```suggestion block when `p` allows one and the fix is safe to show
 * (a fix that redaction would change, or that holds control characters, is dropped: the finding stays), then the
 * marker. At most {@link COMMENT_BODY_LIMIT} characters: the fix goes first, then the prose, then the message is cut.
 */
export function commentBody(f: ReviewFinding, p: Extract<Placement, { ok: true }>, known: readonly string[]): string {
  const rule = [...redactPosted(f.ruleId, known)].slice(0, MARKER_RULE_LIMIT).join('');
  const marker = formatFindingMarker({ v: 1, fp: f.fingerprint, sev: f.severity, rule });
  const c = f.confidence;
  const confidence = typeof c === 'number' && Number.isFinite(c) ? ` (confidence ${Math.round(c * 100)}%)` : '';
  const lead = `**${f.severity}** ${markdownCode(rule)}${rangeNote(f, p)}: `;
  const prose = f.suggestion ? `**Suggestion:** ${markdownText(redactPosted(f.suggestion, known))}` : null;
  const fence = p.suggestion && f.fix ? suggestionBlock(f.fix.replacement, known) : null;
  const join = (parts: (string | null)[]) => [...parts.filter((s) => s !== null), marker].join('\n\n');
  // The lead and the marker are bounded (a rule id is cut at 200 code points), so an empty message always fits.
  let message = [...redactPosted(f.message, known)];
  for (;;) {
    const first = `${lead}${markdownText(message.join(''))}${confidence}`;
    for (const parts of [[first, prose, fence], [first, prose], [first]]) {
      const body = join(parts);
      if (body.length <= COMMENT_BODY_LIMIT) return body;
    }
    if (message.length === 0) return join([first]);
    // Halve by code points (never half a surrogate pair) and say so with an ellipsis.
    message = message.length <= 2 ? [] : [...message.slice(0, Math.floor(message.length / 2) - 1), '…'];
  }
}

/** ` (lines 3–7)` when the comment does not cover exactly the finding's own lines, else nothing. */
function rangeNote(f: ReviewFinding, p: Extract<Placement, { ok: true }>): string {
  const placedStart = p.startLine ?? p.line;
  if (placedStart === f.line && p.line === f.endLine) return '';
  return f.endLine > f.line ? ` (lines ${f.line}–${f.endLine})` : ` (line ${f.line})`;
}

/**
 * A ```suggestion block of `replacement` (the new text of the commented lines; one line end at its end ends the last
 * line), its fence longer than any backtick run inside so nothing in it can close the block; null when it is not safe.
 */
function suggestionBlock(replacement: string, known: readonly string[]): string | null {
  const text = replacement.replace(/\r\n/g, '\n').replace(/\n$/, '');
  if (redactPosted(text, known) !== text) return null;
  if (safeText(text, { multiline: true }) !== text) return null;
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}suggestion\n${text}${text === '' ? '' : '\n'}${fence}`;
}
