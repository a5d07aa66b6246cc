// The fake GitHub's own tests share these: a developer repository, a bare origin with the fake over it, plain fetches.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from './github-server.js';

/** What to remove after each test. */
export const cleanups: (() => void | Promise<void>)[] = [];

/** Removes what the tests made (call from afterEach). */
export async function cleanUp(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

/** `n` numbered lines. */
export const lines = (n: number, tag = 'line') =>
  Array.from({ length: n }, (_, i) => `${tag} ${i + 1}`).join('\n') + '\n';

/** A repository (the "developer"): main with a file of 40 lines, branch `feature` changing lines 5 and 30. */
export function workRepo(): TempRepo {
  const r = makeRepo({ 'src/a.txt': lines(40), 'src/gone.txt': 'bye\n', 'src/old-name.txt': lines(8, 'keep') });
  cleanups.push(() => r.cleanup());
  r.git('checkout', '-q', '-b', 'feature');
  r.write('src/a.txt', lines(40).replace('line 5\n', 'line five\n').replace('line 30\n', 'line thirty\n'));
  r.write('src/new.txt', 'hello\n');
  r.remove('src/gone.txt');
  r.git('mv', 'src/old-name.txt', 'src/new-name.txt');
  r.commit('feature work');
  r.git('checkout', '-q', 'main');
  return r;
}

/** A bare clone of `work` (the "origin" GitHub serves) and the fake over it; `push` pushes work's branches to it. */
export async function fakeOver(
  work: TempRepo,
  o: Partial<FakeGitHubOptions> = {},
): Promise<{ fake: FakeGitHub; bare: string; push: (ref: string) => void }> {
  const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'orch-gh-')));
  cleanups.push(() => rmSync(parent, { recursive: true, force: true }));
  const bare = path.join(parent, 'origin.git');
  execFileSync('git', ['clone', '--quiet', '--bare', work.dir, bare]);
  const fake = await startFakeGitHub({
    bareRepo: bare,
    pulls: [{ number: 1, headRef: 'feature', baseRef: 'main' }],
    ...o,
  });
  cleanups.push(() => fake.close());
  return { fake, bare, push: (ref) => void work.git('push', '--quiet', '--force', bare, ref) };
}

/** One REST call to the fake with its token (or another, or none). */
export async function gh(
  fake: FakeGitHub,
  method: string,
  route: string,
  body?: unknown,
  token: string | null = fake.token,
) {
  const res = await fetch(`${fake.url}${route}`, {
    method,
    headers: { ...(token ? { authorization: `token ${token}` } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any, link: res.headers.get('link') };
}

/** One GraphQL call to the fake. */
export async function graphql(fake: FakeGitHub, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(fake.graphqlUrl, {
    method: 'POST',
    headers: { authorization: `bearer ${fake.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** The REST path of PR 1. */
export const PR = '/repos/acme/widgets/pulls/1';
/** A reviewThreads query with variables, two threads a page. */
export const THREADS = `query($owner: String!, $repo: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $repo) { pullRequest(number: $number) {
    reviewThreads(first: 2, after: $after) { pageInfo { hasNextPage endCursor } nodes { id isResolved comments(first: 1) { nodes { databaseId } } } } } } }`;
