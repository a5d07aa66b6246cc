// The action with the openai engine end to end (issue 14, cases 6, 9 and 10): a budget below the run's estimate stops
// it within the cap and still posts what was verified; a missing key fails naming the input; a secret in a model's
// message reaches no body posted to GitHub.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startFakeOpenAI, type FakeServer } from '../fake/openai-server.js';
import { checkoutPull, events, runnable, runners } from '../helpers/action.js';
import { APP, outputPath, prOrigin, reportOf, reviewModel, STACK, summaryComment } from './action-fixture.js';

/** PR 1 changes four files, one hunk each: four review jobs. */
const fourHunks = (d: { write(f: string, t: string): void; commit(m: string): string }) => {
  for (const n of [1, 2, 3, 4]) d.write(`src/m${n}.ts`, `export const m${n} = (v: number): number => v * ${n};\n`);
  d.commit('four modules');
};

async function model(
  handler: ReturnType<typeof reviewModel>,
  onFinished: (fn: () => Promise<void>) => void,
): Promise<FakeServer> {
  const server = await startFakeOpenAI(handler);
  onFinished(() => server.close());
  return server;
}

describe('the openai engine (dist)', () => {
  it.skipIf(!runnable.dist)(
    'a budget below the estimate: cost within budget + in flight, budget-exceeded, verified findings posted',
    async ({ onTestFinished }) => {
      const { github } = await prOrigin({ feature: fourHunks });
      const server = await model(reviewModel(), onTestFinished);
      const workspace = checkoutPull(github, 1);
      // Four reviews would cost about $0.0008; the engine reserves each call's worst case, so $0.005 stops it after two
      // (measured in process: budget-exceeded, two verified findings); a budget under one call's reserve runs nothing.
      const budget = 0.005;
      const run = await runners.dist({
        workspace,
        event: events.pullRequest(github, 1),
        inputs: {
          'github-token': github.token,
          engine: 'openai',
          'openai-api-key': 'sk-test-budget',
          'budget-usd': String(budget),
          concurrency: '1',
          'fail-on': 'never',
        },
        github,
        openai: server,
      });
      expect(run.stdout + run.stderr).not.toMatch(STACK);
      const report = reportOf(run, workspace);
      expect(report.status).toBe('budget-exceeded');
      // Concurrency 1: at most one call was in flight when the cap was reached (the dearest call here is under $0.001).
      expect(Number(run.outputs['cost-usd'])).toBeLessThanOrEqual(budget + 0.001);
      expect(Number(run.outputs['cost-usd'])).toBeCloseTo(report.costUsd, 4);
      expect(run.outputs.conclusion).toBe('failure');
      const posted = github.state.reviewComments;
      expect(posted).toHaveLength(report.annotations.length);
      expect(run.outputs['comments-posted']).toBe(String(posted.length));
      expect(summaryComment(github).body).toMatch(/budget/i);
    },
  );

  it.skipIf(!runnable.dist)(
    'no openai-api-key on the openai engine: a failure that names the input, no model call',
    async ({ onTestFinished }) => {
      const { github } = await prOrigin();
      const server = await model(reviewModel(), onTestFinished);
      const run = await runners.dist({
        workspace: checkoutPull(github, 1),
        event: events.pullRequest(github, 1),
        // No base-url either: with a base-url the engine runs key-less (a local server may need no key).
        inputs: { 'github-token': github.token, engine: 'openai' },
        github,
      });
      expect(run.exitCode).toBe(1);
      expect(run.failed).toMatch(/openai-api-key/);
      expect(run.stdout + run.stderr).not.toMatch(STACK);
      expect(server.log).toEqual([]);
    },
  );

  it.skipIf(!runnable.dist)(
    'a secret in a model message is [redacted] in every body posted, the SARIF and the step summary',
    async ({ onTestFinished }) => {
      const key = 'sk-test-Q7wZ9xK2mP4vL8nR3tY6uB1cD5fG0hJ';
      const token = `ghp_${'A1b2C3d4E5'.repeat(3)}f6G7h8`;
      const { github } = await prOrigin({
        files: { 'src/app.ts': APP },
        feature: (d) => {
          d.write('src/app.ts', APP + 'export const twice = (n: number): number => n * 2;\n');
          d.commit('twice');
        },
      });
      const server = await model(
        reviewModel(() => `Leaked ${key} and ${token} here.`),
        onTestFinished,
      );
      const workspace = checkoutPull(github, 1);
      const run = await runners.dist({
        workspace,
        event: events.pullRequest(github, 1),
        inputs: { 'github-token': github.token, engine: 'openai', 'openai-api-key': key, 'fail-on': 'never' },
        github,
        openai: server,
      });
      expect(run.failed, run.stdout + run.stderr).toBeNull();
      const bodies = github.writes().map((c) => JSON.stringify(c.body));
      expect(bodies.length).toBeGreaterThan(0);
      // The log masks the key by `::add-mask::` (the runner's command, never shown); no other line may hold it.
      const log = run.stdout.replace(/^::add-mask::.*$/gm, '');
      for (const text of [...bodies, run.summary, log, readFileSync(outputPath(run, 'sarif', workspace), 'utf8')]) {
        expect(text).not.toContain(key);
        expect(text).not.toContain(token);
      }
      // Markdown-escaped in a body (`\[redacted\]` renders as [redacted]).
      expect(bodies.some((b) => /\\*\[redacted\\*\]/.test(b))).toBe(true);
      expect(github.state.reviewComments.length).toBeGreaterThan(0);
    },
  );
});
