// Where a finding may be posted as an inline comment: only on the RIGHT side (the PR head's lines), only inside one
// hunk, anchored on a line the PR added. Checked here, in code, before anything is posted: GitHub refuses a whole
// review for one bad line, and a comment beside the PR's own changes would point at code it did not touch.
import type { ReviewFinding } from '@orchestrate/core';
import type { FileDiff, Hunk } from './diff-hunks.js';

/** Where a finding's comment goes (`line`, and `startLine` for a range), or why it has no place in the diff. */
export type Placement =
  | { ok: true; line: number; startLine?: number; suggestion: boolean }
  | { ok: false; reason: 'file-not-in-diff' | 'patch-unavailable' | 'no-changed-line' };

/** The reasons a finding is not placed, for the summary. */
export const UNPLACED_REASONS: Record<Extract<Placement, { ok: false }>['reason'], string> = {
  'file-not-in-diff': 'the file is not part of the pull request’s diff',
  'patch-unavailable': 'GitHub shows no diff for the file (binary or too large)',
  'no-changed-line': 'none of its lines were changed by the pull request',
};

/**
 * Places `f` in the diff: its whole range inside one hunk with an added line in it → a comment over the range (a
 * suggestion iff the finding has an exact fix); else the first added line of the range → a one-line comment, no
 * suggestion (the fix would replace lines the comment does not cover); else not placed.
 */
export function placeFinding(f: ReviewFinding, diffs: ReadonlyMap<string, FileDiff>): Placement {
  const diff = diffs.get(f.file);
  if (!diff) return { ok: false, reason: 'file-not-in-diff' };
  if (diff.patchMissing) return { ok: false, reason: 'patch-unavailable' };
  if (!isLine(f.line)) return { ok: false, reason: 'no-changed-line' };
  // A range that ends before it starts (or ends nowhere) is read as its first line alone; its fix was for lines the
  // finding does not name, so it is never offered.
  const rangeIsSound = isLine(f.endLine) && f.endLine >= f.line;
  const start = f.line;
  const end = rangeIsSound ? f.endLine : f.line;
  const whole = diff.hunks.find((h) => h.start <= start && end <= h.end && firstAdded(h, start, end) !== null);
  if (whole) {
    const suggestion = rangeIsSound && f.fix !== undefined;
    return start === end ? { ok: true, line: end, suggestion } : { ok: true, line: end, startLine: start, suggestion };
  }
  let anchor: number | null = null;
  for (const h of diff.hunks) {
    const added = firstAdded(h, start, end);
    if (added !== null && (anchor === null || added < anchor)) anchor = added;
  }
  return anchor === null ? { ok: false, reason: 'no-changed-line' } : { ok: true, line: anchor, suggestion: false };
}

/** The lowest added line of `h` within `from`..`to` (and within the hunk, whoever built it), or null. */
function firstAdded(h: Hunk, from: number, to: number): number | null {
  const lo = Math.max(from, h.start);
  const hi = Math.min(to, h.end);
  let best: number | null = null;
  if (lo > hi) return best;
  for (const n of h.added) if (n >= lo && n <= hi && (best === null || n < best)) best = n;
  return best;
}

function isLine(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 1;
}
