// The run manager in process: offline runs end to end, and runs held at their planner call (a fake server that answers
// only when the test says so) for the limits, the budget cap, shutdown and errors. No test times anything.
import { describe, expect, it, onTestFinished } from 'vitest';
import { RunManager, type DelegateOptions } from '../../src/delegate/run-manager.js';
import { RunRegistry, type ManagedRun } from '../../src/delegate/registry.js';
import { ResultOutput, StartOutput, StatusOutput, CancelOutput } from '../../src/delegate/schemas.js';
import { startFakeOpenAI, type FakeRequest } from '../../../../test/fake/openai-server.js';
import { MATH_TS, fakeEnv, roleOf, scripted } from '../../../../test/e2e/openai-script.js';
import { makeRepo, type TempRepo } from '../../../../test/helpers/repo.js';

const FILES = { 'src/math.ts': MATH_TS, 'agents.config.ts': 'export default { packing: { maxJobs: 1 } };\n' };
const TASK = 'add docstrings to src/math.ts';
/** A task the planning rules do not map (its last words are for a model to read), so the planner model is asked. */
const MODEL_TASK = 'add docstrings to src/math.ts for new contributors';

function repo(): TempRepo {
  const r = makeRepo(FILES);
  onTestFinished(() => r.cleanup());
  return r;
}

function manager(options: DelegateOptions): RunManager {
  const m = new RunManager({ graceMs: 200, ...options });
  onTestFinished(() => m.close());
  return m;
}

/** A fake server whose planner answers only once `release()` is called. */
async function heldServer() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const answer = scripted();
  const server = await startFakeOpenAI(async (req: FakeRequest) => {
    if (roleOf(req) === 'planner') await gate;
    return answer(req);
  });
  onTestFinished(async () => {
    release();
    await server.close();
  });
  return { server, release, env: fakeEnv(server) };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: { code?: string; message?: string }) => ({ code: e.code, message: e.message ?? '' }),
  );

describe('RunManager, offline engine', () => {
  it('start resolves with the run, status follows it, result gives commits, diffstat and next steps', async () => {
    const r = repo();
    const before = r.snapshot();
    const m = manager({ roots: [r.dir], env: {}, defaults: { engine: 'offline' } });
    const started = StartOutput.parse(await m.start({ task: TASK }));
    expect(started).toMatchObject({ state: 'running', engine: 'offline', branch: `orchestrate/${started.runId}` });
    expect(started.summary).toContain(started.runId);

    const result = ResultOutput.parse(await m.result({ runId: started.runId, waitSec: 120 }));
    expect(result).toMatchObject({ finished: true, status: 'completed', error: null, branch: started.branch });
    expect(result.jobs.succeeded).toBe(3);
    expect(result.commits).toHaveLength(1);
    expect(result.diffstat).toMatchObject({ files: 1, deletions: 0 });
    expect(result.diffstat.insertions).toBeGreaterThan(0);
    expect(result.diffstat.perFile[0]!.path).toBe('src/math.ts');
    expect(result.next).toEqual({
      look: `git log -p ${result.baseCommit!.slice(0, 12)}..${started.branch}`,
      apply: `apply_run ${started.runId}`,
      undo: `undo_run ${started.runId}`,
    });
    expect(result.summary).toMatch(new RegExp(`^Run ${started.runId} \\(offline engine\\) completed: 3 of 3 jobs`));
    expect(result.reportPath).toMatch(/report\.json$/);

    const status = StatusOutput.parse(await m.status({ runId: started.runId, events: 200 }));
    expect(status).toMatchObject({ state: 'completed', finished: true, error: null, etaMs: null });
    expect(status.jobs).toMatchObject({ total: 3, done: 3, failed: 0, running: 0, queued: 0 });
    const seqs = status.events.map((l) => l.seq);
    expect(seqs[0]).toBe(0);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    expect(status.nextSeq).toBe(seqs.length);
    expect((await m.status({ runId: started.runId, sinceSeq: status.nextSeq })).events).toEqual([]);
    expect((await m.status({ runId: started.runId, events: 2 })).events.map((l) => l.seq)).toEqual(seqs.slice(-2));
    expect(r.snapshot()).toBe(before);

    // Another process (a new manager: nothing in memory) reads the run from disk.
    const other = manager({ roots: [r.dir], env: {} });
    const fromDisk = ResultOutput.parse(await other.result({ runId: started.runId }));
    expect(fromDisk).toMatchObject({
      finished: true,
      status: 'completed',
      commits: result.commits,
      diffstat: result.diffstat,
    });
    const diskStatus = StatusOutput.parse(await other.status({ runId: started.runId }));
    expect(diskStatus).toMatchObject({ state: 'completed', finished: true, events: [] });
    expect(diskStatus.jobs).toMatchObject({ total: 3, done: 3 });
    const cancelled = CancelOutput.parse(await other.cancel({ runId: started.runId }));
    expect(cancelled).toMatchObject({ state: 'completed', resumable: false, resume: null });
    await expect(codeOf(other.status({ runId: 'no-such-run' }))).resolves.toMatchObject({ code: 'E_USAGE' });
    await expect(codeOf(other.status({ runId: '../x' }))).resolves.toMatchObject({ code: 'E_USAGE' });
  });

  it('a later error is recorded: start resolves, status and result say failed with the code', async () => {
    const r = repo();
    const m = manager({ roots: [r.dir], env: {}, defaults: { engine: 'offline' } });
    const started = await m.start({ task: 'add docstrings to src/nope.ts' });
    const result = ResultOutput.parse(await m.result({ runId: started.runId, waitSec: 60 }));
    expect(result).toMatchObject({ finished: true, status: 'failed', error: { code: 'E_PATH_NOT_FOUND' } });
    expect(result.summary).toContain('[E_PATH_NOT_FOUND]');
    const status = StatusOutput.parse(await m.status({ runId: started.runId }));
    expect(status).toMatchObject({ state: 'failed', finished: true, error: { code: 'E_PATH_NOT_FOUND' } });
    expect(status.events.at(-1)).toMatchObject({ type: 'error', code: 'E_PATH_NOT_FOUND' });
  });
});

describe('RunManager, setup errors and limits (runs held at the planner)', () => {
  it('setup errors reject start: no API key, not a repository, outside the roots', async () => {
    const r = repo();
    const plain = makeRepo({}, { git: false });
    onTestFinished(() => plain.cleanup());
    const m = manager({ roots: [r.dir, plain.dir], env: {} });
    await expect(codeOf(m.start({ task: TASK, engine: 'openai' }))).resolves.toMatchObject({ code: 'E_NO_API_KEY' });
    await expect(codeOf(m.start({ task: TASK, cwd: plain.dir }))).resolves.toMatchObject({ code: 'E_NOT_GIT_REPO' });
    await expect(codeOf(m.start({ task: TASK, cwd: '/' }))).resolves.toMatchObject({ code: 'E_OUTSIDE_ROOTS' });
    // A failed setup holds no slot: the repository is free for the next run.
    const ok = await m.start({ task: TASK, engine: 'offline' });
    expect((await m.result({ runId: ok.runId, waitSec: 60 })).finished).toBe(true);
  });

  it('one run per repository, maxRuns per process, the budget capped by maxBudgetUsd', async () => {
    const a = repo();
    const b = repo();
    const { env, release } = await heldServer();
    const m = manager({ roots: [a.dir, b.dir], env, maxRuns: 1, maxBudgetUsd: 0.5, defaults: { engine: 'openai' } });
    const first = await m.start({ task: TASK, budgetUsd: 5 });
    const again = await codeOf(m.start({ task: TASK }));
    expect(again).toMatchObject({ code: 'E_USAGE' });
    expect(again!.message).toContain(`Run ${first.runId} is in progress in this repository`);
    expect(again!.message).toContain('cancel_run');
    const other = await codeOf(m.start({ task: TASK, cwd: b.dir }));
    expect(other).toMatchObject({ code: 'E_USAGE' });
    expect(other!.message).toContain(`at most 1 run(s) at once and ${first.runId} is in progress`);

    const status = StatusOutput.parse(await m.status({ runId: first.runId }));
    expect(status).toMatchObject({ state: 'running', finished: false, budgetUsd: 0.5, error: null });
    const pending = ResultOutput.parse(await m.result({ runId: first.runId }));
    expect(pending).toMatchObject({ finished: false, status: null });
    expect(pending.summary).toContain('still running');
    await expect(codeOf(m.apply({ runId: first.runId }))).resolves.toMatchObject({ code: 'E_USAGE' });

    release();
    const done = ResultOutput.parse(await m.result({ runId: first.runId, waitSec: 120 }));
    expect(done).toMatchObject({ finished: true, status: 'completed', budgetUsd: 0.5 });

    // No budget asked: the maximum; a budget below the maximum: as asked.
    const second = await m.start({ task: TASK, cwd: b.dir, budgetUsd: 0.25 });
    expect((await m.result({ runId: second.runId, waitSec: 120 })).budgetUsd).toBe(0.25);
    const third = await m.start({ task: TASK, cwd: b.dir, models: { worker: 'gpt-5.4-nano' } });
    expect((await m.result({ runId: third.runId, waitSec: 120 })).budgetUsd).toBe(0.5);
  });

  it('close() ends a run held in its planner call and refuses new runs', async () => {
    const r = repo();
    const { env } = await heldServer();
    const m = new RunManager({ roots: [r.dir], env, graceMs: 50, defaults: { engine: 'openai' } });
    const held = await m.start({ task: MODEL_TASK });
    await m.close();
    // The stop lets the planner's call go on; the abort after the grace period cancels it, so the run has ended.
    const status = StatusOutput.parse(await m.status({ runId: held.runId }));
    expect(status).toMatchObject({ state: 'interrupted', finished: true, error: { code: 'E_INTERRUPTED' } });
    expect(status.error!.message).toContain(`orchestrate resume ${held.runId}`);
    const cancelled = CancelOutput.parse(await m.cancel({ runId: held.runId }));
    expect(cancelled).toMatchObject({ state: 'interrupted', resumable: true });
    await expect(codeOf(m.start({ task: MODEL_TASK }))).resolves.toMatchObject({ code: 'E_USAGE' });
  });
});

describe('RunRegistry', () => {
  it('keeps every running run and only the newest finished ones', () => {
    const reg = new RunRegistry(2);
    const run = (id: string, state: ManagedRun['state']) => ({ id, state }) as ManagedRun;
    for (const [id, state] of [
      ['a', 'completed'],
      ['b', 'running'],
      ['c', 'failed'],
      ['d', 'interrupted'],
    ] as const)
      reg.add(run(id, state));
    expect(reg.get('a')).toBeUndefined();
    expect(['b', 'c', 'd'].map((id) => reg.get(id)?.id)).toEqual(['b', 'c', 'd']);
    reg.add(run('e', 'completed'));
    expect(reg.get('c')).toBeUndefined();
    expect(reg.running().map((r) => r.id)).toEqual(['b']);
  });
});

describe('RunManager: a refused resume', () => {
  it('rejects start and leaves the run as it was', async () => {
    const r = repo();
    const m = manager({ roots: [r.dir], env: {}, defaults: { engine: 'offline' } });
    const started = await m.start({ task: TASK });
    await m.result({ runId: started.runId, waitSec: 60 });
    const refused = await codeOf(m.start({ task: TASK, resume: started.runId }));
    expect(refused).toMatchObject({ code: 'E_USAGE' });
    expect(refused!.message).toContain('cannot be resumed');
    expect((await m.status({ runId: started.runId })).state).toBe('completed');
    await expect(codeOf(m.start({ task: TASK, resume: '../etc' }))).resolves.toMatchObject({ code: 'E_USAGE' });
  });
});
