import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SELF, loadPrContext } from '../src/pr-context.js';
import { formatSummaryMarker } from '../src/summary-comment.js';
import { memoryApi } from './helpers/memory-api.js';
import { prRepos, pullEvent, testContext, type PrRepos } from './helpers/mode-bench.js';

const made: PrRepos[] = [];
afterEach(() => made.splice(0).forEach((r) => r.cleanup()));

function setup() {
  const repos = prRepos({ 'src/a.ts': 'export const a = 1;\n' }, { 'src/a.ts': 'export const a = 2;\n' });
  made.push(repos);
  const pull = repos.pull();
  const api = memoryApi({ pulls: [pull], git: repos.origin });
  const context = (action = 'opened') =>
    testContext({ api, workspace: repos.workspace(pull.headSha), temp: repos.temp, event: pullEvent(action, pull) });
  return { repos, pull, api, context };
}

/** Pushes one more commit to the PR branch and tells the API. */
function push(repos: PrRepos, api: ReturnType<typeof memoryApi>, content: string, message = 'more'): string {
  repos.dev.write('src/a.ts', content);
  repos.dev.commit(message);
  repos.dev.git('push', '--quiet', '--force', 'origin', 'feature');
  const sha = repos.sha('feature');
  api.setHead(1, sha);
  return sha;
}

const summary = (reviewed: string | null, kind: 'review' | 'task' = 'review') =>
  `${formatSummaryMarker({ v: 1, kind, reviewed, run: '1' })}\n## orchestrate review`;

describe('loadPrContext', () => {
  it('first run: the whole PR from the merge base, no summary yet', async () => {
    const { repos, pull, context } = setup();
    const { ctx } = context();
    const pr = await loadPrContext(ctx, 1, { incremental: true });
    expect(pr.scope).toBe('full');
    expect(pr.mergeBase).toBe(repos.sha('main'));
    expect(pr.range).toEqual({ base: repos.sha('main'), head: pull.headSha });
    expect(pr.summary).toBeNull();
    expect(pr.self).toBe('github-actions[bot]');
  });

  it('synchronize after our review: only the commits since the reviewed SHA', async () => {
    const { repos, pull, api, context } = setup();
    await api.createIssueComment(1, summary(pull.headSha));
    const head = push(repos, api, 'export const a = 3;\n');
    const pr = await loadPrContext(context('synchronize').ctx, 1, { incremental: true });
    expect(pr.scope).toBe('incremental');
    expect(pr.range).toEqual({ base: pull.headSha, head });
    expect(pr.marker?.reviewed).toBe(pull.headSha);
    expect(pr.summary?.id).toBe(api.state.issueComments[0]!.id);
  });

  it('a force-push that drops the reviewed SHA reviews the whole PR again', async () => {
    const { repos, pull, api, context } = setup();
    await api.createIssueComment(1, summary(pull.headSha));
    repos.dev.git('reset', '--quiet', '--hard', 'main');
    const head = push(repos, api, 'export const a = 4;\n', 'rewritten');
    const pr = await loadPrContext(context('synchronize').ctx, 1, { incremental: true });
    expect(pr.scope).toBe('full');
    expect(pr.range).toEqual({ base: repos.sha('main'), head });
  });

  it('a reviewed SHA GitHub does not know (404) reviews the whole PR, with a log line', async () => {
    const { pull, api, context } = setup();
    await api.createIssueComment(1, summary('f'.repeat(40)));
    const { ctx, kit } = context('synchronize');
    const pr = await loadPrContext(ctx, 1, { incremental: true });
    expect(pr.scope).toBe('full');
    expect(pr.range.head).toBe(pull.headSha);
    expect(kit.lines.join('\n')).toMatch(/unknown/);
  });

  it('a marker written by anyone else is ignored (it could fake a reviewed SHA)', async () => {
    const { repos, pull, api, context } = setup();
    api.state.issueComments.push({ id: 1, nodeId: 'x', author: 'mallory', body: summary(pull.headSha), htmlUrl: 'u' });
    push(repos, api, 'export const a = 5;\n');
    const pr = await loadPrContext(context('synchronize').ctx, 1, { incremental: true });
    expect(pr.summary).toBeNull();
    expect(pr.scope).toBe('full');
  });

  it('without `incremental`, or for another kind, the marker does not narrow the range', async () => {
    const { repos, pull, api, context } = setup();
    await api.createIssueComment(1, summary(pull.headSha));
    push(repos, api, 'export const a = 6;\n');
    expect((await loadPrContext(context().ctx, 1, { incremental: false })).scope).toBe('full');
    const task = await loadPrContext(context().ctx, 1, { incremental: true, kind: 'task' });
    expect(task.summary).toBeNull();
  });

  it('a viewer query GitHub refuses assumes github-actions[bot]', async () => {
    const { api, context } = setup();
    api.fail({ method: 'whoAmI', status: 403, message: 'Resource not accessible by integration' });
    const pr = await loadPrContext(context().ctx, 1, { incremental: false });
    expect(pr.self).toBe(DEFAULT_SELF);
  });

  it('makes no write call', async () => {
    const { api, context } = setup();
    await loadPrContext(context().ctx, 1, { incremental: true });
    expect(api.writes()).toEqual([]);
  });
});
