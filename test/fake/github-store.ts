// The fake GitHub's state: pull requests read from the bare repository at every request (a push moves them), the
// comments, reviews and threads the action made, and their wire JSON as GitHub's REST API serves it.
import type { IssueComment, Permission, ReviewComment, ReviewThread } from '../../apps/action/src/github/api.js';
import type { FakeGitHubOptions, FakePullSpec } from './github-options.js';
import { diffFiles, followLines, hunkAt, parseHunks, positionOf, type FakeFile, type FakeHunk } from './github-diff.js';
import { listRefs, mergeBaseOf } from './github-git.js';

export type { FakeGitHubOptions, FakePullSpec } from './github-options.js';

/** An issue comment with the fake's bookkeeping. */
export interface FakeIssueComment extends IssueComment {
  issue: number;
  authorType: 'Bot' | 'User';
  createdAt: string;
  updatedAt: string;
}

/** A review comment with the fake's bookkeeping; `line` is recomputed whenever the PR's head moves. */
export interface FakeReviewComment extends ReviewComment {
  pull: number;
  reviewId: number | null;
  authorType: 'Bot' | 'User';
  side: 'LEFT' | 'RIGHT';
  originalLine: number;
  originalStartLine: number | null;
  /** The commit the comment is shown on (REST `commit_id`): it follows the head while the comment is not outdated. */
  commitId: string;
  /** The commit the comment was made on. */
  originalCommitId: string;
  /** Comments of a review posted without `event` stay pending: invisible to everyone else, as on GitHub. */
  pending: boolean;
}

/** A review thread (one per top-level review comment). */
export interface FakeThread extends ReviewThread {
  pull: number;
  path: string;
  isOutdated: boolean;
  commentIds: number[];
}

/** A review as the REST API serves it, plus the PR and comment ids. */
export interface FakeReview {
  id: number;
  node_id: string;
  user: { login: string; type: string };
  body: string;
  state: 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED' | 'PENDING';
  commit_id: string;
  html_url: string;
  submitted_at: string | null;
  pull_number: number;
  comment_ids: number[];
}

/** What `pull()` knows of a PR right now. */
export interface PullState {
  spec: FakePullSpec;
  headSha: string;
  baseSha: string;
  mergeBase: string;
  headOwner: string;
  headRepo: string;
}

/** The state behind the routes. */
export class FakeStore {
  readonly owner: string;
  readonly repo: string;
  readonly bare: string;
  readonly server: string;
  /** The REST login of the token's user (a bot's with `[bot]`), its GraphQL login, and its type. */
  readonly self: { login: string; graphLogin: string; type: 'Bot' | 'User' };
  readonly permissions: Record<string, Permission>;
  readonly specs: FakePullSpec[];
  readonly issueComments: FakeIssueComment[] = [];
  readonly reviewComments: FakeReviewComment[] = [];
  readonly threads: FakeThread[] = [];
  readonly reviews: FakeReview[] = [];
  readonly reactions: { commentId: number; content: string; user: string }[] = [];
  readonly minimized: { nodeId: string; classifier: string }[] = [];
  private nextId = 1001;
  private refs = new Map<string, string>();
  private readonly heads = new Map<number, string>();
  private readonly fileCache = new Map<string, FakeFile[]>();

  constructor(o: FakeGitHubOptions) {
    this.owner = o.owner ?? 'acme';
    this.repo = o.repo ?? 'widgets';
    this.bare = o.bareRepo;
    this.server = o.serverUrl ?? 'https://github.com';
    const self = o.self ?? { login: 'github-actions', type: 'Bot' };
    this.self = { ...self, login: self.type === 'Bot' ? `${self.login}[bot]` : self.login, graphLogin: self.login };
    this.permissions = o.permissions ?? {};
    this.specs = o.pulls.map((p) => ({ ...p }));
    this.refresh();
  }

  /** A new id for a comment, review or reaction. */
  id(): number {
    return this.nextId++;
  }

  /** Re-reads the refs; where a PR's head moved, recomputes its comments' lines (null: outdated). */
  refresh(): void {
    this.refs = listRefs(this.bare);
    for (const spec of this.specs) {
      const head = this.headOf(spec);
      if (!head || this.heads.get(spec.number) === head) continue;
      this.heads.set(spec.number, head);
      this.outdate(spec.number, head);
    }
  }

  private headOf(spec: FakePullSpec): string | null {
    const own = spec.fork ? undefined : this.refs.get(`refs/heads/${spec.headRef}`);
    return own ?? this.refs.get(`refs/pull/${spec.number}/head`) ?? this.heads.get(spec.number) ?? null;
  }

  private outdate(n: number, head: string): void {
    const hunks = this.hunks(n, head);
    for (const c of this.reviewComments) {
      if (c.pull !== n || c.side !== 'RIGHT' || c.inReplyTo !== null) continue;
      const start = c.originalStartLine ?? c.originalLine;
      const end = followLines(this.bare, c.originalCommitId, head, c.path, start, c.originalLine);
      const inDiff = end !== null && hunkAt(hunks.get(c.path) ?? [], 'RIGHT', end) !== null;
      c.line = inDiff ? end : null;
      c.startLine = inDiff && c.originalStartLine !== null ? end - (c.originalLine - c.originalStartLine) : null;
      c.commitId = inDiff ? head : c.originalCommitId;
    }
    for (const t of this.threads) {
      if (t.pull !== n) continue;
      t.isOutdated = this.reviewComments.find((c) => c.id === t.firstCommentId)?.line === null;
    }
  }

  /** The PR numbered `n` as it is now, or null. */
  pull(n: number): PullState | null {
    const spec = this.specs.find((p) => p.number === n);
    const headSha = spec && this.headOf(spec);
    const baseSha = spec && this.refs.get(`refs/heads/${spec.baseRef}`);
    if (!spec || !headSha || !baseSha) return null;
    const mergeBase = mergeBaseOf(this.bare, baseSha, headSha) ?? baseSha;
    const [headOwner = this.owner, headRepo = this.repo] = spec.fork ? spec.fork.split('/') : [];
    return { spec, headSha, baseSha, mergeBase, headOwner, headRepo };
  }

  /** The commit a branch of the repository points at. */
  branch(name: string): string | null {
    return this.refs.get(`refs/heads/${name}`) ?? null;
  }

  /** The PR's files at `head` (default: its head now), diffed from the merge base with its base branch. */
  files(n: number, head?: string): FakeFile[] {
    const p = this.pull(n);
    if (!p) return [];
    const to = head ?? p.headSha;
    const from = mergeBaseOf(this.bare, p.baseSha, to) ?? p.baseSha;
    const key = `${from}..${to}`;
    let files = this.fileCache.get(key);
    if (!files) this.fileCache.set(key, (files = diffFiles(this.bare, from, to)));
    return files;
  }

  /** The PR's hunks per path at `head` (default: its head now). */
  hunks(n: number, head?: string): Map<string, FakeHunk[]> {
    return new Map(this.files(n, head).map((f) => [f.filename, f.patch ? parseHunks(f.patch) : []]));
  }

  /** Adds an issue comment on PR `n` (by the token's user, or by `author`). */
  addIssueComment(n: number, body: string, author?: string): FakeIssueComment {
    const id = this.id();
    const at = new Date().toISOString();
    const comment: FakeIssueComment = {
      id,
      nodeId: `IC_kw${id}`,
      author: author ?? this.self.login,
      authorType: author === undefined ? this.self.type : 'User',
      body,
      htmlUrl: `${this.server}/${this.owner}/${this.repo}/pull/${n}#issuecomment-${id}`,
      issue: n,
      createdAt: at,
      updatedAt: at,
    };
    this.issueComments.push(comment);
    return comment;
  }

  /** A user as REST shows it. */
  user(login: string, type: 'Bot' | 'User' = 'User'): Record<string, unknown> {
    return { login, id: 100 + login.length, node_id: `U_${login}`, type, site_admin: false };
  }

  private repoJson(owner: string, name: string, fork: boolean): Record<string, unknown> {
    const full = `${owner}/${name}`;
    return {
      id: fork ? 2 : 1,
      name,
      full_name: full,
      owner: this.user(owner),
      fork,
      private: false,
      html_url: `${this.server}/${full}`,
    };
  }

  /** The repository as `GET /repos/{owner}/{repo}` serves it. */
  repoInfo(): Record<string, unknown> {
    return { ...this.repoJson(this.owner, this.repo, false), default_branch: 'main' };
  }

  /** A PR as `GET /pulls/{n}` serves it. */
  pullJson(n: number): Record<string, unknown> | null {
    const p = this.pull(n);
    if (!p) return null;
    const { spec } = p;
    const user = this.user(spec.user ?? 'contributor');
    const merge = this.refs.get(`refs/pull/${n}/merge`) ?? null;
    return {
      id: 5000 + n,
      node_id: `PR_kw${n}`,
      number: n,
      state: spec.state ?? 'open',
      draft: spec.draft ?? false,
      locked: false,
      merged: false,
      title: spec.title ?? `Pull request ${n}`,
      body: spec.body ?? null,
      user,
      author_association: 'CONTRIBUTOR',
      html_url: `${this.server}/${this.owner}/${this.repo}/pull/${n}`,
      merge_commit_sha: merge,
      head: {
        label: `${p.headOwner}:${spec.headRef}`,
        ref: spec.headRef,
        sha: p.headSha,
        user,
        repo: this.repoJson(p.headOwner, p.headRepo, !!spec.fork),
      },
      base: {
        label: `${this.owner}:${spec.baseRef}`,
        ref: spec.baseRef,
        sha: p.baseSha,
        user: this.user(this.owner),
        repo: this.repoJson(this.owner, this.repo, false),
      },
    };
  }

  /** An issue comment as REST serves it. */
  issueCommentJson(c: FakeIssueComment): Record<string, unknown> {
    return {
      id: c.id,
      node_id: c.nodeId,
      body: c.body,
      user: this.user(c.author, c.authorType),
      html_url: c.htmlUrl,
      issue_url: `${this.server}/${this.owner}/${this.repo}/issues/${c.issue}`,
      author_association: c.authorType === 'Bot' ? 'NONE' : 'MEMBER',
      created_at: c.createdAt,
      updated_at: c.updatedAt,
    };
  }

  /** A review comment as REST serves it (`line` and `position` null when outdated). */
  reviewCommentJson(c: FakeReviewComment): Record<string, unknown> {
    const patchAt = (commit: string) => this.files(c.pull, commit).find((f) => f.filename === c.path)?.patch ?? '';
    const at = positionOf(patchAt(c.originalCommitId), c.originalLine);
    const now = c.line === null ? null : positionOf(patchAt(c.commitId), c.line);
    return {
      id: c.id,
      node_id: c.nodeId,
      pull_request_review_id: c.reviewId,
      path: c.path,
      line: c.line,
      original_line: c.originalLine,
      start_line: c.startLine,
      original_start_line: c.originalStartLine,
      side: c.side,
      start_side: c.originalStartLine === null ? null : c.side,
      position: now?.position ?? null,
      original_position: at?.position ?? null,
      diff_hunk: at?.diffHunk ?? '',
      commit_id: c.commitId,
      original_commit_id: c.originalCommitId,
      in_reply_to_id: c.inReplyTo ?? undefined,
      user: this.user(c.author, c.authorType),
      body: c.body,
      html_url: c.htmlUrl,
      subject_type: 'line',
    };
  }
}
