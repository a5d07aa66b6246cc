// Review mode in process: the real runTask (offline engine) on a pull request's workspace clone, against the
// in-memory GitHub API (which refuses comments outside the PR's hunks, as GitHub does).
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { conclusionOf, failureReasons } from '../src/dispatch.js';
import { reviewMode } from '../src/modes/review.js';
import { parseFindingMarker } from '../src/comment-body.js';
import { parseSummaryMarker } from '../src/summary-comment.js';
import { hunksOf, memoryApi, type MemoryApi } from './helpers/memory-api.js';
import { prRepos, pullEvent, testContext, type PrRepos } from './helpers/mode-bench.js';

const MAIN = { 'src/a.ts': 'export const a = 1;\n' };
const FEATURE = {
  'src/a.ts': [
    'export const a = 1;',
    'export function f(x: number): number {',
    '  console.log(x);',
    '  return x;',
    '}',
    'export function g(y: number): number {',
    '  console.log(y);',
    '  return y;',
    '}',
    '',
  ].join('\n'),
};

const made: PrRepos[] = [];
afterEach(() => made.splice(0).forEach((r) => r.cleanup()));

function setup(o: { readOnly?: boolean } = {}) {
  const repos = prRepos(MAIN, FEATURE);
  made.push(repos);
  const api = memoryApi({ pulls: [repos.pull()], git: repos.origin, readOnly: o.readOnly });
  const run = (action: string) => {
    const pull = api.state.pulls[0]!;
    const { ctx, kit } = testContext({
      api,
      workspace: repos.workspace(pull.headSha),
      temp: repos.temp,
      event: pullEvent(action, pull),
    });
    return reviewMode(ctx).then((result) => ({ result, kit }));
  };
  return { repos, api, run };
}

function push(repos: PrRepos, api: MemoryApi, files: Record<string, string>, o: { reset?: boolean } = {}): string {
  if (o.reset) repos.dev.git('reset', '--quiet', '--hard', 'main');
  for (const [f, c] of Object.entries(files)) repos.dev.write(f, c);
  repos.dev.commit('push');
  repos.dev.git('push', '--quiet', '--force', 'origin', 'feature');
  const sha = repos.sha('feature');
  api.setHead(1, sha);
  return sha;
}

const fingerprints = (api: MemoryApi) => api.state.reviewComments.map((c) => parseFindingMarker(c.body)?.fp);

/** Every posted comment is on a RIGHT line inside a hunk of the PR's patch at the time. */
function expectInsideHunks(api: MemoryApi, repos: PrRepos) {
  expect(api.calls.filter((c) => c.status === 422)).toEqual([]);
  for (const review of api.state.reviews) {
    for (const c of review.comments) {
      const base = repos.dev.git('merge-base', 'main', review.commitId).trim();
      const diff = repos.dev.git('diff', '-U3', base, review.commitId, '--', c.path);
      expect(hunksOf(diff).some((h) => c.line >= h.start && c.line <= h.end)).toBe(true);
    }
  }
}

describe('review mode', () => {
  it('first run: one review on the head with a comment per finding, one summary, SARIF and the report', async () => {
    const { repos, api, run } = setup();
    const { result, kit } = await run('opened');
    const reviews = api.callsOf('createReview');
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.args[1].commitId).toBe(repos.sha('feature'));
    const logs = api.state.reviewComments.filter((c) => c.body.includes('no-console-log'));
    expect(logs.map((c) => c.line).sort()).toEqual([3, 7]);
    expect(result.commentsPosted).toBe(api.state.reviewComments.length);
    expect(result.findings.length).toBeGreaterThanOrEqual(2);
    expectInsideHunks(api, repos);
    expect(api.state.issueComments).toHaveLength(1);
    expect(parseSummaryMarker(api.state.issueComments[0]!.body)).toMatchObject({
      kind: 'review',
      reviewed: repos.sha('feature'),
    });
    expect(existsSync(result.reportPath!)).toBe(true);
    const sarif = JSON.parse(readFileSync(result.sarifPath!, 'utf8'));
    expect(sarif.runs[0].results.length).toBe(result.findings.length);
    expect(JSON.stringify(sarif)).toContain(`orchestrate/action/${result.runId}`);
    expect(result.sarifPath).toContain(repos.temp);
    expect(result.problems).toEqual([]);
    expect(kit.stepSummary).not.toBe('');
  });

  it('synchronize: only the new commits are reviewed, nothing is posted twice, the fixed finding is resolved', async () => {
    const { repos, api, run } = setup();
    await run('opened');
    const firstCount = api.state.reviewComments.length;
    const fixedLine = api.state.reviewComments.find((c) => c.line === 3 && c.body.includes('no-console-log'))!;
    const fixed = FEATURE['src/a.ts'].replace('  console.log(x);\n', '');
    const head = push(repos, api, {
      'src/a.ts': fixed,
      'src/b.ts': 'export function h(a: string, b: string) {\n  return a == b;\n}\n',
    });
    const { result } = await run('synchronize');
    const second = api.callsOf('createReview');
    expect(second).toHaveLength(2);
    expect(second[1]!.args[1].comments.every((c: { path: string }) => c.path === 'src/b.ts')).toBe(true);
    const fps = fingerprints(api);
    expect(new Set(fps).size).toBe(fps.length);
    expect(api.state.reviewComments.length).toBe(firstCount + result.commentsPosted);
    expect(api.callsOf('createIssueComment')).toHaveLength(1);
    const update = api.callsOf('updateIssueComment');
    expect(update).toHaveLength(1);
    expect(parseSummaryMarker(update[0]!.args[1])?.reviewed).toBe(head);
    const thread = api.state.threads.find((t) => t.firstCommentId === fixedLine.id)!;
    expect(thread.isResolved).toBe(true);
    expect(api.state.threads.filter((t) => t.isResolved)).toHaveLength(1);
    expectInsideHunks(api, repos);
  });

  it('synchronize with nothing new: findings still open from the first push still decide fail-on', async () => {
    const { repos, api, run } = setup();
    const first = await run('opened');
    expect(conclusionOf(first.result, 'warning')).toBe('failure');
    push(repos, api, { 'README.md': 'docs only\n' });
    const { result } = await run('synchronize');
    expect(result.findings).toEqual([]);
    expect(result.carried?.length).toBeGreaterThan(0);
    expect(conclusionOf(result, 'warning')).toBe('failure');
    expect(failureReasons(result, 'warning')[0]).toMatch(/still open from an earlier push/);
    expect(conclusionOf(result, 'error')).toBe('success');
  });

  it('a force-push reviews the whole PR again: same code is not re-posted, code gone is resolved', async () => {
    const { repos, api, run } = setup();
    await run('opened');
    const logAt = (line: number) =>
      api.state.reviewComments.find((c) => c.line === line && c.body.includes('no-console-log'))!;
    const [x, y] = [logAt(3), logAt(7)];
    const g = FEATURE['src/a.ts'].split('\n').slice(5).join('\n');
    push(repos, api, { 'src/a.ts': `export const a = 1;\n${g}` }, { reset: true });
    await run('synchronize');
    const fps = fingerprints(api);
    expect(new Set(fps).size).toBe(fps.length);
    expect(api.state.reviewComments.filter((c) => c.body.includes('no-console-log'))).toHaveLength(2);
    const resolved = api.state.threads.filter((t) => t.isResolved).map((t) => t.firstCommentId);
    expect(resolved).toContain(x.id);
    expect(resolved).not.toContain(y.id);
  });

  it('a read-only token (a fork PR): a clear 403 problem, nothing more written, SARIF and job summary still there', async () => {
    const { api, run } = setup({ readOnly: true });
    const { result, kit } = await run('opened');
    expect(result.publishFailed).toBe(true);
    expect(result.problems.join('\n')).toMatch(/collect|pull-requests: write/);
    expect(api.writes()).toHaveLength(1);
    expect(existsSync(result.sarifPath!)).toBe(true);
    expect(kit.stepSummary).toMatch(/nothing more was written/);
  });

  it('a closed pull request is skipped; an event without one too', async () => {
    const { api, run } = setup();
    api.state.pulls[0]!.state = 'closed';
    const { result } = await run('closed');
    expect(result.skipped).toMatch(/closed/);
    expect(api.writes()).toEqual([]);
    const { ctx } = testContext({
      api,
      workspace: '/nonexistent',
      temp: '/nonexistent',
      event: { name: 'push', payload: {} },
    });
    expect((await reviewMode(ctx)).skipped).toMatch(/pull request event/);
  });

  it('reads the config from the base commit: the head’s agents.config.ts is never loaded', async () => {
    const { repos, api, run } = setup();
    const marker = `${repos.temp}-config-loaded`;
    const evil = `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'x');\nexport default {};\n`;
    push(repos, api, { 'agents.config.ts': evil });
    await run('synchronize');
    expect(existsSync(marker)).toBe(false);
  });
});
