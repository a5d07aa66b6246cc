// Workflow annotations: a side channel (the review comments and the summary are the main one). GitHub shows at most
// 10 per level per step, so the action emits that many and counts the rest for the summary to list.
import type { ReviewFinding } from '@orchestrate/core';
import { redactPosted } from '@orchestrate/engine';
import type { Toolkit } from './types.js';

/** The most annotations of one level GitHub shows for a step. */
export const ANNOTATIONS_PER_LEVEL = 10;
/** An annotation level of the runner. */
export type AnnotationLevel = 'error' | 'warning' | 'notice';
/**
 * What findings may use of each level: one warning is left for the run's problems, which main() annotates last (an
 * 11th warning would not be shown, and a refused write is what the step's page must say).
 */
export const FINDING_ANNOTATIONS: Readonly<Record<AnnotationLevel, number>> = {
  error: ANNOTATIONS_PER_LEVEL,
  warning: ANNOTATIONS_PER_LEVEL - 1,
  notice: ANNOTATIONS_PER_LEVEL,
};
/** An annotation's message is cut to this many characters (the comment and the summary hold the whole finding). */
const MESSAGE_CHARS = 1_000;

const LEVEL = { error: 'error', warning: 'warning', note: 'notice' } as const;
/** Controls, bidi controls and line separators: a log line must read as it is and stay one line. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const oneLine = (text: string) =>
  text.replace(/\s*[\r\n]+\s*/g, ' ').replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * Emits at most `perLevel` annotations per level (error, warning, notice; a number caps each alike), in the findings'
 * order, each at its file and lines with its rule and message (redacted, one line); returns how many were emitted and
 * how many dropped.
 */
export function emitAnnotations(
  kit: Toolkit,
  findings: readonly ReviewFinding[],
  perLevel: number | Readonly<Record<AnnotationLevel, number>> = FINDING_ANNOTATIONS,
  known: readonly string[] = [],
): { emitted: number; dropped: number } {
  const cap = (level: AnnotationLevel) => (typeof perLevel === 'number' ? perLevel : perLevel[level]);
  const used = { error: 0, warning: 0, notice: 0 };
  let emitted = 0;
  for (const f of findings) {
    const level = LEVEL[f.severity];
    if (used[level] >= cap(level)) continue;
    used[level]++;
    emitted++;
    const text = oneLine(redactPosted(`${f.ruleId}: ${f.message}`, known));
    const message = text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS - 1)}…` : text;
    // A path the log cannot show as it is would point the annotation at another file: it goes without a location.
    const at =
      f.file === oneLine(f.file) && f.line >= 1
        ? { file: f.file, startLine: f.line, endLine: Math.max(f.line, f.endLine) }
        : undefined;
    kit.annotate(level, message, at);
  }
  return { emitted, dropped: findings.length - emitted };
}
