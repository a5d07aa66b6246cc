// REST answers as the data types of api.ts, and review comments the other way. The REST shapes name only the fields read
// (Octokit's full types are assignable to them); a commit id is checked before it goes further.
import type { IssueComment, NewReviewComment, PullInfo, ReviewComment } from './api.js';
import { unexpectedAnswer } from './errors.js';

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The pull request fields read (both `pulls.get` and `pulls.list` items have them). */
export interface RestPull {
  number: number;
  state: string;
  draft?: boolean | null;
  html_url: string;
  head: { sha: string; ref: string; repo: { full_name: string } | null };
  base: { sha: string; ref: string; repo: { full_name: string } };
}

/** A review comment as the REST API takes it. */
export interface RestNewComment {
  path: string;
  line: number;
  side: 'RIGHT';
  start_line?: number;
  start_side?: 'RIGHT';
  body: string;
}

/** The conversation comment fields read. */
export interface RestIssueComment {
  id: number | bigint;
  node_id: string;
  body?: string | null;
  html_url: string;
  user: { login: string } | null;
}

/** The inline comment fields read. */
export interface RestReviewComment extends RestIssueComment {
  path: string;
  line?: number | null;
  start_line?: number | null;
  in_reply_to_id?: number | null;
}

/** `value` when it is a commit id: a head SHA reaches git, where anything else could be read as an option. */
export function sha(value: unknown, route: string, field: string): string {
  if (typeof value === 'string' && SHA.test(value)) return value;
  throw unexpectedAnswer('GET', route, `${field} is not a commit id`);
}

/** A pull request as the action needs it. */
export function pullInfo(p: RestPull, route: string): PullInfo {
  return {
    number: p.number,
    state: p.state === 'closed' ? 'closed' : 'open',
    draft: p.draft === true,
    headSha: sha(p.head.sha, route, 'head.sha'),
    headRef: p.head.ref,
    // A deleted fork has no repository: '' never equals baseRepo, so the PR is treated as a fork's (the safe side).
    headRepo: p.head.repo?.full_name ?? '',
    baseSha: sha(p.base.sha, route, 'base.sha'),
    baseRef: p.base.ref,
    baseRepo: p.base.repo.full_name,
    htmlUrl: p.html_url,
  };
}

/** A conversation comment (a deleted user's author is '', which no marker check accepts). */
export function issueComment(c: RestIssueComment): IssueComment {
  return {
    id: Number(c.id),
    nodeId: c.node_id,
    author: c.user?.login ?? '',
    body: c.body ?? '',
    htmlUrl: c.html_url,
  };
}

/** An inline comment; `line` null is how GitHub marks it outdated. */
export function reviewComment(c: RestReviewComment, route: string): ReviewComment {
  return {
    ...issueComment(c),
    path: c.path,
    line: c.line ?? null,
    startLine: c.start_line ?? null,
    inReplyTo: c.in_reply_to_id ?? null,
  };
}

/** A review comment as the REST API takes it: a single-line comment sends no start fields. */
export function restComment(c: NewReviewComment): RestNewComment {
  const { path, line, side, body } = c;
  if (c.startLine === undefined || c.startLine === line) return { path, line, side, body };
  return { path, line, side, start_line: c.startLine, start_side: c.startSide ?? 'RIGHT', body };
}
