// Task mode in process: the real runTask (offline engine, or openai against the wire-level fake) on a PR's workspace
// clone, pushing to a bare origin (a pre-receive hook plays a protected branch), against the in-memory GitHub API.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { taskMode } from '../src/modes/task.js';
import { parseSummaryMarker } from '../src/summary-comment.js';
import type { ActionInputs } from '../src/types.js';
import { startFakeOpenAI, type FakeServer } from '../../../test/fake/openai-server.js';
import { MATH_TS, scripted, type Script } from '../../../test/e2e/openai-script.js';
import { memoryApi } from './helpers/memory-api.js';
import { prRepos, protectBranch, pullEvent, testContext, type PrRepos } from './helpers/mode-bench.js';

const TASK = 'add docstrings to the exported functions and classes';
// The budget test's figures count the scripted planner call: planning model (auto lets the rules plan this task).
const CONFIG = "export default { packing: { maxJobs: 1 }, planning: 'model' };\n";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function setup(
  o: { fork?: boolean; files?: Record<string, string>; permissions?: Record<string, 'write' | 'read'> } = {},
) {
  const repos: PrRepos = prRepos(o.files ?? { 'src/math.ts': MATH_TS, 'agents.config.ts': CONFIG }, {
    'README.md': '# widgets\n',
  });
  cleanups.push(() => repos.cleanup());
  const pull = repos.pull({ fork: o.fork });
  const api = memoryApi({
    pulls: [pull],
    git: repos.origin,
    permissions: o.permissions ?? { alice: 'write', mallory: 'read' },
  });
  const run = async (event: { name: string; payload: Record<string, unknown> }, inputs: Partial<ActionInputs> = {}) => {
    const workspace = repos.workspace(pull.headSha);
    const { ctx, kit } = testContext({ api, workspace, temp: repos.temp, event, inputs });
    return { result: await taskMode(ctx), kit, workspace };
  };
  return { repos, pull, api, run };
}

const commentEvent = (author: string, body: string) => ({
  name: 'issue_comment',
  payload: {
    action: 'created',
    issue: { number: 1, pull_request: { url: 'https://api.github.test/pulls/1' } },
    comment: { id: 77, body, user: { login: author } },
  },
});

/** The commits on `to` that are not on `from`, oldest first. */
const commitsBetween = (repos: PrRepos, from: string, to: string) =>
  repos.dev.git('--git-dir', repos.origin, 'rev-list', '--reverse', `${from}..${to}`).split('\n').filter(Boolean);

describe('task mode', () => {
  it('same repository: pushes exactly the verified commits to the head branch, and summarizes them', async () => {
    const { repos, pull, api, run } = setup();
    const { result } = await run(pullEvent('labeled', pull), { task: TASK });
    expect(result.report?.commits.length).toBeGreaterThan(0);
    const pushed = commitsBetween(repos, pull.headSha, repos.sha('feature'));
    expect(pushed).toEqual(result.report!.commits.map((c) => c.sha));
    expect(repos.dev.git('--git-dir', repos.origin, 'show', `feature:src/math.ts`)).toContain('/**');
    expect(api.state.createdPulls).toEqual([]);
    expect(api.state.issueComments).toHaveLength(1);
    expect(parseSummaryMarker(api.state.issueComments[0]!.body)).toMatchObject({ kind: 'task', reviewed: null });
    expect(result.problems).toEqual([]);
    expect(result.publishFailed).toBe(false);
  });

  it('a `/orchestrate` comment by a user with write access runs its task (👀 on the comment)', async () => {
    const { repos, pull, api, run } = setup();
    const { result } = await run(commentEvent('alice', `/orchestrate ${TASK}`));
    expect(result.skipped).toBeUndefined();
    expect(api.state.reactions).toEqual([{ commentId: 77, content: 'eyes' }]);
    expect(commitsBetween(repos, pull.headSha, repos.sha('feature'))).toHaveLength(result.report!.commits.length);
  });

  it('a comment by a user without write access: no run, one reply that mentions no one', async () => {
    const { repos, pull, api, run } = setup();
    const { result, workspace } = await run(commentEvent('mallory', `/orchestrate ${TASK}`));
    expect(result.skipped).toMatch(/permission/);
    expect(result.runId).toBeNull();
    expect(api.writes().map((c) => c.method)).toEqual(['createIssueComment']);
    const reply = api.state.issueComments[0]!.body;
    expect(reply).not.toContain('@');
    expect(reply).not.toContain('mallory');
    expect(existsSync(path.join(workspace, '.orchestrate', 'runs'))).toBe(false);
    expect(repos.sha('feature')).toBe(pull.headSha);
  });

  it('a comment that is no command, or an edited one, is skipped without a word', async () => {
    const { api, run } = setup();
    expect((await run(commentEvent('alice', 'LGTM'))).result.skipped).toMatch(/not an/);
    const edited = commentEvent('alice', `/orchestrate ${TASK}`);
    edited.payload.action = 'edited';
    expect((await run(edited)).result.skipped).toMatch(/not just created/);
    expect(api.writes()).toEqual([]);
  });

  it('a protected head branch: the commits go to a new branch with a pull request against the head branch', async () => {
    const { repos, pull, api, run } = setup();
    protectBranch(repos.origin, 'feature');
    const { result } = await run(pullEvent('labeled', pull), { task: TASK });
    expect(repos.sha('feature')).toBe(pull.headSha);
    const branch = result.report!.branch!;
    expect(commitsBetween(repos, pull.headSha, repos.sha(branch))).toEqual(result.report!.commits.map((c) => c.sha));
    expect(api.state.createdPulls).toEqual([expect.objectContaining({ head: branch, base: 'feature' })]);
    expect(api.state.issueComments[0]!.body).toMatch(/refused/);
  });

  it('a head branch that moved since the run started is not overwritten (the lease): a new branch and PR', async () => {
    const { repos, pull, api, run } = setup();
    repos.dev.write('OTHER.md', 'someone else pushed\n');
    repos.dev.commit('concurrent push');
    repos.dev.git('push', '--quiet', 'origin', 'feature');
    const moved = repos.sha('feature');
    const { result } = await run(pullEvent('labeled', pull), { task: TASK });
    expect(repos.sha('feature')).toBe(moved);
    expect(api.state.createdPulls).toEqual([expect.objectContaining({ head: result.report!.branch, base: 'feature' })]);
  });

  it('a fork: a new branch here and a pull request against the base branch that says it holds #1’s commits', async () => {
    const { repos, pull, api, run } = setup({ fork: true });
    const { result } = await run(pullEvent('labeled', pull), { task: TASK });
    expect(repos.sha('feature')).toBe(pull.headSha);
    const created = api.state.createdPulls;
    expect(created).toEqual([expect.objectContaining({ head: result.report!.branch, base: 'main' })]);
    expect(created[0]!.body).toMatch(/#1/);
    expect(created[0]!.body).toMatch(/fork/);
  });

  it('a task the run refuses (offline engine, unsupported) fails the step and says why on the PR', async () => {
    const { pull, api, run } = setup();
    await expect(run(pullEvent('labeled', pull), { task: 'rewrite the parser in Rust' })).rejects.toMatchObject({
      code: expect.stringMatching(/^E_/),
    });
    expect(api.state.issueComments).toHaveLength(1);
    expect(api.state.issueComments[0]!.body).toMatch(/did not run/);
  });

  it('no task input outside a comment is a usage error naming the input', async () => {
    const { pull, run } = setup();
    await expect(run(pullEvent('labeled', pull))).rejects.toMatchObject({ code: 'E_USAGE', message: /`task`/ });
  });
});

describe('task mode on the openai engine', () => {
  const many = Array.from(
    { length: 12 },
    (_, i) => `export function f${i}(x: number): number {\n  return x + ${i};\n}\n`,
  ).join('\n');

  async function server(script: Script): Promise<FakeServer> {
    const s = await startFakeOpenAI(scripted(script));
    cleanups.push(() => s.close());
    return s;
  }
  const openai = (s: FakeServer, budgetUsd = 0.5): Partial<ActionInputs> => ({
    task: 'add docstrings to src/math.ts',
    engine: 'openai',
    openaiApiKey: 'test-key',
    baseUrl: s.url,
    budgetUsd,
  });

  it('pushes only verified work: a job the verifier rejects is not in the pushed commits, the summary says so', async () => {
    const { repos, pull, api, run } = setup();
    const s = await server({ accept: (symbol) => symbol !== 'divide' });
    const { result } = await run(pullEvent('labeled', pull), openai(s));
    const pushed = repos.dev.git('--git-dir', repos.origin, 'show', 'feature:src/math.ts');
    expect(result.report!.commits.length).toBeGreaterThan(0);
    expect(pushed).toMatch(/\/\*\*[\s\S]*export function add/);
    expect(pushed).not.toMatch(/\*\/\nexport function divide/);
    expect(api.state.issueComments[0]!.body).toMatch(/Not committed: docstring of divide/);
    expect(commitsBetween(repos, pull.headSha, repos.sha('feature'))).toEqual(result.report!.commits.map((c) => c.sha));
  });

  it('a budget stop still pushes the verified commits, and the spend stays within the budget', async () => {
    const { repos, pull, run } = setup({ files: { 'src/math.ts': many, 'agents.config.ts': CONFIG } });
    const s = await server({
      steps: undefined,
      usage: {
        planner: { input: 100, cached: 0, output: 3900 },
        worker: { input: 100, cached: 0, output: 800 },
        verifier: { input: 300, cached: 0, output: 1000 },
      },
    });
    const budget = 0.0714;
    const { result } = await run(pullEvent('labeled', pull), openai(s, budget));
    expect(result.report!.status).toBe('budget-exceeded');
    expect(result.report!.commits.length).toBeGreaterThan(0);
    expect(result.costUsd).toBeLessThanOrEqual(budget * 1.5);
    expect(commitsBetween(repos, pull.headSha, repos.sha('feature'))).toEqual(result.report!.commits.map((c) => c.sha));
  });
});
