import { GitHubApiError, InternalError } from '@orchestrate/core';
import { afterEach, describe, expect, it } from 'vitest';
import { describeApiError, MAX_PULL_FILES, octokitApi } from '../src/github/client.js';
import { readOnly } from '../src/github/read-only.js';
import { type Loopback, type LoopbackRoute, paged, startLoopback } from './github-loopback.js';

const TOKEN = 'ghs_loopbackTokenValue123';
const HEAD = 'a'.repeat(40);
const BASE = 'b'.repeat(40);
const servers: Loopback[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(routes: LoopbackRoute[], prefix = '') {
  const server = await startLoopback(routes, prefix);
  servers.push(server);
  const api = octokitApi({
    token: TOKEN,
    apiUrl: server.apiUrl,
    owner: 'acme',
    repo: 'widgets',
    retryDelaysMs: [0, 0],
  });
  return { server, api };
}

function restPull(n: number, head: { repo: string | null; sha?: string } = { repo: 'acme/widgets' }) {
  return {
    number: n,
    state: 'open',
    draft: false,
    html_url: `https://github.test/acme/widgets/pull/${n}`,
    head: { sha: head.sha ?? HEAD, ref: 'feature', repo: head.repo === null ? null : { full_name: head.repo } },
    base: { sha: BASE, ref: 'main', repo: { full_name: 'acme/widgets' } },
  };
}

function restComment(id: number, extra: Record<string, unknown> = {}) {
  return {
    id,
    node_id: `IC_${id}`,
    body: `comment ${id}`,
    html_url: `https://github.test/c/${id}`,
    user: { login: 'github-actions[bot]' },
    ...extra,
  };
}

/** Expects `promise` to reject with a GitHubApiError and returns it. */
async function apiError(promise: Promise<unknown>): Promise<GitHubApiError> {
  const err: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GitHubApiError);
  return err as GitHubApiError;
}

describe('octokitApi: reads', () => {
  it('pages through more than 100 files and comments (Link), capping files at 3,000', async () => {
    const files = Array.from({ length: MAX_PULL_FILES + 50 }, (_, i) => ({
      filename: `src/f${i}.ts`,
      status: i === 0 ? 'renamed' : 'modified',
      ...(i === 0 ? { previous_filename: 'src/old.ts' } : {}),
      ...(i === 1 ? {} : { patch: '@@ -1 +1 @@\n-a\n+b' }),
    }));
    const issue = Array.from({ length: 230 }, (_, i) => restComment(i + 1));
    const review = Array.from({ length: 101 }, (_, i) =>
      restComment(i + 1000, {
        path: 'a.ts',
        line: i === 0 ? null : 3,
        commit_id: HEAD,
        in_reply_to_id: i === 5 ? 1000 : undefined,
      }),
    );
    const { server, api } = await serve([
      { method: 'GET', path: /^\/repos\/acme\/widgets\/pulls\/7\/files$/, reply: (c) => paged(c, files) },
      { method: 'GET', path: /^\/repos\/acme\/widgets\/issues\/7\/comments$/, reply: (c) => paged(c, issue) },
      { method: 'GET', path: /^\/repos\/acme\/widgets\/pulls\/7\/comments$/, reply: (c) => paged(c, review) },
    ]);
    const got = await api.listPullFiles(7);
    expect(got).toHaveLength(MAX_PULL_FILES);
    expect(got[0]).toEqual({
      path: 'src/f0.ts',
      previousPath: 'src/old.ts',
      status: 'renamed',
      patch: '@@ -1 +1 @@\n-a\n+b',
    });
    expect(got[1]).toMatchObject({ previousPath: null, patch: null });
    const comments = await api.listIssueComments(7);
    expect(comments.map((c) => c.id)).toEqual(issue.map((c) => c.id));
    expect(comments[0]).toEqual({
      id: 1,
      nodeId: 'IC_1',
      author: 'github-actions[bot]',
      body: 'comment 1',
      htmlUrl: 'https://github.test/c/1',
    });
    const inline = await api.listReviewComments(7);
    expect(inline).toHaveLength(101);
    expect(inline[0]).toMatchObject({ path: 'a.ts', line: null, startLine: null, commitId: HEAD, inReplyTo: null });
    expect(inline[5]).toMatchObject({ line: 3, inReplyTo: 1000 });
    const pages = server.calls.filter((c) => c.path.endsWith('/issues/7/comments'));
    expect(pages.map((c) => c.query.page ?? '1')).toEqual(['1', '2', '3']);
    expect(pages.every((c) => c.query.per_page === '100')).toBe(true);
    expect(server.calls.every((c) => c.authorization === `token ${TOKEN}`)).toBe(true);
  });

  it('keeps a GitHub Enterprise Server path prefix on every REST and GraphQL request', async () => {
    const { server, api } = await serve(
      [
        { method: 'GET', path: /^\/repos\/acme\/widgets\/pulls\/3$/, reply: () => ({ body: restPull(3) }) },
        { method: 'GET', path: /^\/repos\/acme\/widgets\/pulls\/3\/files$/, reply: (c) => paged(c, []) },
      ],
      '/ghes/api/v3',
    );
    // GraphQL lives beside the REST root on GHES (`/api/graphql`): the route table sees the path without the prefix.
    expect((await api.getPull(3)).number).toBe(3);
    await api.listPullFiles(3);
    await apiError(api.whoAmI());
    expect(server.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /ghes/api/v3/repos/acme/widgets/pulls/3',
      'GET /ghes/api/v3/repos/acme/widgets/pulls/3/files',
      'POST /ghes/api/graphql',
    ]);
  });

  it('maps a pull request: a fork, a deleted fork (never taken for the base repository), a draft', async () => {
    const { api } = await serve([
      { method: 'GET', path: /\/pulls\/1$/, reply: () => ({ body: restPull(1, { repo: 'fork/widgets' }) }) },
      { method: 'GET', path: /\/pulls\/2$/, reply: () => ({ body: { ...restPull(2, { repo: null }), draft: true } }) },
      {
        method: 'GET',
        path: /\/pulls\/3$/,
        reply: () => ({ body: restPull(3, { repo: 'acme/widgets', sha: '--upload-pack=x' }) }),
      },
    ]);
    expect(await api.getPull(1)).toEqual({
      number: 1,
      state: 'open',
      draft: false,
      headSha: HEAD,
      headRef: 'feature',
      headRepo: 'fork/widgets',
      baseSha: BASE,
      baseRef: 'main',
      baseRepo: 'acme/widgets',
      htmlUrl: 'https://github.test/acme/widgets/pull/1',
    });
    expect(await api.getPull(2)).toMatchObject({ headRepo: '', draft: true });
    // A head SHA that is not one never reaches git (it would be an argument there).
    const bad = await apiError(api.getPull(3));
    expect(bad).toMatchObject({ status: 0, method: 'GET', route: '/repos/{owner}/{repo}/pulls/{pull_number}' });
    expect(bad.message).toContain('head.sha is not a commit id');
  });

  it('compares base...head for the merge base, and finds open pulls by head owner:branch', async () => {
    const { server, api } = await serve([
      {
        method: 'GET',
        path: /^\/repos\/acme\/widgets\/compare\/(.+)$/,
        reply: () => ({ body: { status: 'diverged', merge_base_commit: { sha: BASE }, commits: [] } }),
      },
      {
        method: 'GET',
        path: /^\/repos\/acme\/widgets\/pulls$/,
        reply: (c) => paged(c, [restPull(9, { repo: 'fork/widgets' })]),
      },
    ]);
    expect(await api.compare(BASE, HEAD)).toEqual({ mergeBase: BASE, status: 'diverged' });
    expect(server.calls[0]!.path).toBe(`/repos/acme/widgets/compare/${BASE}...${HEAD}`);
    const pulls = await api.findPulls({ owner: 'fork', branch: 'feature' });
    expect(pulls.map((p) => p.number)).toEqual([9]);
    expect(server.calls[1]!.query).toMatchObject({ head: 'fork:feature', state: 'open' });
  });

  it("reads a user's permission: maintain and triage from role_name, a custom role falls back, 404 is none", async () => {
    const roles: Record<string, unknown> = {
      ada: { permission: 'write', role_name: 'maintain' },
      bo: { permission: 'read', role_name: 'triage' },
      cy: { permission: 'write', role_name: 'release-manager' },
      di: { permission: 'admin', role_name: 'admin' },
    };
    const { api } = await serve([
      {
        method: 'GET',
        path: /\/collaborators\/([^/]+)\/permission$/,
        reply: (_c, m) => (roles[m[1]!] ? { body: roles[m[1]!] } : { status: 404, body: { message: 'Not Found' } }),
      },
    ]);
    expect(await api.permission('ada')).toBe('maintain');
    expect(await api.permission('bo')).toBe('triage');
    expect(await api.permission('cy')).toBe('write');
    expect(await api.permission('di')).toBe('admin');
    expect(await api.permission('eve')).toBe('none');
  });
});

describe('octokitApi: writes', () => {
  it('posts one review with COMMENT, the head commit and RIGHT-side comments (start fields only for ranges)', async () => {
    const { server, api } = await serve([
      { method: 'POST', path: /\/pulls\/7\/reviews$/, reply: () => ({ status: 200, body: { id: 55 } }) },
      {
        method: 'POST',
        path: /\/issues\/7\/comments$/,
        reply: (c) => ({ status: 201, body: restComment(9, { body: c.body.body }) }),
      },
      { method: 'PATCH', path: /\/issues\/comments\/9$/, reply: () => ({ body: restComment(9) }) },
      { method: 'POST', path: /\/issues\/comments\/9\/reactions$/, reply: () => ({ status: 201, body: { id: 1 } }) },
      { method: 'POST', path: /^\/repos\/acme\/widgets\/pulls$/, reply: () => ({ status: 201, body: restPull(12) }) },
    ]);
    const review = await api.createReview(7, {
      commitId: HEAD,
      body: 'summary',
      comments: [
        { path: 'a.ts', line: 3, side: 'RIGHT', body: 'one' },
        { path: 'a.ts', line: 9, side: 'RIGHT', startLine: 7, startSide: 'RIGHT', body: 'range' },
      ],
    });
    expect(review).toEqual({ id: 55 });
    expect(server.calls[0]!.body).toEqual({
      commit_id: HEAD,
      body: 'summary',
      event: 'COMMENT',
      comments: [
        { path: 'a.ts', line: 3, side: 'RIGHT', body: 'one' },
        { path: 'a.ts', line: 9, side: 'RIGHT', start_line: 7, start_side: 'RIGHT', body: 'range' },
      ],
    });
    expect(await api.createIssueComment(7, 'hello')).toMatchObject({ id: 9, nodeId: 'IC_9', body: 'hello' });
    await api.updateIssueComment(9, 'edited');
    await api.addReaction(9, 'eyes');
    expect(await api.createPull({ title: 't', body: 'b', head: 'orchestrate/r1', base: 'feature' })).toEqual({
      number: 12,
      htmlUrl: 'https://github.test/acme/widgets/pull/12',
    });
    expect(server.calls.slice(1).map((c) => [c.method, c.body])).toEqual([
      ['POST', { body: 'hello' }],
      ['PATCH', { body: 'edited' }],
      ['POST', { content: 'eyes' }],
      ['POST', { title: 't', body: 'b', head: 'orchestrate/r1', base: 'feature' }],
    ]);
  });

  it('readOnly refuses every write with InternalError before any request, and passes reads through', async () => {
    const { server, api } = await serve([{ method: 'GET', path: /\/pulls\/1$/, reply: () => ({ body: restPull(1) }) }]);
    const ro = readOnly(api);
    const writes: Array<() => Promise<unknown>> = [
      () => ro.createReview(1, { commitId: HEAD, body: '', comments: [] }),
      () => ro.createIssueComment(1, 'x'),
      () => ro.updateIssueComment(1, 'x'),
      () => ro.resolveThread('T'),
      () => ro.minimizeComment('C'),
      () => ro.createPull({ title: 't', body: 'b', head: 'h', base: 'b' }),
      () => ro.addReaction(1, 'eyes'),
    ];
    for (const attempt of writes) await expect(attempt()).rejects.toBeInstanceOf(InternalError);
    expect(server.calls).toEqual([]);
    expect((await ro.getPull(1)).number).toBe(1);
    expect(server.calls).toHaveLength(1);
  });
});

describe('octokitApi: failures', () => {
  it('turns 403, 404 and 422 into GitHubApiError with status, route, GitHub message and what to do', async () => {
    const { api } = await serve([
      {
        method: 'POST',
        path: /\/pulls\/7\/reviews$/,
        reply: (c) =>
          c.body.comments.length > 1
            ? {
                status: 403,
                body: { message: 'Resource not accessible by integration', documentation_url: 'https://x' },
              }
            : { status: 422, body: { message: 'Unprocessable Entity', errors: ['Line could not be resolved'] } },
      },
      { method: 'GET', path: /\/pulls\/8$/, reply: () => ({ status: 404, body: { message: 'Not Found' } }) },
    ]);
    const comment = { path: 'a.ts', line: 3, side: 'RIGHT' as const, body: 'x' };
    const forbidden = await apiError(api.createReview(7, { commitId: HEAD, body: '', comments: [comment, comment] }));
    expect(forbidden).toMatchObject({
      code: 'E_GITHUB_API',
      status: 403,
      method: 'POST',
      route: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      githubMessage: 'Resource not accessible by integration',
    });
    expect(describeApiError(forbidden)).toMatch(/read-only: use mode collect .* mode post .*`pull-requests: write`/);
    const stale = await apiError(api.createReview(7, { commitId: HEAD, body: '', comments: [comment] }));
    expect(stale).toMatchObject({ status: 422, githubMessage: 'Unprocessable Entity: Line could not be resolved' });
    expect(describeApiError(stale)).toContain("outside the pull request's diff");
    const missing = await apiError(api.getPull(8));
    expect(missing).toMatchObject({ status: 404, method: 'GET', route: '/repos/{owner}/{repo}/pulls/{pull_number}' });
    expect(missing.message).toBe('GitHub API GET /repos/{owner}/{repo}/pulls/{pull_number} failed (404): Not Found');
    expect(describeApiError(missing)).toContain('`pull-requests: read`');
  });

  it('names a rate limit and its reset time, and never shows the token even when GitHub echoes it', async () => {
    const { api } = await serve([
      {
        method: 'GET',
        path: /\/pulls\/1$/,
        reply: () => ({
          status: 403,
          headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000000' },
          body: { message: `API rate limit exceeded for ${TOKEN}\u001b[31m` },
        }),
      },
    ]);
    const err = await apiError(api.getPull(1));
    expect(err.rateLimit).toEqual({ resetAt: 1_700_000_000, retryAfter: null });
    expect(describeApiError(err)).toContain('rate limit was reached (it resets at 22:13:20 UTC)');
    expect(`${err.message} ${err.githubMessage}`).not.toContain(TOKEN);
    expect(err.message).toContain('[redacted]\\u001b[31m');
  });

  it('retries a read after a 502, never a write; an unreachable or silent server is status 0', async () => {
    let reads = 0;
    const { server, api } = await serve([
      {
        method: 'GET',
        path: /\/pulls\/1$/,
        reply: () => (++reads === 1 ? { status: 502, body: 'bad gateway' } : { body: restPull(1) }),
      },
      {
        method: 'POST',
        path: /\/issues\/1\/comments$/,
        reply: () => ({ status: 502, body: { message: 'Server Error' } }),
      },
      { method: 'GET', path: /\/pulls\/2$/, reply: () => 'hang' },
    ]);
    expect((await api.getPull(1)).number).toBe(1);
    expect(reads).toBe(2);
    const failedWrite = await apiError(api.createIssueComment(1, 'x'));
    expect(failedWrite.status).toBe(502);
    expect(server.calls.filter((c) => c.method === 'POST')).toHaveLength(1);

    const silent = octokitApi({
      token: TOKEN,
      apiUrl: server.apiUrl,
      owner: 'acme',
      repo: 'widgets',
      retryDelaysMs: [],
      timeoutMs: 50,
    });
    const timedOut = await apiError(silent.getPull(2));
    expect(timedOut).toMatchObject({ status: 0, githubMessage: 'no answer in time' });
    const closed = await startLoopback([]);
    await closed.close();
    const gone = octokitApi({
      token: TOKEN,
      apiUrl: closed.apiUrl,
      owner: 'acme',
      repo: 'widgets',
      retryDelaysMs: [0],
    });
    const unreachable = await apiError(gone.getPull(1));
    expect(unreachable.status).toBe(0);
    expect(describeApiError(unreachable)).toContain('could not be reached');
  });
});
