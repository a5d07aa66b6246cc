import { afterEach, describe, expect, it } from 'vitest';
import { describeApiError } from '../src/github/client.js';
import { FALLBACK_BOT_LOGIN } from '../src/github/graphql.js';
import { apiError, closeServers, type LoopbackCall, type LoopbackReply, serveApi, TOKEN } from './github-loopback.js';

afterEach(closeServers);

/** A server whose only route is GraphQL: `/graphql`, or `/api/graphql` beside a GHES `<prefix>/api/v3`. */
function graphql(reply: (call: LoopbackCall) => LoopbackReply, ghesPrefix: string | null = null) {
  if (ghesPrefix === null) return serveApi([{ method: 'POST', path: /^\/graphql$/, reply }]);
  return serveApi([{ method: 'POST', path: /^\/api\/graphql$/, reply }], ghesPrefix, `${ghesPrefix}/api/v3`);
}

const thread = (id: string, resolved: boolean, databaseId: number | null) => ({
  id,
  isResolved: resolved,
  comments: { nodes: [{ databaseId }] },
});

describe('GraphQL: who the token is', () => {
  it('a Bot gets [bot] (once), a User keeps its login, and the answer is asked once', async () => {
    const answers = [
      { login: 'github-actions', __typename: 'Bot' },
      { login: 'orchestrate-app[bot]', __typename: 'Bot' },
      { login: 'ada', __typename: 'User' },
    ];
    for (const viewer of answers) {
      const { server, api } = await graphql(() => ({ body: { data: { viewer } } }));
      const expected = viewer.__typename === 'Bot' ? viewer.login.replace(/(\[bot\])?$/, '[bot]') : viewer.login;
      expect(await api.whoAmI()).toBe(expected);
      expect(await api.whoAmI()).toBe(expected);
      expect(server.calls).toHaveLength(1);
      expect(server.calls[0]!.body.query).toContain('viewer { login __typename }');
      expect(server.calls[0]!.authorization).toBe(`token ${TOKEN}`);
    }
  });

  it('a token GitHub will not describe (FORBIDDEN) is the workflow bot; a refused token (401) is an error', async () => {
    const forbidden = await graphql(() => ({
      body: { data: null, errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }] },
    }));
    expect(await forbidden.api.whoAmI()).toBe(FALLBACK_BOT_LOGIN);
    const refused = await graphql(() => ({ status: 401, body: { message: 'Bad credentials' } }));
    const err = await apiError(refused.api.whoAmI());
    expect(err).toMatchObject({ status: 401, method: 'POST', route: '/graphql (viewer)' });
    expect(describeApiError(err)).toContain('`github-token`');
  });

  it('uses /api/graphql beside a GHES /api/v3 root', async () => {
    const { server, api } = await graphql(
      () => ({ body: { data: { viewer: { login: 'ada', __typename: 'User' } } } }),
      '/ghes',
    );
    expect(await api.whoAmI()).toBe('ada');
    expect(server.calls[0]!.path).toBe('/ghes/api/graphql');
  });
});

describe('GraphQL: review threads', () => {
  it('pages through threads by cursor, keyed by the first comment id; threads without one are left out', async () => {
    const pages: Record<string, unknown> = {
      first: {
        pageInfo: { hasNextPage: true, endCursor: 'c1' },
        nodes: [thread('T1', false, 11), thread('T2', true, null)],
      },
      c1: { pageInfo: { hasNextPage: false, endCursor: 'c2' }, nodes: [thread('T3', true, 13), null] },
    };
    const { server, api } = await graphql((c) => ({
      body: { data: { repository: { pullRequest: { reviewThreads: pages[c.body.variables.after ?? 'first'] } } } },
    }));
    expect(await api.listReviewThreads(7)).toEqual([
      { id: 'T1', isResolved: false, firstCommentId: 11 },
      { id: 'T3', isResolved: true, firstCommentId: 13 },
    ]);
    expect(server.calls.map((c) => c.body.variables)).toEqual([
      { owner: 'acme', name: 'widgets', number: 7, after: null },
      { owner: 'acme', name: 'widgets', number: 7, after: 'c1' },
    ]);
  });

  it('stops on a cursor that does not move, and calls a missing pull request or a bad shape an unexpected answer', async () => {
    const stuck = { pageInfo: { hasNextPage: true, endCursor: 'same' }, nodes: [thread('T1', false, 1)] };
    const loop = await graphql(() => ({ body: { data: { repository: { pullRequest: { reviewThreads: stuck } } } } }));
    expect(await loop.api.listReviewThreads(1)).toHaveLength(2);
    expect(loop.server.calls).toHaveLength(2);
    const missing = await graphql(() => ({ body: { data: { repository: { pullRequest: null } } } }));
    expect((await apiError(missing.api.listReviewThreads(1))).message).toContain('no pull request #1 in acme/widgets');
    const bad = await graphql(() => ({
      body: { data: { repository: { pullRequest: { reviewThreads: { nodes: 'x' } } } } },
    }));
    const err = await apiError(bad.api.listReviewThreads(1));
    expect(err).toMatchObject({ status: 0, route: '/graphql (reviewThreads)' });
    expect(describeApiError(err)).toContain('answered in a shape');
  });
});

describe('GraphQL: retiring a thread', () => {
  it('sends resolveReviewThread with the thread id, and minimizeComment with classifier OUTDATED', async () => {
    const { server, api } = await graphql((c) =>
      String(c.body.query).includes('resolveReviewThread')
        ? { body: { data: { resolveReviewThread: { thread: { id: c.body.variables.id, isResolved: true } } } } }
        : { body: { data: { minimizeComment: { minimizedComment: { isMinimized: true } } } } },
    );
    await api.resolveThread('PRRT_1');
    await api.minimizeComment('PRRC_2');
    const [resolve, minimize] = server.calls;
    expect(resolve!.body.query).toMatch(/mutation\(\$id: ID!\) \{ resolveReviewThread\(input: \{ threadId: \$id \}\)/);
    expect(resolve!.body.variables).toEqual({ id: 'PRRT_1' });
    expect(minimize!.body.query).toContain('minimizeComment(input: { subjectId: $id, classifier: OUTDATED })');
    expect(minimize!.body.variables).toEqual({ id: 'PRRC_2' });
  });

  it('a refused mutation is a 403 GitHubApiError naming the operation, and is not retried', async () => {
    const { server, api } = await graphql(() => ({
      body: {
        data: { resolveReviewThread: null },
        errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }],
      },
    }));
    const err = await apiError(api.resolveThread('PRRT_1'));
    expect(err).toMatchObject({ status: 403, method: 'POST', route: '/graphql (resolveReviewThread)' });
    expect(err.message).toBe(
      'GitHub API POST /graphql (resolveReviewThread) failed (403): Resource not accessible by integration',
    );
    expect(describeApiError(err)).toContain('the token cannot write');
    expect(server.calls).toHaveLength(1);
    const other = await graphql(() => ({
      body: { errors: [{ message: `Could not resolve to a node with the global id of '${TOKEN}'` }] },
    }));
    const invalid = await apiError(other.api.minimizeComment('X'));
    expect(invalid.status).toBe(422);
    expect(invalid.message).not.toContain(TOKEN);
  });

  it('a rate-limited query (RATE_LIMITED) is described as a rate limit', async () => {
    const { api } = await graphql(() => ({
      body: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }] },
    }));
    const err = await apiError(api.listReviewThreads(1));
    expect(err.status).toBe(429);
    expect(describeApiError(err)).toContain("GitHub's API rate limit was reached (wait a few minutes)");
  });
});
