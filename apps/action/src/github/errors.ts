// A failed GitHub call as one GitHubApiError (whatever Octokit or the network threw), and what the user should do about
// it. Messages carry GitHub's own words, capped and escaped, and never the token; routes are templates, not URLs.
import { GitHubApiError, safeText } from '@orchestrate/core';

/** GitHub's message is kept to this many characters: enough for a validation error, not a page of HTML. */
const MESSAGE_CAP = 500;

/** What Octokit's RequestError (name `HttpError`) carries; matched by shape, as the class is not a dependency here. */
interface RequestErrorLike {
  name: string;
  status: number;
  message: string;
  response?: { status: number; headers: Record<string, string | number | undefined>; data: unknown };
}

function isRequestError(err: unknown): err is RequestErrorLike {
  return (
    err instanceof Error && err.name === 'HttpError' && typeof (err as Partial<RequestErrorLike>).status === 'number'
  );
}

/** Whether the request was cut off by its time limit (Octokit keeps the abort as the RequestError's cause). */
function isTimeout(err: unknown): boolean {
  const names = [err, err instanceof Error ? err.cause : undefined].map((e) => (e instanceof Error ? e.name : ''));
  return names.some((name) => name === 'AbortError' || name === 'TimeoutError');
}

/** Whether a failed read is worth another try: no answer (network, timeout) or a server error, never a refusal. */
export function isTransient(err: unknown): boolean {
  if (isTimeout(err)) return true;
  if (err instanceof GitHubApiError) return err.status >= 500;
  return isRequestError(err) && (err.response === undefined || err.status >= 500);
}

/** `text` made safe for a log line or a comment: secrets replaced, control characters escaped, capped. */
export function cleanText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  out = safeText(out.replace(/\s+/g, ' ').trim());
  return out.length > MESSAGE_CAP ? `${out.slice(0, MESSAGE_CAP - 1)}…` : out;
}

/** GitHub's message from an error body: `message` and each validation error (a string, or an object's message). */
function bodyMessage(data: unknown): string {
  if (typeof data === 'string') return data.startsWith('<') ? '' : data;
  if (typeof data !== 'object' || data === null) return '';
  const { message, errors } = data as { message?: unknown; errors?: unknown };
  const parts = typeof message === 'string' && message ? [message] : [];
  for (const item of Array.isArray(errors) ? errors : []) {
    if (typeof item === 'string') parts.push(item);
    else if (typeof item === 'object' && item !== null) {
      const e = item as Record<string, unknown>;
      const text = typeof e.message === 'string' ? e.message : [e.resource, e.field, e.code].filter(Boolean).join(' ');
      if (text) parts.push(text);
    }
  }
  return parts.join(': ');
}

function header(headers: Record<string, string | number | undefined>, name: string): number | null {
  const value = headers[name];
  const n = typeof value === 'number' ? value : Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) ? n : null;
}

/** The one way an error of a GitHub call becomes a GitHubApiError (status 0: GitHub was not reached or made no sense). */
export function toApiError(err: unknown, method: string, route: string, secrets: readonly string[]): GitHubApiError {
  if (err instanceof GitHubApiError) return err;
  let status = 0;
  let text: string;
  let rateLimit: { resetAt: number | null; retryAfter: number | null } | null = null;
  if (isRequestError(err) && err.response) {
    status = err.response.status;
    text = bodyMessage(err.response.data) || `HTTP ${status}`;
    const { headers } = err.response;
    const retryAfter = header(headers, 'retry-after');
    if (header(headers, 'x-ratelimit-remaining') === 0 || retryAfter !== null || status === 429) {
      rateLimit = { resetAt: header(headers, 'x-ratelimit-reset'), retryAfter };
    }
  } else if (isTimeout(err)) {
    text = 'no answer in time';
  } else if (isRequestError(err)) {
    text = err.message || 'the connection failed';
  } else {
    text = `an answer that could not be read (${err instanceof Error ? err.message : String(err)})`;
  }
  const githubMessage = cleanText(text, secrets);
  const shown = status !== 0 ? String(status) : text.startsWith('an answer that') ? 'bad answer' : 'no answer';
  return new GitHubApiError(
    `GitHub API ${method} ${route} failed (${shown}): ${githubMessage}`,
    status,
    method,
    route,
    {
      githubMessage,
      rateLimit,
    },
  );
}

/** GraphQL `errors[].type` as the HTTP status REST would have answered (GraphQL answers 200 with `errors`). */
const GRAPHQL_STATUS: Record<string, number> = { FORBIDDEN: 403, NOT_FOUND: 404, RATE_LIMITED: 429, INTERNAL: 500 };

/** A GraphQL answer's `errors` as one GitHubApiError: the first typed error gives the status, else 422. */
export function graphqlError(errors: readonly unknown[], route: string, secrets: readonly string[]): GitHubApiError {
  const items = errors.map((e) => (typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {}));
  const type = items.map((e) => e.type).find((t): t is string => typeof t === 'string' && t in GRAPHQL_STATUS);
  const status = type ? GRAPHQL_STATUS[type]! : 422;
  const text = items
    .map((e) => (typeof e.message === 'string' ? e.message : ''))
    .filter(Boolean)
    .join('; ');
  const githubMessage = cleanText(text || 'GraphQL error', secrets);
  return new GitHubApiError(`GitHub API POST ${route} failed (${status}): ${githubMessage}`, status, 'POST', route, {
    githubMessage,
    rateLimit: status === 429 ? { resetAt: null, retryAfter: null } : null,
  });
}

/** An answer GitHub should never give (a field missing or malformed): a GitHubApiError, as a bad answer is not a bug here. */
export function unexpectedAnswer(method: string, route: string, what: string): GitHubApiError {
  const githubMessage = `unexpected answer: ${safeText(what)}`;
  return new GitHubApiError(`GitHub API ${method} ${route} failed (bad answer): ${githubMessage}`, 0, method, route, {
    githubMessage,
  });
}

/** Whether a call changes something (a GraphQL route names its operation; only mutations write). */
function isWrite(e: GitHubApiError): boolean {
  if (e.route.startsWith('/graphql')) return /resolveReviewThread|minimizeComment/.test(e.route);
  return e.method !== 'GET';
}

/** The `permissions:` entries a call needs, as Markdown code (the job's token gets only what the workflow grants). */
function permissionFor(e: GitHubApiError): string {
  if (e.route.includes('/compare/')) return '`contents: read`';
  if (e.route === '/repos/{owner}/{repo}/pulls' && e.method === 'POST')
    return '`pull-requests: write` and `contents: write`';
  return `\`pull-requests: ${isWrite(e) ? 'write' : 'read'}\``;
}

function rateLimitAdvice(e: GitHubApiError): string {
  const { resetAt, retryAfter } = e.rateLimit ?? { resetAt: null, retryAfter: null };
  const when =
    retryAfter !== null
      ? `retry after ${retryAfter} s`
      : resetAt !== null
        ? `it resets at ${new Date(resetAt * 1000).toISOString().slice(11, 19)} UTC`
        : 'wait a few minutes';
  return `GitHub's API rate limit was reached (${when}): rerun the job later; other workflows using the same token share the limit`;
}

/** What to do about a failed call: one clause, in words a workflow author can act on (the error's message says what failed). */
export function describeApiError(e: GitHubApiError): string {
  const message = e.githubMessage.toLowerCase();
  const permission = permissionFor(e);
  if (e.status === 429 || (e.status === 403 && (e.rateLimit !== null || message.includes('rate limit')))) {
    return rateLimitAdvice(e);
  }
  if (e.status === 0) {
    return message.startsWith('unexpected answer') || message.startsWith('an answer that')
      ? 'GitHub (or the server at `GITHUB_API_URL`) answered in a shape the action does not know: rerun the job; if it persists, report it'
      : "GitHub could not be reached: check the runner's network and `GITHUB_API_URL` (GitHub Enterprise Server: its `/api/v3` URL), then rerun the job";
  }
  if (e.status === 401) {
    return 'the token was refused (expired, revoked or for another GitHub host): check the `github-token` input (default `${{ github.token }}`)';
  }
  if (e.status === 403) {
    if (message.includes('not permitted to create or approve pull requests')) {
      return 'this repository does not let GitHub Actions open pull requests: enable "Allow GitHub Actions to create and approve pull requests" in Settings → Actions → General, or give `github-token` a token that may';
    }
    if (isWrite(e)) {
      return `the token cannot write (a fork PR's token is read-only: use mode collect in the pull_request workflow and mode post in a workflow_run workflow; else grant ${permission} in the job's \`permissions:\`)`;
    }
    return `the token may not read this: grant ${permission} in the job's \`permissions:\``;
  }
  if (e.status === 404) {
    if (e.route.includes('/compare/')) {
      return 'a commit of the review range is not in this repository (force-pushed away, or a fork commit GitHub does not have): rerun on the current head';
    }
    return `not found as the token sees it: the pull request or comment may be gone, or the token lacks ${permission} (a private repository answers 404 then)`;
  }
  if (e.status === 409)
    return 'GitHub reports a conflict (the branch or pull request changed meanwhile): rerun the job';
  if (e.status === 422) {
    if (e.route.endsWith('/reviews')) {
      return "GitHub refused the review: a comment is on a line outside the pull request's diff, or the head moved on since the run started";
    }
    if (e.route === '/repos/{owner}/{repo}/pulls' && e.method === 'POST') {
      return 'GitHub refused the pull request: one may already exist for this branch, or the branch has no commit over its base';
    }
    return "GitHub refused the request as invalid (GitHub's message says which field)";
  }
  if (e.status >= 500) return 'GitHub had a server error: rerun the job (reads were already retried)';
  return "GitHub's message says what went wrong; rerun the job if it was transient";
}

/** One problem line for a summary: what failed and what to do; any other error is shown by its message. */
export function apiProblem(err: unknown): string {
  if (err instanceof GitHubApiError) return `${err.message} — ${describeApiError(err)}`;
  return err instanceof Error ? err.message : String(err);
}
