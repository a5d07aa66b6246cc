// The end-to-end tests' set-up without the action: the origin and its PRs, the checkouts actions/checkout would make,
// and the event payloads, so a failing action test is about the action, not its fixture.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { checkoutPull, events } from '../helpers/action.js';
import { forkOrigin, issues, mergedMain, prOrigin } from './action-fixture.js';

const gitIn =
  (dir: string) =>
  (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

describe('action e2e fixture', () => {
  it('PR 1 of the origin, checked out at its merge ref (depth 1, credentials kept); missing commits fetch by SHA', async () => {
    const { github } = await prOrigin();
    const pr = github.pull(1);
    expect([...github.hunks(1).keys()]).toEqual(['src/app.ts']);
    const ws = checkoutPull(github, 1);
    const git = gitIn(ws);
    expect(git('rev-parse', '--is-shallow-repository')).toBe('true');
    expect(git('rev-parse', 'HEAD')).toBe(github.mergeRef(1));
    expect(git('show', 'HEAD:src/app.ts')).toContain(issues(1).trim());
    expect(git('config', '--get', 'http.https://github.com/.extraheader')).toMatch(/^AUTHORIZATION: basic /);
    expect(() => git('cat-file', '-e', `${pr.headSha}^{commit}`)).toThrow();
    git('fetch', '-q', '--depth=1', 'origin', pr.headSha, pr.mergeBase);
    expect(git('cat-file', '-t', pr.headSha)).toBe('commit');
    expect(gitIn(checkoutPull(github, 1, { ref: 'head' }))('rev-parse', 'HEAD')).toBe(pr.headSha);
    const main = gitIn(checkoutPull(github, 1, { ref: 'default' }));
    expect([main('rev-parse', 'HEAD'), main('branch', '--show-current')]).toEqual([pr.baseSha, 'main']);
    expect(github.calls).toEqual([]);
  });

  it('event payloads shaped like GitHub webhooks', async () => {
    const { github } = await prOrigin();
    const opened = events.pullRequest(github, 1).payload as any;
    expect(opened).toMatchObject({
      action: 'opened',
      number: 1,
      pull_request: { head: { ref: 'feature', sha: github.pull(1).headSha } },
    });
    expect(opened.pull_request.merge_commit_sha).toMatch(/^[0-9a-f]{40}$/);
    expect(events.pullRequest(github, 1, 'synchronize', { before: 'b'.repeat(40) }).payload).toMatchObject({
      before: 'b'.repeat(40),
    });
    const comment = events.issueComment(github, 1, '/orchestrate add docs', 'maintainer').payload as any;
    expect(comment).toMatchObject({
      issue: { number: 1, pull_request: {} },
      comment: { body: '/orchestrate add docs', user: { login: 'maintainer' } },
    });
    expect(github.state.issueComments.map((c) => [c.id, c.author])).toEqual([[comment.comment.id, 'maintainer']]);
    const run = events.workflowRun(github, 1).payload as any;
    expect(run.workflow_run).toMatchObject({ head_sha: github.pull(1).headSha, pull_requests: [{ number: 1 }] });
  });

  it("a fork's PR: its head only under refs/pull/2/head, no pull_requests in its workflow_run", async () => {
    const { github, bare } = await forkOrigin();
    expect(github.readOnly).toBe(true);
    expect(gitIn(bare)('for-each-ref', '--format=%(refname)')).not.toContain('refs/heads/patch-1');
    expect(github.pullJson(2)).toMatchObject({ head: { repo: { full_name: 'octo/widgets', fork: true } } });
    expect([...github.hunks(2).keys()]).toEqual(['src/app.ts']);
    expect((events.workflowRun(github, 2).payload as any).workflow_run).toMatchObject({
      pull_requests: [],
      head_branch: 'patch-1',
    });
    expect(gitIn(checkoutPull(github, 2))('show', 'HEAD:src/app.ts')).toContain(issues(1).trim());
  });

  it("a PR branch that merged main: main's changes are not in the PR diff", async () => {
    const { github } = await prOrigin({ feature: mergedMain });
    const hunks = github.hunks(1);
    expect([...hunks.keys()]).toEqual(['src/app.ts']);
    expect(hunks.get('src/app.ts')!.every((h) => h.newStart > 1)).toBe(true);
    expect(github.pull(1).mergeBase).toBe(github.pull(1).baseSha);
  });
});
