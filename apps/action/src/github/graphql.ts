// The GraphQL half of the GitHub API: who the token is, a pull request's review threads, and the two ways to retire a
// finding's thread (resolve it, or minimize its comment as outdated). REST has none of these. Answers are checked with
// zod: a field that does not parse is an unexpected answer (GitHubApiError), never a crash further on.
import { z } from 'zod';
import type { ReviewThread } from './api.js';
import { unexpectedAnswer } from './errors.js';

/** One GraphQL operation: its name (for errors: `/graphql (name)`) and whether it writes. */
export interface GraphqlOperation {
  name: string;
  kind: 'query' | 'mutation';
}

/** Runs one operation and returns its `data`; throws GitHubApiError for HTTP errors and for GraphQL `errors`. */
export type GraphqlRun = (op: GraphqlOperation, query: string, variables: Record<string, unknown>) => Promise<unknown>;

/** Who the default token of a workflow is, when GitHub will not say (REST shows this login on its comments). */
export const FALLBACK_BOT_LOGIN = 'github-actions[bot]';

/** Threads read at most (100 a page): a pull request with more is far past what one review run reconciles. */
const MAX_THREAD_PAGES = 50;

function parse<T>(schema: z.ZodType<T>, data: unknown, op: GraphqlOperation): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw unexpectedAnswer('POST', `/graphql (${op.name})`, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
}

const VIEWER = { name: 'viewer', kind: 'query' } as const;
const ViewerData = z.object({ viewer: z.object({ login: z.string().min(1), __typename: z.string() }) });

/** The token's login; a bot's gets `[bot]` (GraphQL may leave it off; REST comment authors always have it). */
export async function viewerLogin(run: GraphqlRun): Promise<string> {
  const data = parse(ViewerData, await run(VIEWER, 'query { viewer { login __typename } }', {}), VIEWER);
  const { login, __typename } = data.viewer;
  return __typename === 'Bot' && !login.endsWith('[bot]') ? `${login}[bot]` : login;
}

const THREADS = { name: 'reviewThreads', kind: 'query' } as const;
const THREADS_QUERY = `query($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved comments(first: 1) { nodes { databaseId } } }
      }
    }
  }
}`;
const ThreadsData = z.object({
  repository: z
    .object({
      pullRequest: z
        .object({
          reviewThreads: z.object({
            pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
            nodes: z.array(
              z
                .object({
                  id: z.string().min(1),
                  isResolved: z.boolean(),
                  comments: z.object({
                    nodes: z.array(z.object({ databaseId: z.number().int().nullable() }).nullable()),
                  }),
                })
                .nullable(),
            ),
          }),
        })
        .nullable(),
    })
    .nullable(),
});

/** A pull request's review threads, each found by its first comment's REST id (threads without one are left out). */
export async function reviewThreads(
  run: GraphqlRun,
  owner: string,
  name: string,
  number: number,
): Promise<ReviewThread[]> {
  const threads: ReviewThread[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_THREAD_PAGES; page++) {
    const data: z.infer<typeof ThreadsData> = parse(
      ThreadsData,
      await run(THREADS, THREADS_QUERY, { owner, name, number, after }),
      THREADS,
    );
    const pull = data.repository?.pullRequest;
    if (!pull)
      throw unexpectedAnswer('POST', `/graphql (${THREADS.name})`, `no pull request #${number} in ${owner}/${name}`);
    for (const node of pull.reviewThreads.nodes) {
      const firstCommentId = node?.comments.nodes[0]?.databaseId;
      if (node && typeof firstCommentId === 'number')
        threads.push({ id: node.id, isResolved: node.isResolved, firstCommentId });
    }
    const { hasNextPage, endCursor } = pull.reviewThreads.pageInfo;
    // A cursor that does not move would page forever: stop with what was read.
    if (!hasNextPage || !endCursor || endCursor === after) break;
    after = endCursor;
  }
  return threads;
}

const RESOLVE = { name: 'resolveReviewThread', kind: 'mutation' } as const;
const ResolveData = z.object({ resolveReviewThread: z.object({ thread: z.object({ id: z.string() }).nullable() }) });

/** Resolves a review thread (a finding that is gone); needs `pull-requests: write`. */
export async function resolveReviewThread(run: GraphqlRun, threadId: string): Promise<void> {
  const query = 'mutation($id: ID!) { resolveReviewThread(input: { threadId: $id }) { thread { id isResolved } } }';
  parse(ResolveData, await run(RESOLVE, query, { id: threadId }), RESOLVE);
}

const MINIMIZE = { name: 'minimizeComment', kind: 'mutation' } as const;
const MinimizeData = z.object({
  minimizeComment: z.object({ minimizedComment: z.object({ isMinimized: z.boolean() }).nullable() }),
});

/** Hides a comment as outdated (when its thread cannot be resolved); `nodeId` is the comment's GraphQL id. */
export async function minimizeOutdated(run: GraphqlRun, nodeId: string): Promise<void> {
  const query =
    'mutation($id: ID!) { minimizeComment(input: { subjectId: $id, classifier: OUTDATED }) { minimizedComment { isMinimized } } }';
  parse(MinimizeData, await run(MINIMIZE, query, { id: nodeId }), MINIMIZE);
}
