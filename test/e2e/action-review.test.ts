// The action's review mode end to end (issue 14, cases 1, 2, 3 and 7): the committed bundle and the TypeScript entry
// under @github/local-action, on a pull_request event, against the fake GitHub over a bare repository.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkoutPull, events, runnable, runners } from '../helpers/action.js';
import {
  expectInDiff,
  findingMarker,
  issues,
  offline,
  outputPath,
  mergedMain,
  prOrigin,
  reportOf,
  reviewCalls,
  sarifValidator,
  STACK,
} from './action-fixture.js';

describe.each(['dist', 'local'] as const)('review mode (%s)', (kind) => {
  it.skipIf(!runnable[kind])(
    'a first review posts its N inline comments in one review and one summary comment',
    async () => {
      const { github } = await prOrigin();
      const workspace = checkoutPull(github, 1);
      const run = await runners[kind]({
        workspace,
        event: events.pullRequest(github, 1),
        inputs: offline(github),
        github,
      });
      expect(run.failed, run.stdout + run.stderr).toBeNull();

      const head = github.pull(1).headSha;
      const reviews = reviewCalls(github, 1, true);
      expect(reviews).toHaveLength(1);
      expect(reviews[0]).toMatchObject({ status: 200, body: { commit_id: head, event: 'COMMENT' } });
      const comments = (reviews[0]!.body as any).comments as any[];
      const report = reportOf(run, workspace);
      expect(comments.length).toBeGreaterThanOrEqual(5);
      expect(comments).toHaveLength(report.annotations.length);
      expect(run.outputs['comments-posted']).toBe(String(comments.length));
      const markers = comments.map((c) => findingMarker(c.body));
      expect(markers.every((m) => m !== null)).toBe(true);
      expect(new Set(markers.map((m) => m!.fp)).size).toBe(comments.length);
      expect(markers.map((m) => m!.rule)).toEqual(
        expect.arrayContaining(['eqeqeq', 'no-console-log', 'no-explicit-any']),
      );
      expectInDiff(github);

      const summaries = github.writes().filter((c) => c.path.endsWith('/issues/1/comments'));
      expect(summaries).toHaveLength(1);
      const body = String((summaries[0]!.body as any).body);
      expect(body).toMatch(/<!-- orchestrate:summary \{.*"reviewed":"[0-9a-f]{40}".*\} -->/);
      expect(body).toContain(head);
      expect(body).not.toMatch(STACK);
      expect(run.summary).toContain('eqeqeq');
      expect(run.outputs).toMatchObject({ conclusion: 'success', 'cost-usd': '0.0000' });
      expect(run.outputs['run-id']).toBeTruthy();
    },
  );

  it.skipIf(!runnable[kind])(
    'after a push (synchronize): no finding posted twice, the summary edited with the new SHA, a fixed finding resolved',
    async () => {
      const { dev, github, push } = await prOrigin();
      const first = await runners[kind]({
        workspace: checkoutPull(github, 1),
        event: events.pullRequest(github, 1),
        inputs: offline(github),
        github,
      });
      expect(first.failed, first.stdout + first.stderr).toBeNull();
      const before = github.pull(1).headSha;
      const posted = github.state.reviewComments.map((c) => ({ c, m: findingMarker(c.body)! }));
      const consoleLog = posted.find((p) => p.m.rule === 'no-console-log')!;
      expect(consoleLog).toBeDefined();
      const summaryId = github.state.issueComments.find((c) => c.body.includes('orchestrate:summary'))!.id;

      // Fix the console.log, leave the rest, and add a second file with findings of its own.
      dev.write('src/app.ts', dev.read('src/app.ts').replace('  console.log(x);\n', ''));
      dev.write('src/more.ts', issues(2));
      const after = dev.commit('fix the log, add more');
      push('feature');
      const calls = github.calls.length;
      const second = await runners[kind]({
        workspace: checkoutPull(github, 1),
        event: events.pullRequest(github, 1, 'synchronize', { before }),
        inputs: offline(github),
        github,
      });
      expect(second.failed, second.stdout + second.stderr).toBeNull();

      const fps = github.state.reviewComments.map((c) => findingMarker(c.body)!.fp);
      expect(new Set(fps).size, 'a finding was posted twice').toBe(fps.length);
      const newComments = github.state.reviewComments.slice(posted.length);
      expect(newComments.length).toBeGreaterThan(0);
      expect(newComments.every((c) => c.path === 'src/more.ts')).toBe(true);
      expect(second.outputs['comments-posted']).toBe(String(newComments.length));

      const writes = github.writes().filter((c) => github.calls.indexOf(c) >= calls);
      expect(writes.filter((c) => c.method === 'POST' && c.path.endsWith('/issues/1/comments'))).toEqual([]);
      const edit = writes.find((c) => c.method === 'PATCH' && c.path.endsWith(`/issues/comments/${summaryId}`));
      expect(edit, 'the summary is edited in place').toBeDefined();
      expect(String((edit!.body as any).body)).toContain(`"reviewed":"${after}"`);

      const thread = github.state.threads.find((t) => t.firstCommentId === consoleLog.c.id)!;
      const minimized = github.state.minimized.some((m) => m.nodeId === consoleLog.c.nodeId);
      expect(thread.isResolved || minimized, 'the fixed finding is resolved or minimized').toBe(true);
      const others = posted.filter((p) => p !== consoleLog);
      for (const p of others)
        expect(github.state.threads.find((t) => t.firstCommentId === p.c.id)!.isResolved).toBe(false);
      expectInDiff(github);
    },
  );
});

describe('review mode (dist): the diff and SARIF', () => {
  it.skipIf(!runnable.dist)(
    'never comments outside the diff: the PR branch merged main, whose changes are not the PR’s',
    async () => {
      const { dev, github } = await prOrigin({ feature: mergedMain });
      const run = await runners.dist({
        workspace: checkoutPull(github, 1),
        event: events.pullRequest(github, 1),
        inputs: offline(github),
        github,
      });
      expect(run.failed, run.stdout + run.stderr).toBeNull();
      const comments = github.state.reviewComments;
      expect(comments.length).toBeGreaterThan(0);
      expect(comments.some((c) => c.path === 'src/main-only.ts')).toBe(false);
      expect(comments.some((c) => c.path === 'src/app.ts' && c.line === 1)).toBe(false);
      expectInDiff(github);
      expect(dev.git('rev-parse', 'HEAD').trim()).toBe(github.pull(1).headSha);
    },
  );

  it.skipIf(!runnable.dist)(
    'the sarif output validates against SARIF 2.1.0 with a runAutomationDetails id of its own',
    async () => {
      const { github } = await prOrigin();
      const workspace = checkoutPull(github, 1);
      const run = await runners.dist({
        workspace,
        event: events.pullRequest(github, 1),
        inputs: offline(github),
        github,
      });
      expect(run.failed, run.stdout + run.stderr).toBeNull();
      const file = outputPath(run, 'sarif', workspace);
      expect(existsSync(file)).toBe(true);
      // Under RUNNER_TEMP, not the hidden .orchestrate/ (upload steps skip hidden folders).
      expect(path.relative(run.runnerTemp, file).startsWith('..')).toBe(false);
      const sarif = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
      const validate = sarifValidator();
      expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
      const id = sarif.runs[0].automationDetails?.id as string;
      expect(id).toMatch(/^orchestrate\//);
      expect(id).not.toMatch(/^orchestrate\/cli\//);
      expect(sarif.runs[0].results).toHaveLength(reportOf(run, workspace).annotations.length);
      for (const r of sarif.runs[0].results)
        expect(r.partialFingerprints?.['orchestrateFinding/v1']).toMatch(/^[0-9a-f]{32}/);
    },
  );
});
