// The fake GitHub's REST routes: pull requests, their files, commits and comments, reviews (github-reviews.ts), issue
// comments, reactions, compare, permissions, new pull requests. Lists are returned whole; the server pages them.
import { commitInfo, commitsBetween, compareCommits, resolveCommit } from './github-git.js';
import { MAX_BODY, fail, notFound, now, record, type RouteReply, type RouteRequest } from './github-reply.js';
import { createReview, createReviewComment, visibleComments } from './github-reviews.js';
import type { FakeStore } from './github-store.js';

export type { RouteReply, RouteRequest } from './github-reply.js';
export { fail } from './github-reply.js';

type Handler = (store: FakeStore, req: RouteRequest, params: string[]) => RouteReply;

const REPO = '/repos/([^/]+)/([^/]+)';
const ROUTES: [string, RegExp, Handler][] = [
  [
    'GET',
    /^\/user$/,
    (s) =>
      s.self.type === 'Bot'
        ? fail(403, 'Resource not accessible by integration')
        : { status: 200, body: s.user(s.self.login) },
  ],
  ['GET', re(''), (s) => ({ status: 200, body: s.repoInfo() })],
  ['GET', re('/pulls'), listPulls],
  ['POST', re('/pulls'), createPull],
  ['GET', re('/pulls/(\\d+)'), (s, _r, [n]) => json(s.pullJson(Number(n)))],
  ['GET', re('/pulls/(\\d+)/files'), (s, _r, [n]) => withPull(s, n, () => ({ list: s.files(Number(n)), max: 3000 }))],
  ['GET', re('/pulls/(\\d+)/commits'), pullCommits],
  [
    'GET',
    re('/pulls/(\\d+)/comments'),
    (s, _r, [n]) => withPull(s, n, () => ({ list: visibleComments(s, Number(n)) })),
  ],
  ['POST', re('/pulls/(\\d+)/comments'), createReviewComment],
  [
    'GET',
    re('/pulls/(\\d+)/reviews'),
    (s, _r, [n]) => withPull(s, n, () => ({ list: s.reviews.filter((r) => r.pull_number === Number(n)) })),
  ],
  ['POST', re('/pulls/(\\d+)/reviews'), createReview],
  [
    'GET',
    re('/issues/(\\d+)/comments'),
    (s, _r, [n]) =>
      withPull(s, n, () => ({
        list: s.issueComments.filter((c) => c.issue === Number(n)).map((c) => s.issueCommentJson(c)),
      })),
  ],
  ['POST', re('/issues/(\\d+)/comments'), createIssueComment],
  [
    'GET',
    re('/issues/comments/(\\d+)'),
    (s, _r, [id]) => json(issueComment(s, id) && s.issueCommentJson(issueComment(s, id)!)),
  ],
  ['PATCH', re('/issues/comments/(\\d+)'), updateIssueComment],
  ['POST', re('/issues/comments/(\\d+)/reactions'), createReaction],
  ['GET', re('/compare/(.+)'), compare],
  ['GET', re('/collaborators/([^/]+)/permission'), permission],
];

function re(tail: string): RegExp {
  return new RegExp(`^${REPO}${tail}$`);
}

/** Answers a REST request, or 404 for a route or repository the fake does not have. */
export function restRoute(store: FakeStore, req: RouteRequest): RouteReply {
  for (const [method, pattern, handler] of ROUTES) {
    const m = pattern.exec(req.path);
    if (!m || method !== req.method) continue;
    const [, ...params] = m;
    if (req.path.startsWith('/repos/')) {
      const [owner, repo] = params.splice(0, 2).map((p) => decodeURIComponent(p).toLowerCase());
      if (owner !== store.owner.toLowerCase() || repo !== store.repo.toLowerCase()) return notFound();
    }
    return handler(store, req, params.map(decodeURIComponent));
  }
  return notFound();
}

function json(body: unknown): RouteReply {
  return body ? { status: 200, body } : notFound();
}

function withPull(store: FakeStore, n: string | undefined, then: () => RouteReply): RouteReply {
  return store.pull(Number(n)) ? then() : notFound();
}

function listPulls(s: FakeStore, req: RouteRequest): RouteReply {
  const state = req.query.state ?? 'open';
  const pulls = s.specs
    .map((spec) => s.pull(spec.number))
    .filter((p) => p !== null)
    .filter((p) => state === 'all' || (p.spec.state ?? 'open') === state)
    .filter((p) => !req.query.head || req.query.head === `${p.headOwner}:${p.spec.headRef}`)
    .filter((p) => !req.query.base || req.query.base === p.spec.baseRef)
    .sort((a, b) => b.spec.number - a.spec.number);
  return { list: pulls.map((p) => s.pullJson(p.spec.number)) };
}

function pullCommits(s: FakeStore, _req: RouteRequest, [n]: string[]): RouteReply {
  const p = s.pull(Number(n));
  if (!p) return notFound();
  const list = commitsBetween(s.bare, p.mergeBase, p.headSha).map((sha) => {
    const c = commitInfo(s.bare, sha);
    return { sha, commit: { message: c.message, author: { name: c.name, email: c.email, date: c.date } } };
  });
  return { list, max: 250 };
}

function issueComment(s: FakeStore, id: string | undefined) {
  return s.issueComments.find((c) => c.id === Number(id));
}

function checkBody(body: unknown): RouteReply | null {
  if (typeof body !== 'string')
    return fail(422, 'Validation Failed', [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]);
  if (body.length > MAX_BODY)
    return fail(422, 'Validation Failed', [
      {
        resource: 'IssueComment',
        code: 'unprocessable',
        field: 'data',
        message: `Body is too long (maximum is ${MAX_BODY} characters)`,
      },
    ]);
  return null;
}

function createIssueComment(s: FakeStore, req: RouteRequest, [num]: string[]): RouteReply {
  const n = Number(num);
  if (!s.pull(n)) return notFound();
  const body = record(req.body).body;
  const refused = checkBody(body);
  if (refused) return refused;
  const comment = s.addIssueComment(n, body as string);
  return { status: 201, body: s.issueCommentJson(comment) };
}

function updateIssueComment(s: FakeStore, req: RouteRequest, [id]: string[]): RouteReply {
  const comment = issueComment(s, id);
  if (!comment) return notFound();
  const body = record(req.body).body;
  const refused = checkBody(body);
  if (refused) return refused;
  comment.body = body as string;
  comment.updatedAt = now();
  return { status: 200, body: s.issueCommentJson(comment) };
}

const REACTIONS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'];

function createReaction(s: FakeStore, req: RouteRequest, [id]: string[]): RouteReply {
  if (!issueComment(s, id)) return notFound();
  const content = record(req.body).content;
  if (typeof content !== 'string' || !REACTIONS.includes(content))
    return fail(422, 'Validation Failed', [{ resource: 'Reaction', code: 'invalid', field: 'content' }]);
  const known = s.reactions.find((r) => r.commentId === Number(id) && r.content === content && r.user === s.self.login);
  const reaction = known ?? { commentId: Number(id), content, user: s.self.login };
  if (!known) s.reactions.push(reaction);
  return {
    status: known ? 200 : 201,
    body: { id: 1, content, user: s.user(s.self.login, s.self.type), created_at: now() },
  };
}

/** A compare side: a SHA, a branch, `owner:branch` (a fork's: its PR head), or a tag. */
function resolveSide(s: FakeStore, rev: string): string | null {
  const colon = rev.indexOf(':');
  if (colon > 0) {
    const owner = rev.slice(0, colon);
    const branch = rev.slice(colon + 1);
    if (owner.toLowerCase() === s.owner.toLowerCase()) return s.branch(branch);
    const spec = s.specs.find((p) => p.fork?.split('/')[0] === owner && p.headRef === branch);
    return spec ? (s.pull(spec.number)?.headSha ?? null) : null;
  }
  return s.branch(rev) ?? resolveCommit(s.bare, /^[0-9a-f]{7,40}$/.test(rev) ? rev : `refs/tags/${rev}`);
}

function compare(s: FakeStore, _req: RouteRequest, [basehead]: string[]): RouteReply {
  const parts = basehead!.split('...');
  if (parts.length !== 2) return notFound();
  const [base, head] = parts.map((p) => resolveSide(s, p));
  if (!base || !head) return notFound();
  const c = compareCommits(s.bare, base, head);
  if (!c) return notFound();
  const commits = commitsBetween(s.bare, c.mergeBase, head)
    .slice(0, 250)
    .map((sha) => ({ sha }));
  return {
    status: 200,
    body: {
      status: c.status,
      ahead_by: c.aheadBy,
      behind_by: c.behindBy,
      total_commits: c.aheadBy,
      base_commit: { sha: base },
      merge_base_commit: { sha: c.mergeBase },
      commits,
    },
  };
}

const LEGACY: Record<string, string> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};

function permission(s: FakeStore, _req: RouteRequest, [login]: string[]): RouteReply {
  const role = s.permissions[login!] ?? 'none';
  return { status: 200, body: { permission: LEGACY[role], role_name: role, user: s.user(login!) } };
}

function createPull(s: FakeStore, req: RouteRequest): RouteReply {
  const b = record(req.body);
  const invalid = (field: string) =>
    fail(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'invalid', field }]);
  const custom = (message: string) =>
    fail(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'custom', message }]);
  if (typeof b.title !== 'string' || !b.title.trim())
    return fail(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'missing_field', field: 'title' }]);
  if (typeof b.head !== 'string' || typeof b.base !== 'string')
    return invalid(typeof b.head !== 'string' ? 'head' : 'base');
  const [owner, branch] = b.head.includes(':') ? b.head.split(':', 2) : [s.owner, b.head];
  const head = owner!.toLowerCase() === s.owner.toLowerCase() ? s.branch(branch!) : null;
  if (!head) return invalid('head');
  const base = s.branch(b.base);
  if (!base) return invalid('base');
  if (s.specs.some((p) => !p.fork && p.headRef === branch && p.baseRef === b.base && (p.state ?? 'open') === 'open'))
    return custom(`A pull request already exists for ${s.owner}:${branch}.`);
  if (commitsBetween(s.bare, base, head).length === 0) return custom(`No commits between ${b.base} and ${branch}`);
  const number = Math.max(0, ...s.specs.map((p) => p.number)) + 1;
  s.specs.push({
    number,
    headRef: branch!,
    baseRef: b.base,
    title: b.title,
    body: typeof b.body === 'string' ? b.body : '',
    user: s.self.login,
    draft: b.draft === true,
  });
  s.refresh();
  return { status: 201, body: s.pullJson(number) };
}
