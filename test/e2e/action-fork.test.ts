// Fork pull requests and GitHub API errors end to end (issue 14, cases 4 and 8): `collect` on a fork's read-only token
// writes nothing and leaves a results artifact; `post` (workflow_run, an empty workspace) posts from it; a read-only
// token in `review` is a clear 403, not a crash; a 422 on one comment still posts the others.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { checkoutPull, events, runnable, runners, tempDir } from '../helpers/action.js';
import {
  expectInDiff,
  filesUnder,
  findingMarker,
  offline,
  outputPath,
  forkOrigin,
  prOrigin,
  reviewCalls,
  STACK,
  summaryComment,
} from './action-fixture.js';

describe.each(['dist', 'local'] as const)('the fork-safe pair (%s)', (kind) => {
  it.skipIf(!runnable[kind])(
    'collect writes nothing and leaves an artifact; post posts from it without a checkout',
    async () => {
      const { github } = await forkOrigin();
      const workspace = checkoutPull(github, 2);
      const collect = await runners[kind]({
        workspace,
        event: events.pullRequest(github, 2),
        inputs: offline(github, { mode: 'collect' }),
        github,
      });
      expect(collect.failed, collect.stdout + collect.stderr).toBeNull();
      expect(github.writes()).toEqual([]);
      const sarif = outputPath(collect, 'sarif', workspace);
      const artifact = path.dirname(sarif);
      expect(path.relative(collect.runnerTemp, artifact).startsWith('..')).toBe(false);
      const results = filesUnder(artifact)
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(readFileSync(path.join(artifact, f), 'utf8')) as Record<string, any>)
        .find((j) => j.format === 'orchestrate-results');
      expect(results, `no results file in ${filesUnder(artifact).join(', ')}`).toBeDefined();
      expect(results!.pull).toMatchObject({ number: 2, headSha: github.pull(2).headSha });
      expect(results!.findings.length).toBeGreaterThanOrEqual(5);

      // The privileged workflow: a token that may write, an empty workspace, the artifact downloaded elsewhere.
      github.readOnly = false;
      const empty = tempDir('orch-post-ws-');
      const post = await runners[kind]({
        workspace: empty,
        event: events.workflowRun(github, 2),
        inputs: { 'github-token': github.token, 'artifact-path': artifact, 'fail-on': 'never' },
        github,
      });
      expect(post.failed, post.stdout + post.stderr).toBeNull();
      expect(readdirSync(empty)).toEqual([]);
      const reviews = reviewCalls(github, 2);
      expect(reviews).toHaveLength(1);
      expect((reviews[0]!.body as any).comments).toHaveLength(results!.findings.length);
      expect(post.outputs['comments-posted']).toBe(String(results!.findings.length));
      expectInDiff(github, 2);
      expect(summaryComment(github, 2).body).not.toMatch(STACK);
    },
  );
});

describe('GitHub API errors (dist)', () => {
  it.skipIf(!runnable.dist)(
    'a read-only token in review: a clear 403 message, no crash, step summary and SARIF still written',
    async () => {
      const { github } = await prOrigin({ fake: { readOnly: true } });
      const workspace = checkoutPull(github, 1);
      const run = await runners.dist({
        workspace,
        event: events.pullRequest(github, 1),
        inputs: offline(github),
        github,
      });
      expect(run.exitCode).not.toBe(-1);
      expect(run.stdout + run.stderr).not.toMatch(STACK);
      // One refused write, then nothing more is attempted.
      expect(github.writes().map((c) => c.status)).toEqual([403]);
      expect(`${run.failed ?? ''}\n${run.summary}`).toMatch(/cannot write/);
      expect(`${run.failed ?? ''}\n${run.summary}`).toMatch(/collect/);
      expect(run.summary).toContain('eqeqeq');
      expect(existsSync(outputPath(run, 'sarif', workspace))).toBe(true);
      expect(run.outputs.conclusion).toBe('failure');
    },
  );

  it.skipIf(!runnable.dist)(
    'a 422 on one comment: the others are posted, the refused one is in the summary',
    async () => {
      const { github } = await prOrigin();
      const refused = (c: any) => findingMarker(String(c.body))?.rule === 'eqeqeq';
      github.failNext({
        method: 'POST',
        path: /\/pulls\/1\/reviews$/,
        status: 422,
        message: 'Unprocessable Entity',
        errors: ['Line could not be resolved'],
        times: 100,
        when: (body) => (body?.comments ?? []).some(refused),
      });
      const run = await runners.dist({
        workspace: checkoutPull(github, 1),
        event: events.pullRequest(github, 1),
        inputs: offline(github),
        github,
      });
      expect(run.stdout + run.stderr).not.toMatch(STACK);
      const posted = github.state.reviewComments;
      expect(posted.length).toBeGreaterThanOrEqual(4);
      expect(posted.some(refused)).toBe(false);
      expect(run.outputs['comments-posted']).toBe(String(posted.length));
      // Bisecting costs at most 2·log2(n) extra calls.
      expect(reviewCalls(github, 1, true).length).toBeLessThanOrEqual(2 + 2 * Math.ceil(Math.log2(posted.length + 1)));
      const summary = summaryComment(github).body;
      expect(summary).toContain('eqeqeq');
      expect(summary).not.toMatch(STACK);
    },
  );
});
