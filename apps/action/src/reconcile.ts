// What a review run posts, given what earlier runs posted: findings already posted (same fingerprint, by the action's
// own login) are not posted again, `max-comments` caps the new ones (errors first; the rest go to the summary), and
// posted findings that are gone are listed for resolving. Pure: the caller reads the comments and threads and posts.
import type { ReviewFinding } from '@orchestrate/core';
import type { Severity } from '@orchestrate/engine';
import { commentBody, isFingerprint, parseFindingMarker, type FindingMarker } from './comment-body.js';
import type { FileDiff } from './diff-hunks.js';
import type { NewReviewComment, ReviewComment, ReviewThread } from './github/api.js';
import { placeFinding, UNPLACED_REASONS } from './placement.js';

/** A finding an earlier run posted: its comment, its marker, and its review thread (null when GraphQL did not say). */
export interface PostedFinding {
  comment: ReviewComment;
  marker: FindingMarker;
  threadId: string | null;
  resolved: boolean;
}

/** What to post and what to say about the rest. */
export interface Publication {
  /** New inline comments, in the findings' order. */
  post: { finding: ReviewFinding; comment: NewReviewComment }[];
  /** Placed, but over `max-comments`: listed in the summary instead. */
  overflow: ReviewFinding[];
  /** Not in the diff's changed lines: listed in the summary, with why. */
  unplaced: { finding: ReviewFinding; reason: string }[];
  /** Found again and already posted (an open or resolved thread): not posted twice. */
  already: ReviewFinding[];
  /** Posted, unresolved and gone: their threads are to be resolved (or minimized). */
  gone: PostedFinding[];
  /** Posted, unresolved and not gone: still open. */
  open: PostedFinding[];
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/**
 * The findings earlier runs posted: top-level review comments by `self` (compared as GitHub compares logins, without
 * case) whose last line is a valid marker, each with its thread. A marker by anyone else is ignored: a spoofed one
 * could hide a finding from being posted, or get another user's thread resolved.
 */
export function postedFindings(
  comments: readonly ReviewComment[],
  threads: readonly ReviewThread[],
  self: string,
): PostedFinding[] {
  const me = self.toLowerCase();
  const byFirstComment = new Map(threads.map((t) => [t.firstCommentId, t]));
  const posted: PostedFinding[] = [];
  for (const comment of comments) {
    if (comment.author.toLowerCase() !== me || comment.inReplyTo !== null) continue;
    const marker = parseFindingMarker(comment.body);
    if (!marker) continue;
    const thread = byFirstComment.get(comment.id);
    posted.push({ comment, marker, threadId: thread?.id ?? null, resolved: thread?.isResolved ?? false });
  }
  return posted;
}

/**
 * Plans a review's publication. A finding whose fingerprint was posted before is `already` (wherever its lines moved,
 * and even when its thread was resolved: the author dismissed it); the others are placed in `diffs` (else
 * `unplaced`), and the first `maxComments` of them by severity (errors first, then in the findings' order) are posted,
 * the rest `overflow`. A posted, unresolved finding is `gone` when it was not found again and — in an `incremental`
 * review, which re-reviewed only the lines that changed — when GitHub shows its comment outdated (its lines changed);
 * a finding outside an incremental range was not looked at, so its absence says nothing. The rest are `open`.
 */
export function planPublication(i: {
  findings: readonly ReviewFinding[];
  posted: readonly PostedFinding[];
  diffs: ReadonlyMap<string, FileDiff>;
  maxComments: number;
  scope: 'full' | 'incremental';
  known: readonly string[];
}): Publication {
  const postedFps = new Set(i.posted.map((p) => p.marker.fp));
  const foundFps = new Set(i.findings.map((f) => f.fingerprint));
  const out: Publication = { post: [], overflow: [], unplaced: [], already: [], gone: [], open: [] };
  const placed: { finding: ReviewFinding; comment: NewReviewComment; order: number }[] = [];
  const seen = new Set<string>();
  for (const finding of i.findings) {
    if (postedFps.has(finding.fingerprint)) {
      if (!seen.has(finding.fingerprint)) out.already.push(finding);
      seen.add(finding.fingerprint);
      continue;
    }
    // The same fingerprint twice in one run is one finding (the engine numbers repeats, so this is a defence).
    if (seen.has(finding.fingerprint)) continue;
    seen.add(finding.fingerprint);
    if (!isFingerprint(finding.fingerprint)) {
      // Without a valid marker the next run could not find the comment and would post it again on every push.
      out.unplaced.push({ finding, reason: 'it has no valid fingerprint (an internal error: please report it)' });
      continue;
    }
    const p = placeFinding(finding, i.diffs);
    if (!p.ok) {
      out.unplaced.push({ finding, reason: UNPLACED_REASONS[p.reason] });
      continue;
    }
    const range = p.startLine === undefined ? {} : { startLine: p.startLine, startSide: 'RIGHT' as const };
    const body = commentBody(finding, p, i.known);
    const comment: NewReviewComment = { path: finding.file, line: p.line, side: 'RIGHT', ...range, body };
    placed.push({ finding, comment, order: placed.length });
  }
  // Whatever the caller passes, the cap is a whole number ≥ 0 (NaN posts nothing; Infinity, everything).
  const cap = Number.isNaN(i.maxComments) ? 0 : Math.max(0, Math.floor(i.maxComments));
  const ranked = [...placed].sort((a, b) => RANK[a.finding.severity] - RANK[b.finding.severity] || a.order - b.order);
  const chosen = new Set(ranked.slice(0, cap));
  for (const entry of placed) {
    if (chosen.has(entry)) out.post.push({ finding: entry.finding, comment: entry.comment });
    else out.overflow.push(entry.finding);
  }
  for (const p of i.posted) {
    if (p.resolved) continue;
    const isGone = !foundFps.has(p.marker.fp) && (i.scope === 'full' || p.comment.line === null);
    (isGone ? out.gone : out.open).push(p);
  }
  return out;
}
