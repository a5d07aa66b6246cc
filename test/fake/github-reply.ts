// The shape of the fake GitHub's REST answers: a request as the routes see it, JSON replies, lists the server pages,
// and errors shaped like GitHub's.

/** A parsed request, its path without the GHES prefix or the query. */
export interface RouteRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

/** A route's answer: a JSON reply, or a list the server pages (`max`: GitHub's cap on the whole list). */
export type RouteReply = { status: number; body?: unknown } | { list: unknown[]; max?: number };

/** GitHub's longest comment or review body. */
export const MAX_BODY = 65_536;

const DOCS = 'https://docs.github.com/rest';

/** An error reply shaped like GitHub's. */
export function fail(status: number, message: string, errors?: unknown[]): RouteReply {
  return { status, body: { message, ...(errors ? { errors } : {}), documentation_url: DOCS, status: String(status) } };
}

/** A 422 with one of GitHub's error strings. */
export const unprocessable = (error: unknown) => fail(422, 'Unprocessable Entity', [error]);
/** GitHub's 404. */
export const notFound = () => fail(404, 'Not Found');
/** The time now, as GitHub writes it. */
export const now = () => new Date().toISOString();
/** A JSON body as an object (anything else: empty). */
export const record = (body: unknown): Record<string, any> =>
  body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, any>) : {};
