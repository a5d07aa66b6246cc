// A small loopback HTTP server for the GitHub client's tests: routes are functions of the request, every request is
// recorded, and lists are served in pages with GitHub's `Link` header. (The full fake GitHub is test/fake/github-*.ts.)
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GitHubApiError } from '@orchestrate/core';
import { expect } from 'vitest';
import { octokitApi } from '../src/github/client.js';

/** One request as the server saw it. */
export interface LoopbackCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  authorization: string | undefined;
  /** `http://<host>`, for absolute links. */
  origin: string;
}

/** What a route answers; `hang` never answers. */
export type LoopbackReply = { status?: number; body?: unknown; headers?: Record<string, string> } | 'hang';

/** A route: the method and a path pattern (matched against the path without the prefix), and its answer. */
export interface LoopbackRoute {
  method: string;
  path: RegExp;
  reply: (call: LoopbackCall, match: RegExpExecArray) => LoopbackReply;
}

/** A running server: `apiUrl` includes the prefix; `calls` records every request. */
export interface Loopback {
  url: string;
  apiUrl: string;
  calls: LoopbackCall[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 whose REST API lives under `prefix` (GHES: `/api/v3`, GraphQL at `/api/graphql`). */
export async function startLoopback(routes: LoopbackRoute[], prefix = ''): Promise<Loopback> {
  const calls: LoopbackCall[] = [];
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      const call: LoopbackCall = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: text ? JSON.parse(text) : null,
        authorization: req.headers.authorization,
        origin: `http://${req.headers.host ?? '127.0.0.1'}`,
      };
      calls.push(call);
      const local = call.path.startsWith(prefix) ? call.path.slice(prefix.length) : call.path;
      for (const route of routes) {
        const match = route.method === call.method ? route.path.exec(local) : null;
        if (!match) continue;
        const reply = route.reply(call, match);
        if (reply === 'hang') return void hanging.push(res);
        const headers = { 'content-type': 'application/json; charset=utf-8', ...reply.headers };
        res.writeHead(reply.status ?? 200, headers);
        return void res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: `${url}${prefix}`,
    calls,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Serves `items` as GitHub does: `per_page` (≤ 100) a page, `page` from 1, a `Link` to the next and last pages. */
export function paged(call: LoopbackCall, items: readonly unknown[]): LoopbackReply {
  const perPage = Math.min(Number(call.query.per_page ?? 30), 100);
  const page = Number(call.query.page ?? 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number): string => {
    const q = new URLSearchParams({ ...call.query, page: String(p) });
    return `${call.origin}${call.path}?${q}`;
  };
  const links = page < last ? [`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`] : [];
  return {
    body: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length ? { link: links.join(', ') } : {},
  };
}

/** The token the tests' clients send (and servers may echo back, to show it is redacted). */
export const TOKEN = 'ghs_loopbackTokenValue123';
export const HEAD = 'a'.repeat(40);
export const BASE = 'b'.repeat(40);
const running: Loopback[] = [];

/** Closes every server `serveApi` started (each test file's `afterEach`). */
export async function closeServers(): Promise<void> {
  await Promise.all(running.splice(0).map((s) => s.close()));
}

/** A loopback server and a client of acme/widgets on it; reads are retried at once (`retryDelaysMs` 0). */
export async function serveApi(routes: LoopbackRoute[], prefix = '', apiPath = prefix) {
  const server = await startLoopback(routes, prefix);
  running.push(server);
  const apiUrl = `${server.url}${apiPath}`;
  const api = octokitApi({ token: TOKEN, apiUrl, owner: 'acme', repo: 'widgets', retryDelaysMs: [0, 0] });
  return { server, api };
}

/** A REST pull request of acme/widgets (head in `head.repo`: null is a deleted fork). */
export function restPull(n: number, head: { repo: string | null; sha?: string } = { repo: 'acme/widgets' }) {
  return {
    number: n,
    state: 'open',
    draft: false,
    html_url: `https://github.test/acme/widgets/pull/${n}`,
    head: { sha: head.sha ?? HEAD, ref: 'feature', repo: head.repo === null ? null : { full_name: head.repo } },
    base: { sha: BASE, ref: 'main', repo: { full_name: 'acme/widgets' } },
  };
}

/** A REST comment by the workflow bot (`extra` makes it an inline one). */
export function restComment(id: number, extra: Record<string, unknown> = {}) {
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
export async function apiError(promise: Promise<unknown>): Promise<GitHubApiError> {
  const err: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GitHubApiError);
  return err as GitHubApiError;
}
