import { GitHubApiError } from '@orchestrate/core';
import { describe, expect, it } from 'vitest';
import { apiProblem, cleanText, describeApiError } from '../src/github/errors.js';

function err(status: number, method: string, route: string, githubMessage = '', rateLimit = null) {
  return new GitHubApiError(`GitHub API ${method} ${route} failed (${status})`, status, method, route, {
    githubMessage,
    rateLimit,
  });
}

describe('describeApiError', () => {
  it('says what to do for each kind of failure', () => {
    const cases: Array<[GitHubApiError, RegExp]> = [
      [
        err(401, 'GET', '/repos/{owner}/{repo}/pulls/{pull_number}', 'Bad credentials'),
        /check the `github-token` input/,
      ],
      [
        err(
          403,
          'POST',
          '/repos/{owner}/{repo}/issues/{issue_number}/comments',
          'Resource not accessible by integration',
        ),
        /read-only: use mode collect .*grant `pull-requests: write`/,
      ],
      [
        err(403, 'GET', '/repos/{owner}/{repo}/compare/{basehead}', 'Resource not accessible'),
        /grant `contents: read`/,
      ],
      [
        err(
          403,
          'POST',
          '/repos/{owner}/{repo}/pulls',
          'GitHub Actions is not permitted to create or approve pull requests.',
        ),
        /Allow GitHub Actions to create and approve pull requests/,
      ],
      [
        err(403, 'POST', '/repos/{owner}/{repo}/pulls', 'Resource not accessible'),
        /`pull-requests: write` and `contents: write`/,
      ],
      [
        err(403, 'GET', '/repos/{owner}/{repo}/pulls', 'You have exceeded a secondary rate limit'),
        /rate limit was reached/,
      ],
      [
        err(404, 'GET', '/repos/{owner}/{repo}/compare/{basehead}', 'Not Found'),
        /commit of the review range is not in/,
      ],
      [err(404, 'GET', '/repos/{owner}/{repo}/pulls/{pull_number}', 'Not Found'), /lacks `pull-requests: read`/],
      [err(409, 'POST', '/repos/{owner}/{repo}/pulls', 'conflict'), /conflict/],
      [err(422, 'POST', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', 'x'), /outside the pull request's diff/],
      [err(422, 'POST', '/repos/{owner}/{repo}/pulls', 'A pull request already exists'), /one may already exist/],
      [err(422, 'PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}', 'Body is too long'), /invalid/],
      [err(503, 'GET', '/repos/{owner}/{repo}/pulls/{pull_number}', ''), /server error: rerun the job/],
      [err(0, 'GET', '/repos/{owner}/{repo}/pulls/{pull_number}', 'no answer (ECONNREFUSED)'), /could not be reached/],
      [err(0, 'POST', '/graphql (viewer)', 'unexpected answer: viewer.login'), /answered in a shape/],
      [err(418, 'GET', '/x', 'teapot'), /GitHub's message/],
    ];
    for (const [e, advice] of cases) expect(describeApiError(e), `${e.status} ${e.route}`).toMatch(advice);
  });

  it('gives a retry-after or a reset time when GitHub sends one', () => {
    const retry = new GitHubApiError('m', 403, 'POST', '/r', { rateLimit: { resetAt: null, retryAfter: 60 } });
    expect(describeApiError(retry)).toContain('(retry after 60 s)');
    const reset = new GitHubApiError('m', 429, 'GET', '/r', { rateLimit: { resetAt: 0, retryAfter: null } });
    expect(describeApiError(reset)).toContain('(it resets at 00:00:00 UTC)');
  });

  it('apiProblem joins what failed and what to do; other errors keep their message', () => {
    const e = err(404, 'GET', '/repos/{owner}/{repo}/pulls/{pull_number}', 'Not Found');
    expect(apiProblem(e)).toBe(`${e.message} — ${describeApiError(e)}`);
    expect(apiProblem(new Error('boom'))).toBe('boom');
    expect(apiProblem('text')).toBe('text');
  });
});

describe('cleanText', () => {
  it('redacts the secrets, escapes control and bidi characters, folds whitespace and caps the length', () => {
    expect(cleanText('token ghs_abc123 here\n\tnext', ['ghs_abc123'])).toBe('token [redacted] here next');
    expect(cleanText('a\u202eb\u0007', [])).toBe('a\\u202eb\\u0007');
    const long = cleanText('x'.repeat(2000), []);
    expect(long).toHaveLength(500);
    expect(long.endsWith('…')).toBe(true);
  });
});
