// The events a workflow hands the action (payloads shaped like GitHub's webhooks, built from the fake's state) and the
// checkout actions/checkout would leave in GITHUB_WORKSPACE (depth 1 at the PR's merge ref by default, credentials kept).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import type { FakeGitHub } from '../fake/github-server.js';

type Payload = Record<string, any>;

/** A temporary folder removed when the current test finishes. */
export function tempDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  try {
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  } catch {
    // Outside a test (a script): left for the system's temp cleaner.
  }
  return dir;
}

/** The PR as the payload carries it, with the test merge commit GitHub makes for an open PR. */
function pullOf(g: FakeGitHub, n: number): Payload {
  const merge = g.mergeRef(n);
  return { ...g.pullJson(n), merge_commit_sha: merge };
}

/** Event payloads for the action's four events. */
export const events = {
  /** `pull_request` (or `pull_request_target`): `opened`, `synchronize` (with the head before, when given), … */
  pullRequest(
    g: FakeGitHub,
    n: number,
    action = 'opened',
    o: { before?: string; name?: 'pull_request' | 'pull_request_target' } = {},
  ): { name: string; payload: Payload } {
    const pull = pullOf(g, n);
    const payload: Payload = { action, number: n, pull_request: pull, repository: g.repository(), sender: pull.user };
    if (action === 'synchronize') Object.assign(payload, { before: o.before ?? null, after: pull.head.sha });
    return { name: o.name ?? 'pull_request', payload };
  },

  /** `issue_comment` `created` on PR `n`: the comment is added to the fake first (the action may react to it). */
  issueComment(g: FakeGitHub, n: number, body: string, author = 'maintainer'): { name: string; payload: Payload } {
    const pull = g.pullJson(n) as Payload;
    const c = g.addIssueComment(n, body, author);
    const user = { login: author, type: 'User', id: 900 };
    return {
      name: 'issue_comment',
      payload: {
        action: 'created',
        issue: {
          number: n,
          title: pull.title,
          body: pull.body,
          state: pull.state,
          user: pull.user,
          html_url: pull.html_url,
          pull_request: { url: `${g.url}/repos/${g.owner}/${g.repo}/pulls/${n}`, html_url: pull.html_url },
        },
        comment: { id: c.id, node_id: c.nodeId, body, user, html_url: c.htmlUrl, author_association: 'MEMBER' },
        repository: g.repository(),
        sender: user,
      },
    };
  },

  /** `workflow_run` `completed` for the collect workflow of PR `n` (a fork's lists no pull request, as on GitHub). */
  workflowRun(
    g: FakeGitHub,
    n: number,
    o: { conclusion?: string; runId?: number } = {},
  ): { name: string; payload: Payload } {
    const pull = g.pullJson(n) as Payload;
    const fork = pull.head.repo.fork === true;
    const side = (s: Payload) => ({
      ref: s.ref,
      sha: s.sha,
      repo: { id: s.repo.id, name: s.repo.name, url: s.repo.html_url },
    });
    return {
      name: 'workflow_run',
      payload: {
        action: 'completed',
        workflow_run: {
          id: o.runId ?? 9001,
          name: 'orchestrate collect',
          event: 'pull_request',
          status: 'completed',
          conclusion: o.conclusion ?? 'success',
          run_attempt: 1,
          head_sha: pull.head.sha,
          head_branch: pull.head.ref,
          head_repository: pull.head.repo,
          repository: g.repository(),
          pull_requests: fork ? [] : [{ id: pull.id, number: n, head: side(pull.head), base: side(pull.base) }],
          html_url: `https://github.com/${g.owner}/${g.repo}/actions/runs/${o.runId ?? 9001}`,
        },
        repository: g.repository(),
        sender: { login: 'contributor', type: 'User' },
      },
    };
  },
};

/**
 * A checkout as actions/checkout makes it: `merge` (the default on pull_request: refs/pull/N/merge), `head` (the PR's
 * head commit, detached) or `default` (main: issue_comment and workflow_run workflows), fetched at `depth` (0: all),
 * with the token kept as an extraheader (persist-credentials). Removed when the test finishes.
 */
export function checkoutPull(
  g: FakeGitHub,
  n: number,
  o: { ref?: 'merge' | 'head' | 'default'; depth?: number } = {},
): string {
  const dir = tempDir('orch-ws-');
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git('init', '-q', '--initial-branch=main');
  git('remote', 'add', 'origin', `file://${g.bareRepo}`);
  const ref = o.ref ?? 'merge';
  const src =
    ref === 'default'
      ? 'refs/heads/main'
      : ref === 'head'
        ? g.pull(n).headSha
        : g.mergeRef(n)
          ? `refs/pull/${n}/merge`
          : null;
  if (!src) throw new Error(`checkoutPull: PR ${n} has a merge conflict (no merge ref)`);
  const depth = (o.depth ?? 1) > 0 ? [`--depth=${o.depth ?? 1}`] : [];
  git('fetch', '-q', '--no-tags', ...depth, 'origin', ref === 'head' ? src : `+${src}:refs/remotes/origin/checkout`);
  git('checkout', '-q', '--detach', 'FETCH_HEAD');
  if (ref === 'default') git('checkout', '-q', '-B', 'main', 'FETCH_HEAD');
  const basic = Buffer.from(`x-access-token:${g.token}`).toString('base64');
  git('config', '--local', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${basic}`);
  return dir;
}
