/** A replacement of `[start, end)` with `text`, guarded by the source text expected at `start`. */
export interface Edit {
  /** Who asked for it (a job id), for error reports. */
  owner: string;
  start: number;
  end: number;
  text: string;
  /** The source text that must start at `start` (covering at least `[start, end)`) for the edit to be valid. */
  expect: string;
}

/** The result of applying edits: the new text, the owners applied, and those whose edit no longer fits. */
export interface ApplyResult {
  text: string;
  applied: string[];
  stale: { owner: string; reason: string }[];
}

/**
 * Applies edits in one pass over the source (offsets all refer to the original text). Each is re-validated against its
 * expected text first; one that no longer matches, or overlaps another, is reported stale and never applied blindly.
 */
export function applyEdits(source: string, edits: Edit[]): ApplyResult {
  const stale: ApplyResult['stale'] = [];
  const valid: Edit[] = [];
  for (const edit of edits) {
    const inBounds = edit.start >= 0 && edit.end >= edit.start && edit.end <= source.length;
    if (!inBounds || edit.expect.length < edit.end - edit.start || !source.startsWith(edit.expect, edit.start)) {
      stale.push({ owner: edit.owner, reason: 'target changed since its context was read' });
    } else valid.push(edit);
  }
  valid.sort((a, b) => a.start - b.start || a.end - b.end);
  const kept: Edit[] = [];
  for (const edit of valid) {
    const prev = kept[kept.length - 1];
    if (prev && (edit.start < prev.end || edit.start === prev.start)) {
      stale.push({ owner: edit.owner, reason: `overlaps the edit of ${prev.owner}` });
    } else kept.push(edit);
  }
  const parts: string[] = [];
  let cursor = 0;
  for (const edit of kept) {
    parts.push(source.slice(cursor, edit.start), edit.text);
    cursor = edit.end;
  }
  parts.push(source.slice(cursor));
  const text = parts.join('');
  return { text, applied: kept.map((e) => e.owner), stale };
}
