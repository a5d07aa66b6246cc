import { afterEach, describe, expect, it } from 'vitest';
import { describeApiError, octokitApi } from '../src/github/client.js';
import { apiError, closeServers, HEAD, restPull, serveApi as serve, startLoopback, TOKEN } from './github-loopback.js';

afterEach(closeServers);

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
