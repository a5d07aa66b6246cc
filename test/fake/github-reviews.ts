// The fake GitHub's reviews and review comments, checked as GitHub checks them: the path in the PR, the line inside a
// hunk, a range inside one hunk, a commit_id of the PR; one bad comment refuses the whole review, without saying which.
import { commitsBetween, resolveCommit } from './github-git.js';
import { hunkAt, parseHunks, type FakeFile } from './github-diff.js';
import {
  MAX_BODY,
  notFound,
  now,
  record,
  unprocessable,
  fail,
  type RouteReply,
  type RouteRequest,
} from './github-reply.js';
import type { FakeReview, FakeReviewComment, FakeStore } from './github-store.js';

/** The review comments everyone sees (a pending review's are its author's only). */
export function visibleComments(s: FakeStore, n: number): unknown[] {
  return s.reviewComments.filter((c) => c.pull === n && !c.pending).map((c) => s.reviewCommentJson(c));
}

/** Why GitHub would refuse an inline comment on these files, or null. */
function commentError(files: readonly FakeFile[], c: Record<string, any>): string | null {
  const file = typeof c.path === 'string' ? files.find((f) => f.filename === c.path) : undefined;
  if (!file) return 'Path could not be resolved';
  if (typeof c.body !== 'string' || !c.body.trim()) return "Body can't be blank";
  if (c.body.length > MAX_BODY) return `Body is too long (maximum is ${MAX_BODY} characters)`;
  const side = c.side ?? 'RIGHT';
  if (side !== 'RIGHT' && side !== 'LEFT') return 'Side is not included in the list';
  const hunks = parseHunks(file.patch ?? '');
  const hunk = Number.isInteger(c.line) ? hunkAt(hunks, side, c.line as number) : null;
  if (!hunk) return 'Line could not be resolved';
  if (c.start_line === undefined || c.start_line === null) return null;
  const startSide = c.start_side ?? side;
  if (startSide !== side) return 'pull_request_review_thread.start_side must be the same as side';
  if (!Number.isInteger(c.start_line) || c.start_line >= c.line)
    return 'pull_request_review_thread.start_line must precede the end line.';
  if (hunkAt(hunks, side, c.start_line as number) !== hunk)
    return 'pull_request_review_thread.start_line must be part of the same hunk as the line.';
  return null;
}

/** The PR's commit named by `commit_id` (default: the head), or the refusal. */
function prCommit(s: FakeStore, n: number, commitId: unknown): { sha: string } | { error: RouteReply } {
  const p = s.pull(n)!;
  if (commitId === undefined || commitId === null) return { sha: p.headSha };
  const sha = typeof commitId === 'string' && /^[0-9a-f]{40}$/.test(commitId) ? resolveCommit(s.bare, commitId) : null;
  if (!sha) return { error: unprocessable(`No commit found for SHA: ${String(commitId)}`) };
  if (sha !== p.headSha && !commitsBetween(s.bare, p.mergeBase, p.headSha).includes(sha))
    return { error: unprocessable(`Commit ${sha} is not part of the pull request`) };
  return { sha };
}

function addComment(
  s: FakeStore,
  n: number,
  commit: string,
  c: Record<string, any>,
  reviewId: number | null,
  pending: boolean,
): FakeReviewComment {
  const id = s.id();
  const comment: FakeReviewComment = {
    id,
    nodeId: `PRRC_kw${id}`,
    author: s.self.login,
    authorType: s.self.type,
    body: c.body as string,
    htmlUrl: `${s.server}/${s.owner}/${s.repo}/pull/${n}#discussion_r${id}`,
    path: c.path as string,
    line: c.line as number,
    startLine: (c.start_line as number | undefined) ?? null,
    commitId: commit,
    originalCommitId: commit,
    inReplyTo: null,
    pull: n,
    reviewId,
    side: (c.side as 'LEFT' | 'RIGHT' | undefined) ?? 'RIGHT',
    originalLine: c.line as number,
    originalStartLine: (c.start_line as number | undefined) ?? null,
    pending,
  };
  s.reviewComments.push(comment);
  s.threads.push({
    id: `PRRT_kw${id}`,
    isResolved: false,
    firstCommentId: id,
    pull: n,
    path: comment.path,
    isOutdated: false,
    commentIds: [id],
  });
  return comment;
}

/** `POST /pulls/{n}/reviews`. */
export function createReview(s: FakeStore, req: RouteRequest, [num]: string[]): RouteReply {
  const n = Number(num);
  if (!s.pull(n)) return notFound();
  const b = record(req.body);
  const commit = prCommit(s, n, b.commit_id);
  if ('error' in commit) return commit.error;
  const states: Record<string, 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED'> = {
    COMMENT: 'COMMENTED',
    APPROVE: 'APPROVED',
    REQUEST_CHANGES: 'CHANGES_REQUESTED',
  };
  if (b.event !== undefined && !(String(b.event) in states)) return unprocessable('Event is not included in the list');
  const state = b.event === undefined ? 'PENDING' : states[String(b.event)]!;
  const body = typeof b.body === 'string' ? b.body : '';
  if (body.length > MAX_BODY) return unprocessable(`Body is too long (maximum is ${MAX_BODY} characters)`);
  if (
    state === 'PENDING' &&
    s.reviews.some((r) => r.pull_number === n && r.state === 'PENDING' && r.user.login === s.self.login)
  )
    return unprocessable('User can only have one pending review per pull request');
  if (b.comments !== undefined && !Array.isArray(b.comments))
    return fail(422, "Invalid request.\n\nFor 'properties/comments', is not an array.");
  const comments = ((b.comments as unknown[] | undefined) ?? []).map(record);
  const files = s.files(n, commit.sha);
  // GitHub refuses the whole review for one bad comment, without saying which.
  for (const c of comments) {
    const error = commentError(files, c);
    if (error) return unprocessable(error);
  }
  const id = s.id();
  const ids = comments.map((c) => addComment(s, n, commit.sha, c, id, state === 'PENDING').id);
  const review: FakeReview = {
    id,
    node_id: `PRR_kw${id}`,
    user: { login: s.self.login, type: s.self.type },
    body,
    state,
    commit_id: commit.sha,
    html_url: `${s.server}/${s.owner}/${s.repo}/pull/${n}#pullrequestreview-${id}`,
    submitted_at: state === 'PENDING' ? null : now(),
    pull_number: n,
    comment_ids: ids,
  };
  s.reviews.push(review);
  return { status: 200, body: review };
}

/** `POST /pulls/{n}/comments`: a reply, or one comment on a line. */
export function createReviewComment(s: FakeStore, req: RouteRequest, [num]: string[]): RouteReply {
  const n = Number(num);
  if (!s.pull(n)) return notFound();
  const b = record(req.body);
  if (b.in_reply_to !== undefined) {
    const parent = s.reviewComments.find((c) => c.id === Number(b.in_reply_to) && c.pull === n);
    if (!parent) return notFound();
    if (typeof b.body !== 'string' || !b.body.trim()) return unprocessable("Body can't be blank");
    const reply = addComment(
      s,
      n,
      parent.commitId,
      { ...b, path: parent.path, line: parent.originalLine },
      null,
      false,
    );
    reply.inReplyTo = parent.id;
    s.threads.pop();
    s.threads.find((t) => t.firstCommentId === parent.id)?.commentIds.push(reply.id);
    return { status: 201, body: s.reviewCommentJson(reply) };
  }
  const commit = prCommit(s, n, b.commit_id ?? 'missing');
  if ('error' in commit) return commit.error;
  const error = commentError(s.files(n, commit.sha), b);
  if (error) return unprocessable(error);
  return { status: 201, body: s.reviewCommentJson(addComment(s, n, commit.sha, b, null, false)) };
}
