// The GitHub API as the action uses it: the data it reads and the calls it makes. No code: client.ts implements it
// over Octokit, read-only.ts refuses its writes, and tests implement it in memory. Every method throws GitHubApiError.

/** A pull request as the action needs it. */
export interface PullInfo {
  number: number;
  state: 'open' | 'closed';
  draft: boolean;
  headSha: string;
  headRef: string;
  /** owner/name of the repository the head branch lives in (a fork's differs from `baseRepo`). */
  headRepo: string;
  baseSha: string;
  baseRef: string;
  baseRepo: string;
  htmlUrl: string;
}

/** A file of a pull request, with its patch (null when GitHub gives none: binary, too large). */
export interface PullFile {
  path: string;
  previousPath: string | null;
  status: string;
  patch: string | null;
}

/** A comment on the pull request's conversation. */
export interface IssueComment {
  id: number;
  nodeId: string;
  author: string;
  body: string;
  htmlUrl: string;
}

/** An inline review comment; `line` is null when GitHub shows it outdated. */
export interface ReviewComment extends IssueComment {
  path: string;
  line: number | null;
  startLine: number | null;
  inReplyTo: number | null;
}

/** A review thread (GraphQL), found by its first comment. */
export interface ReviewThread {
  id: string;
  isResolved: boolean;
  firstCommentId: number;
}

/** An inline comment to post in a review: always on the RIGHT side (the PR head's lines). */
export interface NewReviewComment {
  path: string;
  line: number;
  side: 'RIGHT';
  startLine?: number;
  startSide?: 'RIGHT';
  body: string;
}

/** A user's permission on the repository. */
export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/** The calls the action makes. */
export interface GitHubApi {
  /** The login the token acts as (a bot's with its `[bot]` suffix). */
  whoAmI(): Promise<string>;
  getPull(n: number): Promise<PullInfo>;
  /** At most 3,000 files (GitHub's limit). */
  listPullFiles(n: number): Promise<PullFile[]>;
  compare(
    base: string,
    head: string,
  ): Promise<{ mergeBase: string; status: 'ahead' | 'behind' | 'diverged' | 'identical' }>;
  /** Open pull requests whose head is `owner:branch` (to find a fork's PR from a workflow_run). */
  findPulls(head: { owner: string; branch: string }): Promise<PullInfo[]>;
  listIssueComments(n: number): Promise<IssueComment[]>;
  listReviewComments(n: number): Promise<ReviewComment[]>;
  listReviewThreads(n: number): Promise<ReviewThread[]>;
  permission(login: string): Promise<Permission>;
  createReview(
    n: number,
    review: { commitId: string; body: string; comments: NewReviewComment[] },
  ): Promise<{ id: number }>;
  createIssueComment(n: number, body: string): Promise<IssueComment>;
  updateIssueComment(id: number, body: string): Promise<void>;
  resolveThread(threadId: string): Promise<void>;
  minimizeComment(nodeId: string): Promise<void>;
  createPull(p: {
    title: string;
    body: string;
    head: string;
    base: string;
  }): Promise<{ number: number; htmlUrl: string }>;
  addReaction(commentId: number, content: 'eyes' | 'rocket' | 'confused'): Promise<void>;
}
