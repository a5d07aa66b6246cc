// The action's task mode end to end (issue 14, case 5): a `/orchestrate <task>` comment from a user with write access
// runs the task on the PR's head with the openai engine (the wire-level fake model); the head branch gains exactly the
// verified commits (a job the fake verifier rejects is absent) and the summary lists the commits, jobs and cost.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { startFakeOpenAI } from '../fake/openai-server.js';
import { checkoutPull, events, runnable, runners } from '../helpers/action.js';
import { docstringModel, prOrigin, reportOf, STACK, summaryComment } from './action-fixture.js';

const MATH = [
  'export function add(a: number, b: number): number {',
  '  return a + b;',
  '}',
  '',
  'export function sub(a: number, b: number): number {',
  '  return a - b;',
  '}',
  '',
].join('\n');

/** Whether `name` has a doc comment right above its declaration. */
const documented = (text: string, name: string) => new RegExp(`\\*/\\nexport function ${name}\\(`).test(text);

describe('task mode (dist)', () => {
  it.skipIf(!runnable.dist)(
    'pushes exactly the verified commits to the head branch; the summary lists commits, jobs and cost',
    async ({ onTestFinished }) => {
      const { github, bare } = await prOrigin({
        // One job per worker call, so the verifier judges add and sub apart (the config is read from the base).
        files: { 'src/math.ts': MATH, 'agents.config.ts': 'export default { packing: { maxJobs: 1 } };\n' },
        feature: (d) => {
          d.write('README.md', '# math\n');
          d.commit('a readme');
        },
      });
      const model = await startFakeOpenAI(docstringModel('sub'));
      onTestFinished(() => model.close());
      const git = (...args: string[]) => execFileSync('git', args, { cwd: bare, encoding: 'utf8' }).trim();
      const before = github.pull(1).headSha;

      // issue_comment workflows check out the default branch: the action fetches the PR head itself.
      const workspace = checkoutPull(github, 1, { ref: 'default' });
      const run = await runners.dist({
        workspace,
        event: events.issueComment(github, 1, '/orchestrate add docstrings', 'maintainer'),
        inputs: {
          'github-token': github.token,
          engine: 'openai',
          'openai-api-key': 'sk-test-task-key',
          'fail-on': 'never',
        },
        github,
        openai: model,
      });
      // The rejected job fails the run (completed-with-failures): the step fails, the verified work is still pushed.
      expect(run.failed, run.stdout + run.stderr).toMatch(/1 of 2 jobs failed/);
      expect(run.outputs.conclusion).toBe('failure');
      expect(model.log.length).toBeGreaterThan(0);

      const after = github.pull(1).headSha;
      expect(after).not.toBe(before);
      const pushed = git('rev-list', '--reverse', `${before}..${after}`).split('\n');
      expect(git('merge-base', '--is-ancestor', before, after)).toBe('');
      const report = reportOf(run, workspace);
      expect(pushed).toHaveLength(report.commits.length);
      expect(git('diff', '--name-only', before, after).split('\n')).toEqual(['src/math.ts']);
      const math = git('show', `${after}:src/math.ts`);
      expect(documented(math, 'add')).toBe(true);
      expect(documented(math, 'sub')).toBe(false);
      // Nothing else was pushed anywhere (same-repo PR: no new branch, no new PR).
      expect(git('for-each-ref', '--format=%(refname)', 'refs/heads/').split('\n').sort()).toEqual([
        'refs/heads/feature',
        'refs/heads/main',
      ]);
      expect(github.writes().filter((c) => c.method === 'POST' && c.path.endsWith('/pulls'))).toEqual([]);

      const summary = summaryComment(github).body;
      for (const sha of pushed) expect(summary).toContain(sha.slice(0, 7));
      expect(summary).toMatch(/\$\d+\.\d{2,}/);
      expect(summary).toMatch(/sub/);
      expect(summary).not.toMatch(STACK);
      expect(Number(run.outputs['cost-usd'])).toBeGreaterThan(0);
    },
  );
});
