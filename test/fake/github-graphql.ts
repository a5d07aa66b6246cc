// The fake GitHub's GraphQL endpoint: the four operations the action uses — `viewer`, a PR's `reviewThreads`,
// `resolveReviewThread`, `minimizeComment` — recognised by their root field, their arguments read from the variables
// or from literals in the query. The reply carries every field the action may ask for (a superset of the selection).
import type { FakeStore } from './github-store.js';

/** The operations the fake knows, by root field. */
export const GRAPHQL_FIELDS = [
  'viewer',
  'reviewThreads',
  'resolveReviewThread',
  'unresolveReviewThread',
  'minimizeComment',
] as const;
export type GraphqlField = (typeof GRAPHQL_FIELDS)[number];

/** What a GraphQL request is: a query or a mutation, and its root field (null when the fake does not know it). */
export function graphqlKind(body: unknown): { kind: 'query' | 'mutation'; name: string } {
  const query = queryOf(body);
  const kind = /^\s*mutation\b/.test(stripComments(query)) ? 'mutation' : 'query';
  // The root field is the known field named first (a selection never holds another operation's root field).
  const found = GRAPHQL_FIELDS.map((f) => ({ f, at: stripComments(query).search(new RegExp(`\\b${f}\\b`)) }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => a.at - b.at);
  return { kind, name: found[0]?.f ?? 'unknown' };
}

function queryOf(body: unknown): string {
  const q = (body as { query?: unknown } | null)?.query;
  return typeof q === 'string' ? q : '';
}

function stripComments(query: string): string {
  return query.replace(/#[^\n]*/g, '');
}

/** A GraphQL reply with one error, as GitHub sends them (HTTP 200). */
export function graphqlError(type: string, message: string, path: string): unknown {
  return { data: { [path]: null }, errors: [{ type, path: [path], locations: [{ line: 1, column: 1 }], message }] };
}

/**
 * The arguments of `field(...)` in the query: `$name` from the variables, strings, numbers, booleans, enums and one
 * level of `{ ... }` objects.
 */
export function argumentsOf(query: string, field: string, variables: Record<string, unknown>): Record<string, unknown> {
  const m = new RegExp(`\\b${field}\\s*\\(([^)]*)\\)`).exec(stripComments(query));
  if (!m) return {};
  const value = (raw: string): unknown => {
    const t = raw.trim();
    if (t.startsWith('$')) return variables[t.slice(1)];
    if (t.startsWith('"')) return JSON.parse(t) as unknown;
    if (t.startsWith('{')) return parseArgs(t.slice(1, -1));
    if (/^-?\d+$/.test(t)) return Number(t);
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'null') return null;
    return t;
  };
  const parseArgs = (text: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const pair = /(\w+)\s*:\s*("(?:[^"\\]|\\.)*"|\{[^}]*\}|[^,\s}]+)/g;
    for (let p = pair.exec(text); p; p = pair.exec(text)) out[p[1]!] = value(p[2]!);
    return out;
  };
  return parseArgs(m[1]!);
}

/** Answers a GraphQL request (the token and read-only mode are checked by the server). */
export function graphqlRoute(store: FakeStore, body: unknown): unknown {
  const query = queryOf(body);
  const variables = ((body as { variables?: unknown } | null)?.variables ?? {}) as Record<string, unknown>;
  const { name } = graphqlKind(body);
  const args = (field: string) => argumentsOf(query, field, variables);
  const input = (field: string) => {
    const a = args(field);
    return (a.input && typeof a.input === 'object' ? a.input : a) as Record<string, unknown>;
  };
  switch (name) {
    case 'viewer':
      return { data: { viewer: { login: store.self.graphLogin, __typename: store.self.type, databaseId: 41898282 } } };
    case 'reviewThreads':
      return reviewThreads(store, { ...args('repository'), ...args('pullRequest'), ...args('reviewThreads') });
    case 'resolveReviewThread':
    case 'unresolveReviewThread': {
      const id = input(name).threadId;
      const thread = store.threads.find((t) => t.id === id);
      if (!thread)
        return graphqlError('NOT_FOUND', `Could not resolve to a node with the global id of '${String(id)}'.`, name);
      thread.isResolved = name === 'resolveReviewThread';
      return { data: { [name]: { thread: { id: thread.id, isResolved: thread.isResolved } } } };
    }
    case 'minimizeComment': {
      const { subjectId, classifier } = input(name);
      const known =
        store.reviewComments.some((c) => c.nodeId === subjectId) ||
        store.issueComments.some((c) => c.nodeId === subjectId);
      if (!known)
        return graphqlError(
          'NOT_FOUND',
          `Could not resolve to a node with the global id of '${String(subjectId)}'.`,
          name,
        );
      const reasons = ['SPAM', 'ABUSE', 'OFF_TOPIC', 'OUTDATED', 'DUPLICATE', 'RESOLVED'];
      if (typeof classifier !== 'string' || !reasons.includes(classifier))
        return graphqlError(
          'INVALID',
          `Argument 'classifier' on InputObject 'MinimizeCommentInput' has an invalid value.`,
          name,
        );
      store.minimized.push({ nodeId: String(subjectId), classifier });
      return {
        data: {
          minimizeComment: { minimizedComment: { isMinimized: true, minimizedReason: classifier.toLowerCase() } },
        },
      };
    }
    default:
      return { errors: [{ message: `the fake GitHub does not know this query: ${query.slice(0, 200)}` }] };
  }
}

function reviewThreads(store: FakeStore, a: Record<string, unknown>): unknown {
  const owner = String(a.owner ?? '').toLowerCase();
  const repo = String(a.name ?? a.repo ?? '').toLowerCase();
  if (owner !== store.owner.toLowerCase() || repo !== store.repo.toLowerCase())
    return graphqlError(
      'NOT_FOUND',
      `Could not resolve to a Repository with the name '${owner}/${repo}'.`,
      'repository',
    );
  const n = Number(a.number);
  if (!store.pull(n))
    return {
      data: { repository: { pullRequest: null } },
      errors: [
        {
          type: 'NOT_FOUND',
          path: ['repository', 'pullRequest'],
          message: `Could not resolve to a PullRequest with the number of ${n}.`,
        },
      ],
    };
  const first = Math.min(Number(a.first ?? 100) || 100, 100);
  const all = store.threads.filter(
    (t) => t.pull === n && !store.reviewComments.find((c) => c.id === t.firstCommentId)?.pending,
  );
  const from =
    typeof a.after === 'string' && a.after
      ? Number(Buffer.from(a.after, 'base64').toString('utf8').split(':')[1]) + 1
      : 0;
  const page = all.slice(from, from + first);
  const cursor = (i: number) => Buffer.from(`cursor:${i}`).toString('base64');
  const nodes = page.map((t) => {
    const comments = t.commentIds
      .map((id) => store.reviewComments.find((c) => c.id === id)!)
      .map((c) => ({
        id: c.nodeId,
        databaseId: c.id,
        body: c.body,
        url: c.htmlUrl,
        author: { login: c.authorType === 'Bot' ? c.author.replace(/\[bot\]$/, '') : c.author },
      }));
    const first = store.reviewComments.find((c) => c.id === t.firstCommentId)!;
    return {
      id: t.id,
      isResolved: t.isResolved,
      isOutdated: t.isOutdated,
      path: t.path,
      line: first.line,
      comments: { totalCount: comments.length, nodes: comments },
    };
  });
  return {
    data: {
      repository: {
        pullRequest: {
          reviewThreads: {
            totalCount: all.length,
            pageInfo: {
              hasNextPage: from + first < all.length,
              endCursor: page.length ? cursor(from + page.length - 1) : null,
            },
            nodes,
            edges: nodes.map((node, i) => ({ cursor: cursor(from + i), node })),
          },
        },
      },
    },
  };
}
