import { InternalError } from '@orchestrate/core';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PULL_FILES } from '../src/github/client.js';
import { readOnly } from '../src/github/read-only.js';
import { reviewComment } from '../src/github/rest-data.js';
import {
  apiError,
  BASE,
  closeServers,
  HEAD,
  paged,
  restComment,
  restPull,
  serveApi as serve,
  TOKEN,
} from './github-loopback.js';

afterEach(closeServers);

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
    expect(inline[0]).toMatchObject({ path: 'a.ts', line: null, startLine: null, inReplyTo: null });
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

describe('reviewComment', () => {
  it('reads only the fields the action uses: a comment whose commit_id is absent or odd still lists', () => {
    const raw = { id: 3, node_id: 'RC_3', body: 'b', html_url: 'https://github.test/r/3', user: { login: 'u' } };
    const listed = reviewComment({ ...raw, path: 'a.ts', line: 4, commit_id: null } as never, '/x');
    expect(listed).toEqual({
      id: 3,
      nodeId: 'RC_3',
      author: 'u',
      body: 'b',
      htmlUrl: 'https://github.test/r/3',
      path: 'a.ts',
      line: 4,
      startLine: null,
      inReplyTo: null,
    });
  });
});
