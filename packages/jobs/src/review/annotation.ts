import type { ReviewAnnotation } from '@orchestrate/core';
import type { LineRange } from '@orchestrate/repo';

/**
 * One review finding on a span of lines of one file: the report's `ReviewAnnotation` (one definition, so what the review
 * produces is exactly what the report stores). `line`/`endLine` are 1-based and inclusive; `file` is repo-relative with
 * forward slashes; `source` says whether a deterministic rule or a reviewer model found it.
 */
export type Annotation = ReviewAnnotation;

/** How serious a finding is; maps one to one onto SARIF's `level`. */
export type Severity = Annotation['severity'];

/** Removes repeats: the same file, line and rule, or the same file, line and message, keep only their first. */
export function dedupeAnnotations(list: readonly Annotation[]): Annotation[] {
  const seen = new Set<string>();
  const out: Annotation[] = [];
  for (const a of list) {
    const byRule = JSON.stringify(['rule', a.file, a.line, a.ruleId]);
    const byMessage = JSON.stringify(['message', a.file, a.line, a.message]);
    if (seen.has(byRule) || seen.has(byMessage)) continue;
    seen.add(byRule);
    seen.add(byMessage);
    out.push(a);
  }
  return out;
}

/** Keeps the annotations whose span touches a changed line of their file (a review only speaks about the change). */
export function onlyChangedLines(
  list: readonly Annotation[],
  changed: ReadonlyMap<string, readonly LineRange[]>,
): Annotation[] {
  return list.filter((a) => (changed.get(a.file) ?? []).some((r) => touches(r, a.line, a.endLine)));
}

/** Whether the lines `line..endLine` overlap the range `r`. */
export function touches(r: LineRange, line: number, endLine = line): boolean {
  return line <= r.end && Math.max(line, endLine) >= r.start;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/** The `max` most serious annotations: errors first, then warnings, then notes, each in their original order. */
export function capAnnotations<T extends Annotation>(list: readonly T[], max: number): T[] {
  const limit = Math.max(0, Math.floor(max));
  // Array.prototype.sort is stable (ES2019), so equal severities keep their order.
  return [...list].sort((a, b) => RANK[a.severity] - RANK[b.severity]).slice(0, limit);
}
