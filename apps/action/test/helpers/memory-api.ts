// An in-memory GitHubApi for the modes' tests: it records every call, checks review comments the way GitHub does (path
// in the PR, RIGHT line inside a hunk of its own patch parser, range in one hunk, commit_id the head), outdates
// comments whose line a push changed, and can fail chosen calls. Files, patches and compare come from a bare repo.
import { execFileSync } from 'node:child_process';
import { GitHubApiError } from '@orchestrate/core';
import type {
  GitHubApi,
  IssueComment,
  NewReviewComment,
  Permission,
  PullFile,
  PullInfo,
  ReviewComment,
  ReviewThread,
} from '../../src/github/api.js';

type Method = keyof GitHubApi;
const WRITES = new Set<Method>([
  'createReview',
  'createIssueComment',
  'updateIssueComment',
  'resolveThread',
  'minimizeComment',
  'createPull',
  'addReaction',
]);

/** The HTTP method and route of each call as the real client names them (describeApiError reads both). */
const ROUTES: Record<Method, [string, string]> = {
  whoAmI: ['POST', '/graphql (viewer)'],
  getPull: ['GET', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  listPullFiles: ['GET', '/repos/{owner}/{repo}/pulls/{pull_number}/files'],
  compare: ['GET', '/repos/{owner}/{repo}/compare/{basehead}'],
  findPulls: ['GET', '/repos/{owner}/{repo}/pulls'],
  listIssueComments: ['GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  listReviewComments: ['GET', '/repos/{owner}/{repo}/pulls/{pull_number}/comments'],
  listReviewThreads: ['POST', '/graphql (reviewThreads)'],
  permission: ['GET', '/repos/{owner}/{repo}/collaborators/{username}/permission'],
  createReview: ['POST', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews'],
  createIssueComment: ['POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  updateIssueComment: ['PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}'],
  resolveThread: ['POST', '/graphql (resolveReviewThread)'],
  minimizeComment: ['POST', '/graphql (minimizeComment)'],
  createPull: ['POST', '/repos/{owner}/{repo}/pulls'],
  addReaction: ['POST', '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions'],
};

/** A GitHubApiError as the real client makes it for `method`. */
export function apiError(method: Method, status: number, githubMessage: string): GitHubApiError {
  const [verb, route] = ROUTES[method];
  return new GitHubApiError(`GitHub API ${verb} ${route} failed (${status}): ${githubMessage}`, status, verb, route, {
    githubMessage,
  });
}

/** One recorded call. */
export interface ApiCall {
  method: Method;
  args: any[];
  /** The status it answered (200, or the failure's). */
  status: number;
}

/** A failure to inject: the next `times` calls of `method` (for which `when` holds) throw GitHubApiError. */
export interface FailRule {
  method: Method;
  status: number;
  message?: string;
  /** @default 1 */
  times?: number;
  when?: (...args: any[]) => boolean;
}

export interface MemoryApiOptions {
  pulls: PullInfo[];
  /** A repository holding every commit (the bare origin): files, patches and compare come from git. */
  git?: string;
  /** Fixed files per PR number instead of git. */
  files?: Record<number, PullFile[]>;
  self?: string;
  permissions?: Record<string, Permission>;
  /** A fork PR's token: every write answers 403. */
  readOnly?: boolean;
}

/** An in-memory GitHubApi and its state. */
export interface MemoryApi extends GitHubApi {
  calls: ApiCall[];
  writes(): ApiCall[];
  callsOf(method: Method): ApiCall[];
  fail(rule: FailRule): void;
  state: {
    pulls: PullInfo[];
    issueComments: IssueComment[];
    reviewComments: ReviewComment[];
    reviews: { id: number; commitId: string; body: string; comments: NewReviewComment[] }[];
    threads: ReviewThread[];
    minimized: string[];
    createdPulls: { number: number; title: string; body: string; head: string; base: string }[];
    reactions: { commentId: number; content: string }[];
  };
  /** Moves a PR's head (after a push) and outdates the comments whose line changed, as GitHub does. */
  setHead(n: number, sha: string): void;
}

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 26 });

/** Makes an in-memory GitHubApi. */
export function memoryApi(o: MemoryApiOptions): MemoryApi {
  const self = o.self ?? 'github-actions[bot]';
  const rules: (FailRule & { left: number })[] = [];
  let ids = 1000;
  const state: MemoryApi['state'] = {
    pulls: o.pulls.map((p) => ({ ...p })),
    issueComments: [],
    reviewComments: [],
    reviews: [],
    threads: [],
    minimized: [],
    createdPulls: [],
    reactions: [],
  };
  const calls: ApiCall[] = [];
  const pull = (n: number) => {
    const p = state.pulls.find((x) => x.number === n);
    if (!p) throw apiError('getPull', 404, 'Not Found');
    return p;
  };
  const files = (n: number): PullFile[] => {
    if (o.files?.[n]) return o.files[n];
    const p = pull(n);
    const base = git(o.git!, 'merge-base', p.baseSha, p.headSha).trim();
    return gitFiles(o.git!, base, p.headSha);
  };
  const impl: GitHubApi = {
    whoAmI: async () => self,
    getPull: async (n) => ({ ...pull(n) }),
    listPullFiles: async (n) => files(n),
    compare: async (base, head) => compareGit(o.git!, base, head),
    findPulls: async ({ owner, branch }) =>
      state.pulls.filter((p) => p.state === 'open' && p.headRef === branch && p.headRepo.split('/')[0] === owner),
    listIssueComments: async () => state.issueComments.map((c) => ({ ...c })),
    listReviewComments: async () => state.reviewComments.map((c) => ({ ...c })),
    listReviewThreads: async () => state.threads.map((t) => ({ ...t })),
    permission: async (login) => o.permissions?.[login] ?? 'read',
    createReview: async (n, review) => {
      const p = pull(n);
      if (review.commitId !== p.headSha) throw unprocessable('commit_id is not part of the pull request');
      const byPath = new Map(files(n).map((f) => [f.path, f]));
      for (const c of review.comments) {
        const hunks = hunksOf(byPath.get(c.path)?.patch ?? null);
        const hunk = hunks.find((h) => c.line >= h.start && c.line <= h.end);
        const start = c.startLine ?? c.line;
        if (!hunk || c.side !== 'RIGHT' || start < hunk.start || start > c.line) {
          throw unprocessable('Line could not be resolved');
        }
      }
      const id = ++ids;
      state.reviews.push({ id, ...review });
      for (const c of review.comments) {
        const cid = ++ids;
        const comment = {
          id: cid,
          nodeId: `RC_${cid}`,
          author: self,
          body: c.body,
          htmlUrl: `https://github.test/pull/${n}#discussion_r${cid}`,
          path: c.path,
          line: c.line,
          startLine: c.startLine ?? null,
          commitId: review.commitId,
          inReplyTo: null,
        };
        state.reviewComments.push(comment);
        state.threads.push({ id: `T_${cid}`, isResolved: false, firstCommentId: cid });
      }
      return { id };
    },
    createIssueComment: async (n, body) => {
      const id = ++ids;
      const c = {
        id,
        nodeId: `IC_${id}`,
        author: self,
        body,
        htmlUrl: `https://github.test/pull/${n}#issuecomment-${id}`,
      };
      state.issueComments.push(c);
      return { ...c };
    },
    updateIssueComment: async (id, body) => {
      const c = state.issueComments.find((x) => x.id === id);
      if (!c) throw apiError('updateIssueComment', 404, 'Not Found');
      c.body = body;
    },
    resolveThread: async (id) => {
      const t = state.threads.find((x) => x.id === id);
      if (!t) throw apiError('resolveThread', 404, 'Could not resolve to a node');
      t.isResolved = true;
    },
    minimizeComment: async (nodeId) => void state.minimized.push(nodeId),
    createPull: async (p) => {
      const number = 100 + state.createdPulls.length;
      state.createdPulls.push({ number, ...p });
      return { number, htmlUrl: `https://github.test/pull/${number}` };
    },
    addReaction: async (commentId, content) => void state.reactions.push({ commentId, content }),
  };

  const api = {} as MemoryApi;
  for (const method of Object.keys(impl) as Method[]) {
    (api as any)[method] = async (...args: any[]) => {
      const rule = rules.find((r) => r.method === method && r.left > 0 && (r.when?.(...args) ?? true));
      const readOnlyRefusal = o.readOnly && WRITES.has(method);
      const status = rule?.status ?? (readOnlyRefusal ? 403 : 200);
      if (rule) rule.left--;
      if (status !== 200) {
        calls.push({ method, args, status });
        throw apiError(method, status, rule?.message ?? 'Resource not accessible by integration');
      }
      try {
        const out = await (impl[method] as (...a: any[]) => Promise<unknown>)(...args);
        calls.push({ method, args, status: 200 });
        return out;
      } catch (err) {
        calls.push({ method, args, status: (err as GitHubApiError).status ?? 500 });
        throw err;
      }
    };
  }
  return Object.assign(api, {
    calls,
    state,
    writes: () => calls.filter((c) => WRITES.has(c.method)),
    callsOf: (method: Method) => calls.filter((c) => c.method === method),
    fail: (rule: FailRule) => void rules.push({ ...rule, left: rule.times ?? 1 }),
    setHead: (n: number, sha: string) => {
      const p = pull(n);
      for (const c of state.reviewComments) {
        if (c.line === null) continue;
        c.line = o.git ? mapLine(o.git, p.headSha, sha, c.path, c.line) : null;
        if (c.line === null) c.startLine = null;
      }
      p.headSha = sha;
    },
  });
}

/**
 * Where line `line` of `file` at `from` is at `to`, or null when a commit between changed or removed it: GitHub keeps
 * a comment on a line that only moved, and shows it outdated (`line: null`) when its line changed.
 */
function mapLine(dir: string, from: string, to: string, file: string, line: number): number | null {
  let delta = 0;
  const diff = git(dir, 'diff', '-U0', '--no-color', from, to, '--', file);
  if (!diff && !git(dir, 'ls-tree', '--name-only', to, '--', file).trim()) return null;
  for (const m of diff.matchAll(/^@@ -(\d+)(?:,(\d+))? \+\d+(?:,(\d+))? @@/gm)) {
    const start = Number(m[1]);
    const removed = m[2] === undefined ? 1 : Number(m[2]);
    const added = m[3] === undefined ? 1 : Number(m[3]);
    if (removed === 0) {
      if (line <= start) break;
    } else {
      if (line < start) break;
      if (line < start + removed) return null;
    }
    delta += added - removed;
  }
  return line + delta;
}

function unprocessable(message: string): GitHubApiError {
  return apiError('createReview', 422, `Unprocessable Entity: ${message}`);
}

/** RIGHT-side line ranges of a patch's hunks (this helper's own parser: the code under test must agree with it). */
export function hunksOf(patch: string | null): { start: number; end: number }[] {
  if (!patch) return [];
  const out: { start: number; end: number }[] = [];
  for (const m of patch.matchAll(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/gm)) {
    const start = Number(m[1]);
    const count = m[2] === undefined ? 1 : Number(m[2]);
    if (count > 0) out.push({ start, end: start + count - 1 });
  }
  return out;
}

/** The files of `base..head` as GitHub lists them: path, status, and the patch from the first hunk on. */
export function gitFiles(dir: string, base: string, head: string): PullFile[] {
  const out: PullFile[] = [];
  const diff = git(dir, 'diff', '-U3', '-M', '--no-color', base, head);
  for (const part of diff.split(/^diff --git /m).slice(1)) {
    const plus = /^\+\+\+ b\/(.*)$/m.exec(part)?.[1];
    const minus = /^--- a\/(.*)$/m.exec(part)?.[1];
    const renamed = /^rename from (.*)$/m.exec(part)?.[1];
    const file = plus ?? minus ?? /^rename to (.*)$/m.exec(part)?.[1];
    if (!file) continue;
    const at = part.indexOf('\n@@');
    const status = plus && !minus ? 'added' : !plus && minus ? 'removed' : renamed ? 'renamed' : 'modified';
    out.push({
      path: file,
      previousPath: renamed ?? null,
      status,
      patch: at < 0 ? null : part.slice(at + 1).trimEnd(),
    });
  }
  return out;
}

function compareGit(dir: string, base: string, head: string) {
  let mergeBase: string;
  try {
    mergeBase = git(dir, 'merge-base', base, head).trim();
  } catch {
    throw apiError('compare', 404, `No common ancestor between ${base} and ${head}.`);
  }
  const ancestor = (a: string, b: string) => {
    try {
      git(dir, 'merge-base', '--is-ancestor', a, b);
      return true;
    } catch {
      return false;
    }
  };
  const status =
    git(dir, 'rev-parse', base).trim() === git(dir, 'rev-parse', head).trim()
      ? ('identical' as const)
      : ancestor(base, head)
        ? ('ahead' as const)
        : ancestor(head, base)
          ? ('behind' as const)
          : ('diverged' as const);
  return { mergeBase, status };
}
