// Post mode in process: the privileged half. Results come from a real collect run; post runs in an empty folder
// (no checkout, no git), against the in-memory GitHub API with a write token.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resultsDir, RESULTS_FILE } from '../src/artifact.js';
import { collectMode } from '../src/modes/collect.js';
import { postMode } from '../src/modes/post.js';
import { parseSummaryMarker } from '../src/summary-comment.js';
import { memoryApi } from './helpers/memory-api.js';
import { prRepos, pullEvent, testContext, type PrRepos } from './helpers/mode-bench.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const CHANGED = 'export function f(x: number): number {\n  console.log(x);\n  return x == 1 ? x : 0;\n}\n';

/** A fork PR collected by a real collect run; returns the artifact folder and a post runner. */
async function collected() {
  const repos: PrRepos = prRepos({ 'src/a.ts': 'export const a = 1;\n' }, { 'src/a.ts': CHANGED });
  cleanups.push(() => repos.cleanup());
  const pull = repos.pull({ fork: true });
  const api = memoryApi({ pulls: [pull], git: repos.origin });
  const collect = testContext({
    api: memoryApi({ pulls: [pull], git: repos.origin, readOnly: true }),
    workspace: repos.workspace(pull.headSha),
    temp: repos.temp,
    event: pullEvent('opened', pull),
  });
  const collectedRun = await collectMode(collect.ctx);
  const artifact = resultsDir(repos, collectedRun.runId!);
  const empty = mkdtempSync(path.join(tmpdir(), 'orch-post-'));
  cleanups.push(() => rmSync(empty, { recursive: true, force: true }));
  const post = (o: { headSha?: string; pulls?: number[]; artifactPath?: string | null } = {}) => {
    const payload = {
      action: 'completed',
      workflow_run: {
        id: 99,
        event: 'pull_request',
        head_sha: o.headSha ?? pull.headSha,
        head_branch: 'feature',
        head_repository: { full_name: 'fork/widgets', owner: { login: 'fork' } },
        pull_requests: (o.pulls ?? []).map((number) => ({ number })),
      },
    };
    const { ctx, kit } = testContext({
      api,
      workspace: empty,
      temp: path.join(empty, 'runner-temp'),
      event: { name: 'workflow_run', payload },
      inputs: {
        artifactPath: o.artifactPath === undefined ? artifact : o.artifactPath,
        githubToken: 'ghs_posttoken1111111111111111111111111111',
      },
    });
    return postMode(ctx).then((result) => ({ result, kit }));
  };
  /** Rewrites the artifact's results as a forger would. */
  const forge = (edit: (r: any) => void) => {
    const file = path.join(artifact, RESULTS_FILE);
    const r = JSON.parse(readFileSync(file, 'utf8'));
    edit(r);
    writeFileSync(file, JSON.stringify(r));
  };
  return { repos, pull, api, post, forge, artifact, collectedRun, empty };
}

describe('post mode', () => {
  it('posts a fork’s collected results: one review on the head, the summary, SARIF rebuilt; no checkout needed', async () => {
    const { pull, api, post, collectedRun, empty } = await collected();
    const { result } = await post();
    expect(api.callsOf('findPulls')[0]!.args[0]).toEqual({ owner: 'fork', branch: 'feature' });
    const reviews = api.callsOf('createReview');
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.args[1].commitId).toBe(pull.headSha);
    expect(result.commentsPosted).toBe(collectedRun.findings.filter((f) => f.line >= 1 && f.line <= 4).length);
    expect(api.calls.filter((c) => c.status === 422)).toEqual([]);
    expect(parseSummaryMarker(api.state.issueComments[0]!.body)).toMatchObject({
      kind: 'review',
      reviewed: pull.headSha,
    });
    expect(result.sarifPath!.startsWith(empty)).toBe(true);
    expect(JSON.parse(readFileSync(result.sarifPath!, 'utf8')).runs[0].results).toHaveLength(
      collectedRun.findings.length,
    );
    expect(result.runId).toBe(collectedRun.runId);
    expect(result.reportPath).toBeNull();
  });

  it('posting the same results again posts nothing twice', async () => {
    const { api, post } = await collected();
    await post();
    const count = api.state.reviewComments.length;
    await post();
    expect(api.state.reviewComments).toHaveLength(count);
    expect(api.state.issueComments).toHaveLength(1);
  });

  it('a forged artifact cannot resolve our findings or offer a suggestion: post only adds', async () => {
    const { api, post, forge } = await collected();
    await post();
    const posted = api.state.reviewComments.length;
    expect(posted).toBeGreaterThan(0);
    // Results that say "nothing found": the earlier findings stay open, no thread is resolved or hidden.
    forge((r) => (r.findings = []));
    await post();
    expect(api.callsOf('resolveThread')).toEqual([]);
    expect(api.callsOf('minimizeComment')).toEqual([]);
    // A suggestion in the artifact was never checked against the code here: none is posted.
    const again = await collected();
    again.forge((r) => {
      for (const f of r.findings) f.fix = { replacement: 'export function f(): void {}' };
    });
    await again.post();
    expect(again.api.state.reviewComments.length).toBeGreaterThan(0);
    for (const c of again.api.state.reviewComments) expect(c.body).not.toContain('```suggestion');
  });

  it('refuses results for another pull request or another head SHA', async () => {
    const other = await collected();
    other.forge((r) => (r.pull.number = 2));
    await expect(other.post()).rejects.toMatchObject({ code: 'E_USAGE', message: /refused/ });
    const sha = await collected();
    sha.forge((r) => (r.pull.headSha = 'e'.repeat(40)));
    await expect(sha.post()).rejects.toMatchObject({ code: 'E_USAGE', message: /refused/ });
    const listed = await collected();
    await expect(listed.post({ pulls: [5] })).rejects.toMatchObject({ code: 'E_USAGE' });
    for (const c of [other, sha, listed]) expect(c.api.writes()).toEqual([]);
  });

  it('refuses a bad schema and an oversized file before any call to GitHub', async () => {
    const bad = await collected();
    bad.forge((r) => (r.findings[0].file = '../../../etc/passwd'));
    await expect(bad.post()).rejects.toMatchObject({ code: 'E_USAGE' });
    const big = await collected();
    writeFileSync(path.join(big.artifact, RESULTS_FILE), ' '.repeat(6 * 1024 * 1024));
    await expect(big.post()).rejects.toMatchObject({ code: 'E_USAGE' });
    expect(bad.api.calls).toEqual([]);
    expect(big.api.calls).toEqual([]);
  });

  it('text from the artifact is data: a secret and the token are redacted in everything posted', async () => {
    const { api, post, forge } = await collected();
    const secret = 'ghs_posttoken1111111111111111111111111111';
    forge((r) => {
      r.findings[0].message = `see ${secret} and sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef <!-- orchestrate:summary {} -->`;
    });
    await post();
    const posted = JSON.stringify(api.writes().map((c) => c.args));
    expect(posted).not.toContain(secret);
    expect(posted).not.toContain('sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef');
  });

  it('a PR that moved on since: the summary only, no inline comment', async () => {
    const { repos, pull, api, post } = await collected();
    repos.dev.write('src/a.ts', `${CHANGED}// more\n`);
    repos.dev.commit('moved on');
    repos.dev.git('push', '--quiet', 'origin', 'feature');
    api.setHead(1, repos.sha('feature'));
    const { result } = await post({ headSha: pull.headSha, pulls: [1] });
    expect(result.commentsPosted).toBe(0);
    expect(api.callsOf('createReview')).toHaveLength(0);
    expect(api.writes().map((c) => c.method)).toEqual(['createIssueComment']);
  });

  it('without artifact-path: a usage error naming the input; another event: skipped', async () => {
    const { api, post, empty } = await collected();
    await expect(post({ artifactPath: null })).rejects.toMatchObject({ code: 'E_USAGE', message: /artifact-path/ });
    const { ctx } = testContext({ api, workspace: empty, temp: empty, event: { name: 'pull_request', payload: {} } });
    expect((await postMode(ctx)).skipped).toMatch(/workflow_run/);
    expect(api.calls).toEqual([]);
  });
});
