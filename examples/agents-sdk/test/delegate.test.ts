// The example end to end on one wire-level fake: the delegating agent (model `delegator`) calls `orchestrate` once,
// orchestrate's planner, worker and verifier (told apart by model name) make a real run in a temp repository, and the
// agent answers from the result. Needs the RunManager of @orchestrate/engine (issue 15, part 3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFakeOpenAI,
  type FakeReply,
  type FakeRequest,
  type FakeServer,
} from '../../../test/fake/openai-server.js';
import { MATH_TS, MODELS, onePerCall, scripted } from '../../../test/e2e/openai-script.js';
import { makeRepo, type TempRepo } from '../../../test/helpers/repo.js';
import { DELEGATOR_MODEL, delegate, type Delegated } from '../delegate.js';

const TASK = 'add docstrings to src/math.ts';

/** The output of the tool call the agent made, as the SDK sends it back (Responses `function_call_output`). */
function toolOutput(req: FakeRequest): string | null {
  const input = (req.body as { input?: unknown }).input;
  const item = Array.isArray(input) ? input.find((i: any) => i?.type === 'function_call_output') : undefined;
  if (!item) return null;
  return typeof item.output === 'string' ? item.output : JSON.stringify(item.output);
}

/** The delegator: calls orchestrate with the user's task, then answers with the run id and status it got back. */
function delegator(req: FakeRequest): FakeReply {
  const output = toolOutput(req);
  if (output === null) {
    const args = { task: TASK, cwd: null, engine: null, models: null, budgetUsd: null, concurrency: null };
    return { functionCall: { name: 'orchestrate', arguments: { ...args, batch: null, resume: null } } };
  }
  const result = JSON.parse(output) as { runId?: string; status?: string; branch?: string };
  return { text: `Run ${result.runId} ${result.status}: the docstrings are on ${result.branch}.` };
}

describe('examples/agents-sdk delegate()', () => {
  let server: FakeServer;
  let repo: TempRepo;
  let before: string;
  let out: Delegated;

  beforeAll(async () => {
    const roles = scripted();
    server = await startFakeOpenAI((req) => (req.model === DELEGATOR_MODEL ? delegator(req) : roles(req)));
    repo = makeRepo(onePerCall({ 'src/math.ts': MATH_TS }));
    before = repo.snapshot();
    out = await delegate({
      repo: repo.dir,
      baseURL: server.url,
      apiKey: 'test-key',
      task: 'Please document src/math.ts.',
    });
  });
  afterAll(async () => {
    await server.close();
    repo?.cleanup();
  });

  it('calls orchestrate once and the run completes with its commit on its own branch', () => {
    const result = out.result!;
    expect(result).toMatchObject({ finished: true, status: 'completed' });
    expect(result.branch).toMatch(/^orchestrate\//);
    expect(result.commits.length).toBeGreaterThan(0);
    const commit = result.commits[0]!;
    expect(commit.files).toContain('src/math.ts');
    expect(repo.git('rev-parse', result.branch!).trim()).toBe(result.commits.at(-1)!.sha);
    expect(repo.git('log', '--format=%s', `${result.baseCommit}..${result.branch}`)).toContain(commit.subject);
    expect(repo.git('show', `${result.branch}:src/math.ts`)).toMatch(/\/\*\*[\s\S]*export function add/);
    const calls = server.log.filter((e) => e.request.model === DELEGATOR_MODEL);
    expect(calls).toHaveLength(2);
    // The rules map "add docstrings to src/math.ts" (planning: auto), so the planner model is not called.
    for (const role of ['worker', 'verifier'] as const) {
      expect(server.log.some((e) => e.request.model === MODELS[role] && e.status === 200)).toBe(true);
    }
    expect(server.log.some((e) => e.request.model === MODELS.planner)).toBe(false);
  });

  it("answers with the run's id, and leaves the user's tree, index and branch as they were", () => {
    expect(out.text).toContain(out.result!.runId);
    expect(out.text).toContain('completed');
    expect(repo.snapshot()).toBe(before);
  });
});
