import type { Annotation, Severity } from './annotation.js';

/** Severities from most to least serious: the order every output lists them in. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note'];

/** Annotations grouped by file (files in path order; within a file by line, then severity, then the given order). */
export function groupByFile(annotations: readonly Annotation[]): [file: string, annotations: Annotation[]][] {
  const groups = new Map<string, Annotation[]>();
  for (const a of annotations) {
    const list = groups.get(a.file) ?? [];
    list.push(a);
    groups.set(a.file, list);
  }
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([file, list]) => [file, [...list].sort((x, y) => x.line - y.line || rank(x.severity) - rank(y.severity))]);
}

/** How many annotations there are of each severity. */
export function countBySeverity(annotations: readonly Annotation[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  for (const a of annotations) counts[a.severity]++;
  return counts;
}

/** `line 3` or `lines 3–5`. */
export function lineLabel(a: Annotation): string {
  return a.endLine > a.line ? `lines ${a.line}–${a.endLine}` : `line ${a.line}`;
}
