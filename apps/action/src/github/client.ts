// GitHubApi over @actions/github's Octokit (REST + GraphQL). Only `getOctokit` is used: the package's `context` reads the
// environment at import time, and the action parses its own. Every method throws GitHubApiError; reads are retried on
// server errors and lost answers, writes never (a 502 may still have posted the review).
import { getOctokit } from '@actions/github';
import { GitHubApiError } from '@orchestrate/core';
import type { GitHubApi, Permission, PullFile } from './api.js';
import { graphqlError, isTransient, toApiError, unexpectedAnswer } from './errors.js';
import {
  FALLBACK_BOT_LOGIN,
  type GraphqlRun,
  minimizeOutdated,
  resolveReviewThread,
  reviewThreads,
  viewerLogin,
} from './graphql.js';
import { issueComment, pullInfo, restComment, reviewComment, sha } from './rest-data.js';

export { describeApiError, apiProblem } from './errors.js';

/** How the client reaches GitHub; `graphqlUrl` defaults to the one GitHub derives from `apiUrl` (GHES: `/api/graphql`). */
export interface OctokitApiOptions {
  token: string;
  apiUrl: string;
  owner: string;
  repo: string;
  graphqlUrl?: string;
  /** Waits before each retry of a failed read. @default [1000, 4000] */
  retryDelaysMs?: readonly number[];
  /** One request's time limit. @default 60000 */
  timeoutMs?: number;
}

/** GitHub lists at most this many files of a pull request. */
export const MAX_PULL_FILES = 3000;
/** Comments (and pull requests) read at most, 100 a page. */
const MAX_COMMENTS = 10_000;
const PERMISSIONS: readonly string[] = ['admin', 'maintain', 'write', 'triage', 'read', 'none'];
const COMPARE_STATUSES = ['ahead', 'behind', 'diverged', 'identical'] as const;

function graphqlUrlOf(apiUrl: string): string {
  return /\/api\/v3$/.test(apiUrl) ? apiUrl.replace(/\/api\/v3$/, '/api/graphql') : `${apiUrl}/graphql`;
}

/** The GitHub API of one repository, over Octokit with the workflow's token. */
export function octokitApi(o: OctokitApiOptions): GitHubApi {
  const baseUrl = o.apiUrl.replace(/\/+$/, '');
  const graphqlUrl = o.graphqlUrl ?? graphqlUrlOf(baseUrl);
  const delays = o.retryDelaysMs ?? [1000, 4000];
  const timeoutMs = o.timeoutMs ?? 60_000;
  const secrets = [o.token];
  const silent = (): void => {};
  const octokit = getOctokit(o.token, {
    baseUrl,
    userAgent: 'orchestrate-action',
    // Octokit's deprecation warnings would go to stdout unescaped; the action logs through its own channel.
    log: { debug: silent, info: silent, warn: silent, error: silent },
  });
  // A time limit per request (pages included). A `before` hook, as hooks see the options object itself: a `wrap` that
  // passes new options on is ignored by before-after-hook.
  octokit.hook.before('request', (options) => {
    options.request = { ...options.request, signal: AbortSignal.timeout(timeoutMs) };
  });
  const repo = { owner: o.owner, repo: o.repo };

  /** Runs one call as `method route`: errors become GitHubApiError; a read is retried while the failure is transient. */
  async function call<T>(write: boolean, method: string, route: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const delay = delays[attempt];
        if (write || delay === undefined || !isTransient(err)) throw toApiError(err, method, route, secrets);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
  const read = <T>(route: string, fn: () => Promise<T>): Promise<T> => call(false, 'GET', route, fn);
  const write = <T>(method: string, route: string, fn: () => Promise<T>): Promise<T> => call(true, method, route, fn);

  const gql: GraphqlRun = (op, query, variables) => {
    const route = `/graphql (${op.name})`;
    return call(op.kind === 'mutation', 'POST', route, async () => {
      const { data } = (await octokit.request({ method: 'POST', url: graphqlUrl, query, variables })) as {
        data: unknown;
      };
      const body = (typeof data === 'object' && data !== null ? data : {}) as { data?: unknown; errors?: unknown };
      if (Array.isArray(body.errors) && body.errors.length > 0) throw graphqlError(body.errors, route, secrets);
      if (body.data === undefined || body.data === null) throw unexpectedAnswer('POST', route, 'no data');
      return body.data;
    });
  };

  let self: Promise<string> | null = null;
  return {
    whoAmI() {
      // The login is asked once; a token GitHub will not describe (403) is taken to be the workflow's own bot.
      self ??= viewerLogin(gql).catch((err: unknown) => {
        if (err instanceof GitHubApiError && err.status === 403) return FALLBACK_BOT_LOGIN;
        self = null;
        throw err;
      });
      return self;
    },
    getPull(n) {
      const route = '/repos/{owner}/{repo}/pulls/{pull_number}';
      return read(route, async () => {
        const { data } = await octokit.request(`GET ${route}`, { ...repo, pull_number: n });
        return pullInfo(data, route);
      });
    },
    listPullFiles(n) {
      const route = '/repos/{owner}/{repo}/pulls/{pull_number}/files';
      return read(route, async () => {
        const params = { ...repo, pull_number: n, per_page: 100 };
        const files = await octokit.paginate(`GET ${route}`, params, pager(MAX_PULL_FILES));
        return files.slice(0, MAX_PULL_FILES).map((f): PullFile => ({
          path: f.filename,
          previousPath: f.previous_filename ?? null,
          status: f.status,
          patch: f.patch ?? null,
        }));
      });
    },
    compare(base, head) {
      const route = '/repos/{owner}/{repo}/compare/{basehead}';
      return read(route, async () => {
        // One commit a page: only the merge base and the status are read, not the commit list.
        const { data } = await octokit.request(`GET ${route}`, { ...repo, basehead: `${base}...${head}`, per_page: 1 });
        const status = COMPARE_STATUSES.find((s) => s === data.status);
        if (!status) throw unexpectedAnswer('GET', route, 'status is not ahead, behind, diverged or identical');
        return { mergeBase: sha(data.merge_base_commit.sha, route, 'merge_base_commit.sha'), status };
      });
    },
    findPulls(head) {
      const route = '/repos/{owner}/{repo}/pulls';
      return read(route, async () => {
        const params = { ...repo, head: `${head.owner}:${head.branch}`, state: 'open' as const, per_page: 100 };
        const pulls = await octokit.paginate(`GET ${route}`, params, pager(MAX_COMMENTS));
        return pulls.map((p) => pullInfo(p, route));
      });
    },
    listIssueComments(n) {
      const route = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
      return read(route, async () => {
        const params = { ...repo, issue_number: n, per_page: 100 };
        const comments = await octokit.paginate(`GET ${route}`, params, pager(MAX_COMMENTS));
        return comments.slice(0, MAX_COMMENTS).map(issueComment);
      });
    },
    listReviewComments(n) {
      const route = '/repos/{owner}/{repo}/pulls/{pull_number}/comments';
      return read(route, async () => {
        const params = { ...repo, pull_number: n, per_page: 100 };
        const comments = await octokit.paginate(`GET ${route}`, params, pager(MAX_COMMENTS));
        return comments.slice(0, MAX_COMMENTS).map((c) => reviewComment(c, route));
      });
    },
    listReviewThreads(n) {
      return reviewThreads(gql, o.owner, o.repo, n);
    },
    async permission(login) {
      const route = '/repos/{owner}/{repo}/collaborators/{username}/permission';
      try {
        return await read(route, async () => {
          const { data } = await octokit.request(`GET ${route}`, { ...repo, username: login });
          // role_name says maintain and triage, which `permission` folds into write and read; a custom role falls back.
          const role = [data.role_name, data.permission].find((p) => PERMISSIONS.includes(p));
          return (role ?? 'none') as Permission;
        });
      } catch (err) {
        // Not a collaborator, or not a user: no permission, which is what the check needs to know.
        if (err instanceof GitHubApiError && err.status === 404) return 'none';
        throw err;
      }
    },
    createReview(n, review) {
      const route = '/repos/{owner}/{repo}/pulls/{pull_number}/reviews';
      return write('POST', route, async () => {
        const comments = review.comments.map(restComment);
        const { data } = await octokit.request(`POST ${route}`, {
          ...repo,
          pull_number: n,
          commit_id: review.commitId,
          body: review.body,
          event: 'COMMENT',
          comments,
        });
        return { id: Number(data.id) };
      });
    },
    createIssueComment(n, body) {
      const route = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
      return write('POST', route, async () => {
        const { data } = await octokit.request(`POST ${route}`, { ...repo, issue_number: n, body });
        return issueComment(data);
      });
    },
    updateIssueComment(id, body) {
      const route = '/repos/{owner}/{repo}/issues/comments/{comment_id}';
      return write('PATCH', route, async () => {
        await octokit.request(`PATCH ${route}`, { ...repo, comment_id: id, body });
      });
    },
    resolveThread(threadId) {
      return resolveReviewThread(gql, threadId);
    },
    minimizeComment(nodeId) {
      return minimizeOutdated(gql, nodeId);
    },
    createPull(p) {
      const route = '/repos/{owner}/{repo}/pulls';
      return write('POST', route, async () => {
        const { data } = await octokit.request(`POST ${route}`, { ...repo, ...p });
        return { number: data.number, htmlUrl: data.html_url };
      });
    },
    addReaction(commentId, content) {
      const route = '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions';
      return write('POST', route, async () => {
        await octokit.request(`POST ${route}`, { ...repo, comment_id: commentId, content });
      });
    },
  };
}

/** Pages until `cap` items or an empty page: a bound on a server whose `Link` never ends. */
function pager(cap: number): <T>(res: { data: T[] }, done: () => void) => T[] {
  let seen = 0;
  return (res, done) => {
    seen += res.data.length;
    if (res.data.length === 0 || seen >= cap) done();
    return res.data;
  };
}
