import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReviewFinding } from '@orchestrate/core';
import type { PullFile, PullInfo } from '../src/github/api.js';
import type { PrContext } from '../src/pr-context.js';
import { publishReview } from '../src/publish.js';
import type * as summaryComment from '../src/summary-comment.js';
import { parseSummaryMarker, summaryCommentBody, type SummaryInput } from '../src/summary-comment.js';
import { memoryApi } from './helpers/memory-api.js';
import { finding, RUN, testContext } from './helpers/mode-bench.js';

// The summary renderer is part D's: these tests check what publishing hands it (states, notes, marker), not its text.
vi.mock('../src/summary-comment.js', async (original) => {
  const real = await original<typeof summaryComment>();
  return { ...real, summaryCommentBody: vi.fn(real.summaryCommentBody) };
});

const HEAD = 'c'.repeat(40);
const BASE = 'a'.repeat(40);
const PULL: PullInfo = {
  number: 1,
  state: 'open',
  draft: false,
  headSha: HEAD,
  headRef: 'feature',
  headRepo: 'acme/widgets',
  baseSha: BASE,
  baseRef: 'main',
  baseRepo: 'acme/widgets',
  htmlUrl: 'https://github.test/acme/widgets/pull/1',
};
const FILES: PullFile[] = [
  { path: 'src/a.ts', previousPath: null, status: 'added', patch: '@@ -0,0 +1,5 @@\n+l1\n+l2\n+l3\n+l4\n+l5' },
  {
    path: 'src/b.ts',
    previousPath: null,
    status: 'modified',
    patch: '@@ -10,3 +10,4 @@\n c10\n c11\n+added12\n c13',
  },
];
const fp = (n: number) => n.toString(16).padStart(32, '0');
const FINDINGS: ReviewFinding[] = [
  finding({ file: 'src/a.ts', line: 2, endLine: 2, fingerprint: fp(1) }),
  finding({
    file: 'src/a.ts',
    line: 4,
    endLine: 4,
    fingerprint: fp(2),
    severity: 'error',
    ruleId: 'no-secret-literal',
  }),
  finding({ file: 'src/b.ts', line: 12, endLine: 12, fingerprint: fp(3) }),
  finding({ file: 'src/c.ts', line: 1, endLine: 1, fingerprint: fp(4) }),
  finding({ file: 'src/b.ts', line: 30, endLine: 30, fingerprint: fp(5) }),
];

const temps: string[] = [];
afterEach(() => {
  temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  vi.mocked(summaryCommentBody).mockClear();
});

function bench(o: { maxComments?: number } = {}) {
  const temp = mkdtempSync(path.join(tmpdir(), 'orch-publish-'));
  temps.push(temp);
  const api = memoryApi({ pulls: [PULL], files: { 1: FILES } });
  const { ctx, kit } = testContext({
    api,
    workspace: temp,
    temp,
    event: { name: 'pull_request', payload: {} },
    inputs: { maxComments: o.maxComments ?? 25 },
  });
  /** The PR context as loadPrContext would find it now (our summary from the API's state). */
  const pr = (over: Partial<PrContext> = {}): PrContext => {
    const summary = api.state.issueComments.find((c) => parseSummaryMarker(c.body)) ?? null;
    const marker = summary ? parseSummaryMarker(summary.body) : null;
    return {
      pull: PULL,
      self: 'github-actions[bot]',
      mergeBase: BASE,
      range: { base: BASE, head: HEAD },
      scope: 'full',
      summary,
      marker,
      ...over,
    };
  };
  return { api, ctx, kit, pr };
}

/** The last summary publishing handed to the renderer. */
const lastSummary = (): SummaryInput => vi.mocked(summaryCommentBody).mock.lastCall![0];
const states = (i: SummaryInput) => Object.fromEntries(i.findings.map((f) => [`${f.file}:${f.line}`, f.state]));

describe('publishReview', () => {
  it('first run: one review with every placeable comment (head SHA), one summary comment, job summary', async () => {
    const { api, ctx, kit, pr } = bench();
    const r = await publishReview(ctx, pr(), FINDINGS, RUN);
    expect(r).toEqual({ posted: 3, carried: [], problems: [], failed: false });
    const reviews = api.callsOf('createReview');
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.args[1].commitId).toBe(HEAD);
    expect(reviews[0]!.args[1].comments.map((c: any) => `${c.path}:${c.line}:${c.side}`).sort()).toEqual([
      'src/a.ts:2:RIGHT',
      'src/a.ts:4:RIGHT',
      'src/b.ts:12:RIGHT',
    ]);
    expect(api.callsOf('createIssueComment')).toHaveLength(1);
    expect(parseSummaryMarker(api.state.issueComments[0]!.body)).toMatchObject({ kind: 'review', reviewed: HEAD });
    expect(states(lastSummary())).toEqual({
      'src/a.ts:2': 'posted',
      'src/a.ts:4': 'posted',
      'src/b.ts:12': 'posted',
      'src/c.ts:1': 'unplaced',
      'src/b.ts:30': 'unplaced',
    });
    expect(kit.stepSummary).not.toBe('');
    expect(kit.annotations.map((a) => a.level).sort()).toEqual(['error', 'warning', 'warning', 'warning', 'warning']);
  });

  it('a second run with the same findings posts nothing again and edits the summary in place', async () => {
    const { api, ctx, pr } = bench();
    await publishReview(ctx, pr(), FINDINGS, RUN);
    const r = await publishReview(ctx, pr(), FINDINGS, RUN);
    expect(r.posted).toBe(0);
    expect(api.callsOf('createReview')).toHaveLength(1);
    expect(api.callsOf('createIssueComment')).toHaveLength(1);
    expect(api.callsOf('updateIssueComment')).toHaveLength(1);
    expect(api.state.issueComments).toHaveLength(1);
    const s = states(lastSummary());
    expect(s['src/a.ts:2']).toBe('open');
    expect(lastSummary().findings.find((f) => f.line === 2)?.url).toMatch(/discussion_r/);
  });

  it('a summary comment deleted since is made again', async () => {
    const { api, ctx, pr } = bench();
    await publishReview(ctx, pr(), FINDINGS, RUN);
    const context = pr();
    api.state.issueComments.splice(0);
    await publishReview(ctx, context, FINDINGS, RUN);
    expect(api.state.issueComments).toHaveLength(1);
  });

  it('a 422 bisects the batch: the others are posted, the refused one is listed as not placed', async () => {
    const { api, ctx, pr } = bench();
    api.fail({
      method: 'createReview',
      status: 422,
      message: 'Unprocessable Entity: Line could not be resolved',
      times: 99,
      when: (_n: number, review: any) => review.comments.some((c: any) => c.path === 'src/b.ts'),
    });
    const r = await publishReview(ctx, pr(), FINDINGS, RUN);
    expect(r.posted).toBe(2);
    expect(r.failed).toBe(false);
    const calls = api.callsOf('createReview');
    expect(calls.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(3)));
    expect(api.state.reviewComments.map((c) => c.path)).toEqual(['src/a.ts', 'src/a.ts']);
    expect(states(lastSummary())['src/b.ts:12']).toBe('unplaced');
    expect(lastSummary().notes.join('\n')).toMatch(/refused 1 inline comment.*Line could not be resolved/);
    expect(api.callsOf('createIssueComment')).toHaveLength(1);
  });

  it('a 403 stops every write, says what to do, still writes the job summary; the run is marked failed', async () => {
    const { api, ctx, kit, pr } = bench();
    api.fail({ method: 'createReview', status: 403, message: 'Resource not accessible by integration' });
    const r = await publishReview(ctx, pr(), FINDINGS, RUN);
    expect(r.failed).toBe(true);
    expect(r.posted).toBe(0);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/nothing more was written/);
    expect(r.problems[0]).toMatch(/fork|pull-requests: write/);
    expect(api.writes().map((c) => c.method)).toEqual(['createReview']);
    expect(kit.stepSummary).toContain('nothing more was written');
  });

  it('another failure of the review keeps the reviewed SHA where it was and still posts the summary', async () => {
    const { api, ctx, pr } = bench();
    api.fail({ method: 'createReview', status: 502, message: 'Bad Gateway' });
    const r = await publishReview(ctx, pr(), FINDINGS, RUN);
    expect(r.failed).toBe(true);
    expect(api.callsOf('createIssueComment')).toHaveLength(1);
    expect(parseSummaryMarker(api.state.issueComments[0]!.body)?.reviewed).toBeNull();
    expect(states(lastSummary())['src/a.ts:2']).toBe('unplaced');
  });

  it('max-comments keeps errors first; the rest go to the summary as overflow', async () => {
    const { api, ctx, pr } = bench({ maxComments: 1 });
    const r = await publishReview(ctx, pr(), FINDINGS, RUN);
    expect(r.posted).toBe(1);
    expect(api.state.reviewComments.map((c) => c.line)).toEqual([4]);
    const s = states(lastSummary());
    expect([s['src/a.ts:2'], s['src/b.ts:12']]).toEqual(['overflow', 'overflow']);
  });

  it('no new finding: no review at all, only the summary', async () => {
    const { api, ctx, pr } = bench();
    await publishReview(ctx, pr(), [FINDINGS[3]!], RUN);
    expect(api.callsOf('createReview')).toHaveLength(0);
    expect(api.callsOf('createIssueComment')).toHaveLength(1);
  });

  it('full scope: a finding no longer found has its thread resolved; markers by others are left alone', async () => {
    const { api, ctx, pr } = bench();
    await publishReview(ctx, pr(), FINDINGS, RUN);
    const spoof = { ...api.state.reviewComments[0]!, id: 1, nodeId: 'RC_1', author: 'mallory' };
    api.state.reviewComments.push(spoof);
    api.state.threads.push({ id: 'T_1', isResolved: false, firstCommentId: 1 });
    const r = await publishReview(
      ctx,
      pr(),
      FINDINGS.filter((f) => f.fingerprint !== fp(1)),
      RUN,
    );
    expect(r.failed).toBe(false);
    const resolved = api.callsOf('resolveThread').map((c) => c.args[0]);
    const first = api.state.reviewComments.find((c) => c.line === 2 && c.author !== 'mallory')!;
    expect(resolved).toEqual([`T_${first.id}`]);
    expect(states(lastSummary())['src/a.ts:2']).toBe('resolved');
  });

  it('a resolve GitHub refuses falls back to minimizing; both refused is one problem line, not a failure', async () => {
    const { api, ctx, pr } = bench();
    await publishReview(ctx, pr(), FINDINGS, RUN);
    api.fail({ method: 'resolveThread', status: 403, message: 'Resource not accessible by integration', times: 9 });
    await publishReview(ctx, pr(), FINDINGS.slice(1), RUN);
    expect(api.state.minimized).toHaveLength(1);
    api.fail({ method: 'resolveThread', status: 403, message: 'Resource not accessible by integration', times: 9 });
    api.fail({ method: 'minimizeComment', status: 403, message: 'Resource not accessible by integration', times: 9 });
    const r = await publishReview(ctx, pr(), FINDINGS.slice(2), RUN);
    expect(r.failed).toBe(false);
    expect(r.problems.join('\n')).toMatch(/could not be resolved or hidden/);
    expect(api.callsOf('updateIssueComment').at(-1)!.status).toBe(200);
  });

  it('incremental scope: a posted finding not seen again stays open unless GitHub outdated it', async () => {
    const { api, ctx, pr } = bench();
    await publishReview(ctx, pr(), FINDINGS, RUN);
    api.state.reviewComments.find((c) => c.line === 4)!.line = null;
    await publishReview(ctx, pr({ scope: 'incremental', range: { base: 'b'.repeat(40), head: HEAD } }), [], RUN);
    const resolved = api.callsOf('resolveThread');
    expect(resolved).toHaveLength(1);
    const s = lastSummary()
      .findings.map((f) => f.state)
      .sort();
    expect(s).toEqual(['open', 'open', 'resolved']);
    expect(lastSummary().notes[0]).toMatch(/since the last review/);
  });

  it('inline: false (post, the PR moved on) writes the summary only', async () => {
    const { api, ctx, pr } = bench();
    const r = await publishReview(ctx, pr(), FINDINGS, RUN, { inline: false, notes: ['moved on'] });
    expect(r.posted).toBe(0);
    expect(api.writes().map((c) => c.method)).toEqual(['createIssueComment']);
    expect(api.callsOf('listPullFiles')).toHaveLength(0);
    expect(lastSummary().notes).toContain('moved on');
  });

  it('unreadable PR files: no inline comment, the problem in the notes, the summary still written', async () => {
    const { api, ctx, pr } = bench();
    api.fail({ method: 'listPullFiles', status: 500, message: 'Server Error' });
    const r = await publishReview(ctx, pr(), FINDINGS, RUN);
    expect(r.posted).toBe(0);
    expect(api.callsOf('createReview')).toHaveLength(0);
    expect(r.failed).toBe(true);
    expect(lastSummary().notes.join('\n')).toMatch(/no inline comment was posted/);
    expect(api.callsOf('createIssueComment')).toHaveLength(1);
  });

  it('the known secrets reach the summary renderer to be redacted', async () => {
    const { ctx, pr } = bench();
    await publishReview(ctx, pr(), FINDINGS, RUN);
    expect(lastSummary().known).toEqual(ctx.known);
    expect(lastSummary().runUrl).toBe(ctx.env.runUrl);
  });
});
