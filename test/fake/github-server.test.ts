// The fake GitHub itself: what it serves, what it refuses (as GitHub would), and what it records.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseHunks } from './github-diff.js';
import { cleanUp, cleanups, fakeOver, gh, graphql, PR, workRepo } from './github-fixture.js';

afterEach(cleanUp);

describe('fake GitHub: reads', () => {
  it('checks the token and records every call with its status', async () => {
    const { fake } = await fakeOver(workRepo());
    expect((await gh(fake, 'GET', PR, undefined, null)).status).toBe(401);
    expect((await gh(fake, 'GET', PR, undefined, 'wrong')).body.message).toBe('Bad credentials');
    expect((await gh(fake, 'GET', '/repos/other/repo/pulls/1')).status).toBe(404);
    expect((await gh(fake, 'GET', '/repos/acme/widgets/pulls/9')).status).toBe(404);
    expect(fake.calls.map((c) => c.status)).toEqual([401, 401, 404, 404]);
    expect(fake.writes()).toEqual([]);
  });

  it('serves a PR from the bare repository: head and base SHAs, the head moving with a push', async () => {
    const work = workRepo();
    const { fake, push } = await fakeOver(work);
    const pr = (await gh(fake, 'GET', PR)).body;
    expect(pr).toMatchObject({
      number: 1,
      state: 'open',
      head: { ref: 'feature', sha: work.git('rev-parse', 'feature').trim() },
    });
    expect(pr.base).toMatchObject({
      ref: 'main',
      sha: work.git('rev-parse', 'main').trim(),
      repo: { full_name: 'acme/widgets' },
    });
    work.git('checkout', '-q', 'feature');
    const moved = work.commit('more');
    push('feature');
    expect((await gh(fake, 'GET', PR)).body.head.sha).toBe(moved);
  });

  it("serves a fork's PR from refs/pull/N/head and finds it by owner:branch", async () => {
    const work = workRepo();
    const { fake, bare } = await fakeOver(work, {
      pulls: [{ number: 7, headRef: 'patch-1', baseRef: 'main', fork: 'octo/widgets' }],
    });
    execFileSync('git', ['update-ref', 'refs/pull/7/head', work.git('rev-parse', 'feature').trim()], { cwd: bare });
    const pr = (await gh(fake, 'GET', '/repos/acme/widgets/pulls/7')).body;
    expect(pr.head).toMatchObject({
      ref: 'patch-1',
      label: 'octo:patch-1',
      repo: { full_name: 'octo/widgets', fork: true },
    });
    const found = (await gh(fake, 'GET', '/repos/acme/widgets/pulls?head=octo:patch-1&state=open')).body;
    expect(found.map((p: any) => p.number)).toEqual([7]);
    expect((await gh(fake, 'GET', '/repos/acme/widgets/pulls?head=acme:patch-1')).body).toEqual([]);
  });

  it('serves the files of merge-base..head with their patches; the parser reads RIGHT-side hunks', async () => {
    const { fake } = await fakeOver(workRepo());
    const files = (await gh(fake, 'GET', `${PR}/files`)).body as any[];
    const by = Object.fromEntries(files.map((f) => [f.filename, f]));
    expect(Object.keys(by).sort()).toEqual(['src/a.txt', 'src/gone.txt', 'src/new-name.txt', 'src/new.txt']);
    expect(by['src/gone.txt'].status).toBe('removed');
    expect(by['src/new.txt']).toMatchObject({ status: 'added', additions: 1, patch: '@@ -0,0 +1 @@\n+hello' });
    expect(by['src/new-name.txt']).toMatchObject({
      status: 'renamed',
      previous_filename: 'src/old-name.txt',
      changes: 0,
    });
    expect(by['src/new-name.txt'].patch).toBeUndefined();
    expect(by['src/a.txt']).toMatchObject({ status: 'modified', additions: 2, deletions: 2 });
    const hunks = parseHunks(by['src/a.txt'].patch);
    expect(hunks.map((h) => [h.newStart, h.newEnd, [...h.added]])).toEqual([
      [2, 8, [5]],
      [27, 33, [30]],
    ]);
    expect(fake.hunks(1).get('src/a.txt')).toEqual(hunks);
  });

  it('pages lists with Link headers (per_page ≤ 100), e.g. 130 files', async () => {
    const work = workRepo();
    work.git('checkout', '-q', 'feature');
    for (let i = 0; i < 126; i++) work.write(`many/f${String(i).padStart(3, '0')}.txt`, `${i}\n`);
    work.commit('many');
    const { fake } = await fakeOver(work);
    const first = await gh(fake, 'GET', `${PR}/files?per_page=100`);
    expect(first.body).toHaveLength(100);
    expect(first.link).toContain('page=2>; rel="next"');
    expect(first.link).toContain('rel="last"');
    const next = /<([^>]+)>; rel="next"/.exec(first.link!)![1]!;
    const second = await fetch(next, { headers: { authorization: `token ${fake.token}` } });
    expect(((await second.json()) as unknown[]).length).toBe(30);
    expect(second.headers.get('link')).toContain('rel="prev"');
    expect((await gh(fake, 'GET', `${PR}/files`)).body).toHaveLength(30);
  });

  it('compares two commits: status from the base, merge base', async () => {
    const work = workRepo();
    const { fake, push } = await fakeOver(work);
    const main = work.git('rev-parse', 'main').trim();
    expect((await gh(fake, 'GET', '/repos/acme/widgets/compare/main...feature')).body).toMatchObject({
      status: 'ahead',
      ahead_by: 1,
      behind_by: 0,
      merge_base_commit: { sha: main },
    });
    work.write('src/main-only.txt', 'x\n');
    work.commit('main moves');
    push('main');
    const feature = work.git('rev-parse', 'feature').trim();
    expect((await gh(fake, 'GET', `/repos/acme/widgets/compare/main...${feature}`)).body).toMatchObject({
      status: 'diverged',
      merge_base_commit: { sha: main },
    });
    expect((await gh(fake, 'GET', `/repos/acme/widgets/compare/${feature}...main`)).body.status).toBe('diverged');
    expect((await gh(fake, 'GET', `/repos/acme/widgets/compare/${main}...main`)).body.status).toBe('ahead');
    expect((await gh(fake, 'GET', `/repos/acme/widgets/compare/main...${main}`)).body.status).toBe('behind');
    expect((await gh(fake, 'GET', '/repos/acme/widgets/compare/main...main')).body.status).toBe('identical');
    expect((await gh(fake, 'GET', '/repos/acme/widgets/compare/main...nope')).status).toBe(404);
  });

  it('answers permissions by role (legacy permission beside role_name) and the PR commits', async () => {
    const { fake } = await fakeOver(workRepo(), { permissions: { ann: 'maintain', bob: 'triage' } });
    expect((await gh(fake, 'GET', '/repos/acme/widgets/collaborators/ann/permission')).body).toMatchObject({
      permission: 'write',
      role_name: 'maintain',
    });
    expect((await gh(fake, 'GET', '/repos/acme/widgets/collaborators/bob/permission')).body.permission).toBe('read');
    expect((await gh(fake, 'GET', '/repos/acme/widgets/collaborators/eve/permission')).body.permission).toBe('none');
    expect((await gh(fake, 'GET', `${PR}/commits`)).body.map((c: any) => c.commit.message)).toEqual(['feature work']);
  });

  it('serves GHES paths under a prefix, and GraphQL at /api/graphql', async () => {
    const { fake } = await fakeOver(workRepo(), { pathPrefix: '/api/v3' });
    expect(fake.url).toMatch(/\/api\/v3$/);
    expect(fake.graphqlUrl).toMatch(/\/api\/graphql$/);
    expect((await gh(fake, 'GET', PR)).status).toBe(200);
    expect(
      (await fetch(fake.url.replace('/api/v3', '') + PR, { headers: { authorization: `token ${fake.token}` } })).status,
    ).toBe(404);
    expect((await graphql(fake, '{ viewer { login } }')).body.data.viewer.login).toBe('github-actions');
    expect(fake.calls.map((c) => c.path)).toEqual([PR, '/graphql']);
  });
});

describe('fake GitHub: failures on demand, read-only tokens', () => {
  it('a read-only token: reads work, every write is refused (403 REST, FORBIDDEN GraphQL) and still recorded', async () => {
    const { fake } = await fakeOver(workRepo(), { readOnly: true });
    expect((await gh(fake, 'GET', `${PR}/files`)).status).toBe(200);
    const res = await gh(fake, 'POST', '/repos/acme/widgets/issues/1/comments', { body: 'hi' });
    expect(res).toMatchObject({ status: 403, body: { message: 'Resource not accessible by integration' } });
    const gql = await graphql(
      fake,
      'mutation { minimizeComment(input: {subjectId: "x", classifier: OUTDATED}) { clientMutationId } }',
    );
    expect(gql.body.errors[0]).toMatchObject({ type: 'FORBIDDEN', message: 'Resource not accessible by integration' });
    expect(fake.writes().map((c) => c.status)).toEqual([403, 200]);
    expect(fake.state.issueComments).toEqual([]);
    fake.readOnly = false;
    expect((await gh(fake, 'POST', '/repos/acme/widgets/issues/1/comments', { body: 'hi' })).status).toBe(201);
  });

  it('fails chosen calls: a number of times, only for a matching body, GraphQL errors with status 200', async () => {
    const { fake } = await fakeOver(workRepo());
    const bad = { path: 'src/a.txt', line: 27, body: 'bad' };
    fake.failNext({
      method: 'POST',
      path: /\/reviews$/,
      status: 422,
      message: 'Unprocessable Entity',
      errors: ['Line could not be resolved'],
      times: 5,
      when: (b) => b.comments.some((c: any) => c.line === 27),
    });
    const refused = await gh(fake, 'POST', `${PR}/reviews`, {
      event: 'COMMENT',
      comments: [{ path: 'src/a.txt', line: 5, body: 'ok' }, bad],
    });
    expect(refused.body).toMatchObject({ message: 'Unprocessable Entity', errors: ['Line could not be resolved'] });
    expect(
      (
        await gh(fake, 'POST', `${PR}/reviews`, {
          event: 'COMMENT',
          comments: [{ path: 'src/a.txt', line: 5, body: 'ok' }],
        })
      ).status,
    ).toBe(200);
    fake.failNext({ path: /\/pulls\/1$/, status: 502, message: 'Server Error', times: 2 });
    expect([
      (await gh(fake, 'GET', PR)).status,
      (await gh(fake, 'GET', PR)).status,
      (await gh(fake, 'GET', PR)).status,
    ]).toEqual([502, 502, 200]);
    fake.failNext({ path: /resolveReviewThread/, status: 200, message: 'Resource not accessible by integration' });
    const id = fake.state.threads[0]!.id;
    const gql = await graphql(
      fake,
      'mutation($t: ID!) { resolveReviewThread(input: {threadId: $t}) { thread { id } } }',
      { t: id },
    );
    expect(gql.body.errors[0].type).toBe('FORBIDDEN');
    expect(fake.state.threads[0]!.isResolved).toBe(false);
  });
});

describe('fake GitHub: the bare repository', () => {
  it('refuses pushes to protected branches, answers fetches by SHA into a shallow clone, makes the merge ref', async () => {
    const work = workRepo();
    const { fake, bare } = await fakeOver(work, { protectedBranches: ['feature'] });
    work.git('checkout', '-q', 'feature');
    work.commit('blocked');
    expect(() => work.git('push', '--quiet', bare, 'feature')).toThrow(/GH006: Protected branch update failed/);
    const merge = fake.mergeRef(1)!;
    const p = fake.pull(1);
    expect(
      execFileSync('git', ['rev-list', '--parents', '-n1', merge], { cwd: bare, encoding: 'utf8' })
        .trim()
        .split(' ')
        .slice(1),
    ).toEqual([p.baseSha, p.headSha]);
    const ws = realpathSync(mkdtempSync(path.join(tmpdir(), 'orch-ws-')));
    cleanups.push(() => rmSync(ws, { recursive: true, force: true }));
    const run = (...args: string[]) => execFileSync('git', args, { cwd: ws, encoding: 'utf8', stdio: 'pipe' });
    run('init', '-q');
    run('fetch', '-q', '--depth=1', `file://${bare}`, `+refs/pull/1/merge:refs/remotes/pull/1/merge`);
    run('fetch', '-q', '--depth=1', `file://${bare}`, p.mergeBase);
    expect(run('cat-file', '-t', p.mergeBase).trim()).toBe('commit');
  });
});

describe('fake GitHub: through the toolkit the action uses (@actions/github getOctokit)', () => {
  it('pages with octokit.paginate, answers octokit.graphql, and its errors parse as RequestError', async () => {
    const work = workRepo();
    work.git('checkout', '-q', 'feature');
    for (let i = 0; i < 104; i++) work.write(`many/f${i}.txt`, `${i}\n`);
    work.commit('many');
    const { fake } = await fakeOver(work, { pathPrefix: '/api/v3' });
    // ESM-only, a dependency of the action (not of the tests): imported by its file.
    const entry = path.resolve(import.meta.dirname, '../../apps/action/node_modules/@actions/github/lib/github.js');
    const { getOctokit } = (await import(entry)) as { getOctokit: (token: string, o: object) => any };
    const octokit = getOctokit(fake.token, { baseUrl: fake.url });
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
      owner: 'acme',
      repo: 'widgets',
      pull_number: 1,
      per_page: 100,
    });
    expect(files).toHaveLength(108);
    const viewer = await octokit.graphql('query { viewer { login __typename } }');
    expect(viewer.viewer.login).toBe('github-actions');
    fake.failNext({
      path: /\/reviews$/,
      status: 422,
      message: 'Unprocessable Entity',
      errors: ['Line could not be resolved'],
    });
    const err = await octokit.rest.pulls
      .createReview({ owner: 'acme', repo: 'widgets', pull_number: 1, event: 'COMMENT', body: 'x' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 422, name: 'HttpError' });
    expect(String(err.message)).toContain('Line could not be resolved');
    expect(fake.calls.filter((c) => c.path.endsWith('/files')).map((c) => c.query.page ?? '1')).toEqual(['1', '2']);
  });
});
