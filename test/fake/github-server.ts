// A loopback fake of GitHub's REST and GraphQL APIs for the action's tests (GITHUB_API_URL): it records every call,
// checks the token, pages lists with Link headers, derives pull requests from a bare git repository, validates review
// comments as GitHub does, outdates comments whose lines changed, refuses writes for a read-only (fork) token, and
// fails chosen calls on demand.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeHunk } from './github-diff.js';
import { makeMergeCommit, prepareBare } from './github-git.js';
import { graphqlError, graphqlKind, graphqlRoute } from './github-graphql.js';
import { fail, restRoute, type RouteReply } from './github-routes.js';
import {
  FakeStore,
  type FakeGitHubOptions,
  type FakeIssueComment,
  type FakeReview,
  type FakeReviewComment,
  type FakeThread,
  type PullState,
} from './github-store.js';

export type {
  FakeGitHubOptions,
  FakePullSpec,
  FakeIssueComment,
  FakeReviewComment,
  FakeThread,
  FakeReview,
} from './github-store.js';
export type { FakeHunk } from './github-diff.js';

/** One request the fake served. */
export interface FakeGitHubCall {
  method: string;
  /** The path without the GHES prefix or the query (`/repos/acme/widgets/pulls/1/reviews`, `/graphql`). */
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  graphql?: { kind: 'query' | 'mutation'; name: string };
}

/** A call the fake is told to fail. */
export interface FakeFailure {
  method?: string;
  /** Tested against the call's path, and against a GraphQL call's root field (`/resolveReviewThread/`). */
  path: RegExp;
  /** The HTTP status; 200 on a GraphQL call answers a GraphQL error (`FORBIDDEN`) as GitHub does. */
  status: number;
  message: string;
  /** How many matching calls fail. @default 1 */
  times?: number;
  /** GitHub's `errors` array for the reply (e.g. `['Line could not be resolved']`). */
  errors?: unknown[];
  /** Only calls whose body this accepts fail (e.g. a review holding one chosen comment). */
  when?: (body: any) => boolean;
}

/** The state the fake holds, live (reading it brings the PRs up to date with the bare repository). */
export interface FakeGitHubState {
  issueComments: FakeIssueComment[];
  reviewComments: FakeReviewComment[];
  reviews: FakeReview[];
  threads: FakeThread[];
  /** Every PR (the specs' and those the action opened) as `GET /pulls/{n}` serves it. */
  pulls: unknown[];
  reactions: { commentId: number; content: string; user: string }[];
  minimized: { nodeId: string; classifier: string }[];
}

/** A running fake. */
export interface FakeGitHub {
  /** GITHUB_API_URL (with the GHES prefix when there is one). */
  url: string;
  /** GITHUB_GRAPHQL_URL. */
  graphqlUrl: string;
  /** The token requests must carry. */
  token: string;
  calls: FakeGitHubCall[];
  /** The calls that tried to write (any non-GET REST call, GraphQL mutations), refused ones too. */
  writes(): FakeGitHubCall[];
  state: FakeGitHubState;
  /** Makes the next matching calls fail. */
  failNext(m: FakeFailure): void;
  /** A fork token (every write refused with 403) or a privileged one. */
  readOnly: boolean;
  /** The PR as it is now (its head moves when its branch does). */
  pull(n: number): PullState;
  /** The PR's RIGHT-side hunks per path now, by the fake's own patch parser. */
  hunks(n: number): Map<string, FakeHunk[]>;
  /** Makes GitHub's test merge commit `refs/pull/N/merge` of the PR's head into its base; null on a conflict. */
  mergeRef(n: number): string | null;
  /** The repository's owner and name, and the bare repository's path. */
  owner: string;
  repo: string;
  bareRepo: string;
  /** The PR and the repository as REST serves them (for event payloads; no call recorded). */
  pullJson(n: number): Record<string, unknown>;
  repository(): Record<string, unknown>;
  /** A comment by someone else on the PR's conversation (a `/orchestrate` command, a spoofed marker). */
  addIssueComment(n: number, body: string, author: string): FakeIssueComment;
  close(): Promise<void>;
}

const READ_ONLY = 'Resource not accessible by integration';

/** Starts the fake on 127.0.0.1 with an OS-assigned port. */
export async function startFakeGitHub(o: FakeGitHubOptions): Promise<FakeGitHub> {
  prepareBare(o.bareRepo, o.protectedBranches ?? []);
  const store = new FakeStore(o);
  const token = o.token ?? 'ghs_fake_token';
  const prefix = (o.pathPrefix ?? '').replace(/\/$/, '');
  const graphqlPath = prefix.endsWith('/v3') ? prefix.replace(/\/v3$/, '/graphql') : '/graphql';
  const calls: FakeGitHubCall[] = [];
  const failures: FakeFailure[] = [];
  let base = '';

  const takeFailure = (call: FakeGitHubCall): FakeFailure | null => {
    const i = failures.findIndex(
      (f) =>
        (!f.method || f.method.toUpperCase() === call.method) &&
        (f.path.test(call.path) || (call.graphql !== undefined && f.path.test(call.graphql.name))) &&
        (!f.when || f.when(call.body)),
    );
    if (i < 0) return null;
    const f = failures[i]!;
    if ((f.times = (f.times ?? 1) - 1) <= 0) failures.splice(i, 1);
    return f;
  };

  const answer = (
    req: http.IncomingMessage,
    raw: string,
  ): { status: number; body: unknown; headers?: Record<string, string> } => {
    const url = new URL(req.url ?? '/', base);
    const method = (req.method ?? 'GET').toUpperCase();
    const isGraphql = url.pathname === graphqlPath && method === 'POST';
    if (!isGraphql && prefix && !url.pathname.startsWith(`${prefix}/`)) return unpack(fail(404, 'Not Found'));
    const path = isGraphql ? '/graphql' : url.pathname.slice(prefix.length) || '/';
    let body: unknown = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      const call = record(method, path, url, raw, 400);
      return { status: call.status, body: { message: 'Problems parsing JSON' } };
    }
    const call = record(method, path, url, body, 0, isGraphql ? graphqlKind(body) : undefined);
    const reply = (status: number, b: unknown, headers?: Record<string, string>) => (
      (call.status = status),
      { status, body: b, headers }
    );
    const auth = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!auth)
      return reply(401, { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest' });
    if (auth !== token)
      return reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    store.refresh();
    const failure = takeFailure(call);
    if (failure && isGraphql && failure.status === 200)
      return reply(200, graphqlError('FORBIDDEN', failure.message, call.graphql!.name));
    if (failure) return reply(failure.status, unpack(fail(failure.status, failure.message, failure.errors)).body);
    const writing = isGraphql ? call.graphql!.kind === 'mutation' : method !== 'GET' && method !== 'HEAD';
    if (writing && fake.readOnly) {
      if (isGraphql) return reply(200, graphqlError('FORBIDDEN', READ_ONLY, call.graphql!.name));
      return reply(403, unpack(fail(403, READ_ONLY)).body);
    }
    if (isGraphql) return reply(200, graphqlRoute(store, body));
    const routed = restRoute(store, { method, path, query: call.query, body });
    if ('list' in routed) return page(routed, url, reply);
    return reply(routed.status, routed.body ?? null);
  };

  const record = (
    method: string,
    path: string,
    url: URL,
    body: unknown,
    status: number,
    graphql?: FakeGitHubCall['graphql'],
  ): FakeGitHubCall => {
    const call: FakeGitHubCall = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      status,
      ...(graphql ? { graphql } : {}),
    };
    calls.push(call);
    return call;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let out: { status: number; body: unknown; headers?: Record<string, string> };
      try {
        out = answer(req, Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        out = { status: 500, body: { message: `fake GitHub crashed: ${String(err)}` } };
      }
      const text = out.body === undefined || out.status === 204 ? '' : JSON.stringify(out.body);
      res.writeHead(out.status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-request-id': `FAKE:${calls.length}`,
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': String(Math.max(0, 5000 - calls.length)),
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
        ...out.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;

  const fake: FakeGitHub = {
    url: `${base}${prefix}`,
    graphqlUrl: `${base}${graphqlPath}`,
    token,
    calls,
    writes: () =>
      calls.filter((c) => (c.graphql ? c.graphql.kind === 'mutation' : c.method !== 'GET' && c.method !== 'HEAD')),
    state: {
      get issueComments() {
        return (store.refresh(), store.issueComments);
      },
      get reviewComments() {
        return (store.refresh(), store.reviewComments);
      },
      get reviews() {
        return store.reviews;
      },
      get threads() {
        return (store.refresh(), store.threads);
      },
      get pulls() {
        return (store.refresh(), store.specs.map((s) => store.pullJson(s.number)).filter((p) => p !== null));
      },
      get reactions() {
        return store.reactions;
      },
      get minimized() {
        return store.minimized;
      },
    },
    failNext: (m) => void failures.push({ ...m }),
    readOnly: o.readOnly ?? false,
    pull: (n) => {
      store.refresh();
      const p = store.pull(n);
      if (!p) throw new Error(`fake GitHub: no pull request ${n}`);
      return p;
    },
    hunks: (n) => (store.refresh(), store.hunks(n)),
    mergeRef: (n) => {
      const p = fake.pull(n);
      return makeMergeCommit(store.bare, n, p.baseSha, p.headSha);
    },
    owner: store.owner,
    repo: store.repo,
    bareRepo: store.bare,
    pullJson: (n) => {
      store.refresh();
      const json = store.pullJson(n);
      if (!json) throw new Error(`fake GitHub: no pull request ${n}`);
      return json;
    },
    repository: () => store.repoInfo(),
    addIssueComment: (n, body, author) => store.addIssueComment(n, body, author),
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
  return fake;
}

function unpack(r: RouteReply): { status: number; body: unknown } {
  if ('list' in r) return { status: 200, body: r.list };
  return { status: r.status, body: r.body ?? null };
}

/** One page of a list (`per_page` ≤ 100, default 30) with GitHub's Link header. */
function page(
  r: Extract<RouteReply, { list: unknown[] }>,
  url: URL,
  reply: (
    status: number,
    body: unknown,
    headers?: Record<string, string>,
  ) => { status: number; body: unknown; headers?: Record<string, string> },
) {
  const list = r.max === undefined ? r.list : r.list.slice(0, r.max);
  const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page') ?? 30) || 30, 1), 100);
  const pageNo = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
  const last = Math.max(1, Math.ceil(list.length / perPage));
  const link = (n: number, rel: string) => {
    const u = new URL(url);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(n));
    return `<${u.toString()}>; rel="${rel}"`;
  };
  const links = [
    ...(pageNo > 1 ? [link(pageNo - 1, 'prev')] : []),
    ...(pageNo < last ? [link(pageNo + 1, 'next'), link(last, 'last')] : []),
    ...(pageNo > 1 ? [link(1, 'first')] : []),
  ];
  return reply(
    200,
    list.slice((pageNo - 1) * perPage, pageNo * perPage),
    links.length ? { link: links.join(', ') } : undefined,
  );
}
