// The run's events as a delegating shell reads them (issue 15, design §1a): runTask() in process, offline and on the
// fake OpenAI server. The report is the reference: every event that repeats what it holds must agree with it.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '@orchestrate/core';
import {
  startFakeOpenAI,
  type FakeReply,
  type FakeRequest,
  type FakeServer,
} from '../../../test/fake/openai-server.js';
import { fakeModelEnv, runEngine, runOutcome } from '../../../test/helpers/engine.js';
import { makeRepo, type TempRepo } from '../../../test/helpers/repo.js';
import { docStep, MODELS, scripted } from '../../../test/e2e/openai-script.js';
import { docParams, paramFields } from '../../../test/fake/doc-fields.js';

const MATH = `export function add(a: number, b: number): number {
  return a + b;
}

export function divide(dividend: number, divisor: number): number {
  if (divisor === 0) throw new RangeError('division by zero');
  return dividend / divisor;
}

export class Store {
  private items: string[] = [];

  add(item: string): void {
    this.items.push(item);
  }
}
`;

const SIX = Array.from(
  { length: 6 },
  (_, i) => `export function f${i}(x${i}: number): number {\n  return x${i} + ${i};\n}\n`,
).join('\n');

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function repoWith(files: Record<string, string>): TempRepo {
  const repo = makeRepo(files);
  cleanups.push(() => repo.cleanup());
  return repo;
}

async function fake(handler: (req: FakeRequest) => FakeReply): Promise<FakeServer> {
  const server = await startFakeOpenAI(handler);
  cleanups.push(() => server.close());
  return server;
}

type Of<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>;
const ofType = <T extends RunEvent['type']>(events: RunEvent[], type: T): Of<T>[] =>
  events.filter((e): e is Of<T> => e.type === type);

/**
 * What holds for every run that reaches its report: nothing but the setup phase comes before run-start, done is last,
 * every started job ends exactly once (and every job ends), each job-end's item is the report's, and the commit events
 * are the report's commits, files included.
 */
function expectConsistent(events: RunEvent[], report: Record<string, any>): void {
  const first = events.findIndex((e) => e.type === 'run-start');
  expect(first).toBeGreaterThanOrEqual(0);
  expect(events.slice(0, first)).toEqual(events.slice(0, first).map(() => ({ type: 'phase', phase: 'setup' })));
  expect(ofType(events, 'run-start')).toHaveLength(1);
  expect(events.at(-1)).toMatchObject({ type: 'done' });
  expect(ofType(events, 'done')).toHaveLength(1);

  const ends = ofType(events, 'job-end');
  const endIds = ends.map((e) => e.job.id);
  expect(new Set(endIds).size).toBe(endIds.length);
  for (const s of ofType(events, 'job-start')) expect(endIds).toContain(s.job.id);
  // A job ends after its last start.
  for (const e of ends) {
    const at = events.indexOf(e);
    expect(events.slice(at + 1).some((x) => x.type === 'job-start' && x.job.id === e.job.id)).toBe(false);
  }
  const items = report.items as Array<{ id: string }>;
  expect(endIds.slice().sort()).toEqual(items.map((i) => i.id).sort());
  for (const e of ends) {
    const item = JSON.parse(JSON.stringify(e.item)) as unknown;
    expect(item).toEqual(items.find((i) => i.id === e.job.id));
    expect(e.status).toBe(e.item.status);
  }

  const commits = ofType(events, 'commit').map(({ sha, stepId, subject, jobs, files }) => ({
    sha,
    stepId,
    message: subject,
    jobs,
    files,
  }));
  expect(commits).toEqual(report.commits);
  // Every commit event comes before the first succeeded job-end (a succeeded job ends after its commit).
  const lastCommit = events.map((e) => e.type).lastIndexOf('commit');
  const firstSucceeded = events.findIndex((e) => e.type === 'job-end' && e.status === 'succeeded');
  if (lastCommit >= 0 && firstSucceeded >= 0) expect(lastCommit).toBeLessThan(firstSucceeded);
}

describe('run events, offline engine', () => {
  it('run-start first with its fields, a job-start per job, verify-done with calls 0, commit events as in the report', async () => {
    const repo = repoWith({ 'src/math.ts': MATH });
    const head = repo.git('rev-parse', 'HEAD').trim();
    const task = 'add docstrings to src/math.ts';
    const { report, events } = await runEngine({ cwd: repo.dir, task, engine: 'offline' });
    expectConsistent(events, report);

    const [start] = ofType(events, 'run-start');
    expect(start).toEqual({
      type: 'run-start',
      runId: report.id,
      engine: 'offline',
      branch: `orchestrate/${report.id}`,
      baseCommit: head,
      dirty: false,
      task,
      models: { planner: 'offline', worker: 'offline', verifier: 'offline' },
      dryRun: false,
      resumed: false,
      scope: null,
      budgetUsd: null,
    });

    const starts = ofType(events, 'job-start');
    expect(starts.length).toBe(report.jobs.total);
    expect(new Set(starts.map((s) => s.job.id)).size).toBe(starts.length);
    for (const s of starts) expect(s).toMatchObject({ model: 'offline', attempt: 1, pack: 1 });

    expect(report.commits.length).toBeGreaterThan(0);
    expect(report.commits[0].files).toEqual(['src/math.ts']);
    const changed = repo.git('show', '--name-only', '--format=', report.commits[0].sha).trim().split('\n');
    expect(changed).toEqual(report.commits[0].files);

    const verified = ofType(events, 'verify-done');
    expect(verified).toEqual([
      {
        type: 'verify-done',
        round: 1,
        verified: report.jobs.succeeded,
        rejected: 0,
        failed: report.jobs.failed + report.jobs.skipped,
        calls: 0,
      },
    ]);
    // It comes after the round's last job-worked and before the commit phase.
    const at = events.indexOf(verified[0]!);
    expect(events.slice(at).some((e) => e.type === 'job-worked')).toBe(false);
    expect(events.slice(at).some((e) => e.type === 'phase' && e.phase === 'commit')).toBe(true);
  });

  it('a dry run: run-start says so, and no job starts', async () => {
    const repo = repoWith({ 'src/math.ts': MATH });
    const { report, events } = await runEngine({
      cwd: repo.dir,
      task: 'add docstrings',
      engine: 'offline',
      dryRun: true,
    });
    expect(report.status).toBe('dry-run');
    expect(ofType(events, 'run-start')[0]).toMatchObject({ dryRun: true, resumed: false });
    expect(ofType(events, 'job-start')).toEqual([]);
    expect(ofType(events, 'commit')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'done' });
  });

  it('run-start names the scope of a run started in a folder, and the budget', async () => {
    const repo = repoWith({ 'src/math.ts': MATH, 'lib/other.ts': 'export function g(): number {\n  return 1;\n}\n' });
    const { report, events } = await runEngine({
      cwd: path.join(repo.dir, 'src'),
      task: 'add docstrings',
      engine: 'offline',
      budgetUsd: 2,
    });
    expectConsistent(events, report);
    expect(ofType(events, 'run-start')[0]).toMatchObject({ scope: 'src', budgetUsd: 2 });
  });
});

describe('run events, openai engine on the fake server', () => {
  /** Docstring answers from the request's schema; packed items for `broken` parameters miss `summary`. */
  function packHandler(broken: Set<string>) {
    return (req: FakeRequest): FakeReply => {
      const props = (req.schema?.properties ?? {}) as Record<string, any>;
      if (props.steps) return { json: { steps: [docStep({ paths: ['src/'] })], unsupported: null } };
      if (props.rejections) return { json: { rejections: [] } };
      const answer = (schema: any) => {
        const names = docParams(schema);
        const out: Record<string, unknown> = names.some((n) => broken.has(n)) ? {} : { summary: 'Adds.' };
        Object.assign(
          out,
          paramFields(schema, (p) => `The ${p}.`),
        );
        if (schema.properties?.returns) out.returns = 'The sum.';
        return out;
      };
      const items = props.items?.properties as Record<string, any> | undefined;
      if (!items) return { json: answer(req.schema) };
      return { json: { items: Object.fromEntries(Object.entries(items).map(([k, s]) => [k, answer(s)])) } };
    };
  }

  it('a job-start per packed job with its model, attempt and pack; verify-done per round with the verifier calls', async () => {
    const repo = repoWith({
      'src/math.ts': SIX,
      'agents.config.ts': 'export default { packing: { maxJobs: 3 }, ladder: { escalate: false } };\n',
    });
    const server = await fake(packHandler(new Set(['x1'])));
    const task = 'add docstrings to src/math.ts';
    const { report, events } = await runEngine({ cwd: repo.dir, engine: 'openai', task, env: fakeModelEnv(server) });
    expectConsistent(events, report);
    expect(report.jobs).toEqual({ total: 6, succeeded: 5, failed: 1, skipped: 0 });

    expect(ofType(events, 'run-start')[0]).toMatchObject({
      engine: 'openai',
      models: { planner: MODELS.planner, worker: MODELS.worker, verifier: MODELS.verifier },
      task,
      resumed: false,
    });
    const starts = ofType(events, 'job-start').map((s) => ({
      symbol: s.job.symbol,
      model: s.model,
      attempt: s.attempt,
      pack: s.pack,
    }));
    const first = starts.slice(0, 6);
    expect(first.map((s) => s.symbol).sort()).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5']);
    for (const s of first) expect(s).toMatchObject({ model: MODELS.worker, attempt: 1, pack: 3 });
    // The broken item is retried alone: its second attempt.
    expect(starts.slice(6)).toEqual([{ symbol: 'f1', model: MODELS.worker, attempt: 2, pack: 1 }]);

    const rounds = ofType(events, 'verify-done');
    expect(rounds).toHaveLength(2);
    expect(rounds[0]).toMatchObject({ round: 1, verified: 5, rejected: 1, failed: 0 });
    expect(rounds[0]!.calls).toBeGreaterThan(0);
    expect(rounds[1]).toEqual({ type: 'verify-done', round: 2, verified: 0, rejected: 0, failed: 1, calls: 0 });
    const verifierCalls = server.log.filter((e) => e.request.schema?.properties?.rejections).length;
    expect(rounds[0]!.calls + rounds[1]!.calls).toBe(verifierCalls);
    expect(ofType(events, 'budget-reached')).toEqual([]);

    const failed = ofType(events, 'job-end').find((e) => e.status === 'failed')!;
    expect(failed.item).toMatchObject({ symbol: 'f1', status: 'failed', model: MODELS.worker });
    expect(failed.item.attempts).toHaveLength(2);
    expect(ofType(events, 'commit')).toHaveLength(1);
    expect(ofType(events, 'commit')[0]!.files).toEqual(['src/math.ts']);
  });

  it('a verifier rejection: the round counts it rejected, the retry is attempt 2, the escalation attempt 3', async () => {
    const repo = repoWith({ 'src/math.ts': MATH, 'agents.config.ts': 'export default { packing: { maxJobs: 1 } };\n' });
    const server = await fake(scripted({ steps: [docStep()], accept: (symbol) => symbol !== 'divide' }));
    const { report, events } = await runEngine({
      cwd: repo.dir,
      engine: 'openai',
      task: 'add docstrings to src/math.ts',
      env: fakeModelEnv(server),
    });
    expectConsistent(events, report);
    const divide = ofType(events, 'job-start').filter((s) => s.job.symbol === 'divide');
    expect(divide.map((s) => [s.attempt, s.model, s.pack])).toEqual([
      [1, MODELS.worker, 1],
      [2, MODELS.worker, 1],
      [3, MODELS.verifier, 1],
    ]);
    const rounds = ofType(events, 'verify-done');
    expect(rounds.map((r) => [r.round, r.rejected, r.failed])).toEqual([
      [1, 1, 0],
      [2, 1, 0],
      [3, 0, 1],
    ]);
    // The escalation goes to the verifier's model as a worker: only requests for rejections are verifier calls.
    const verdictCalls = server.log.filter((e) => e.request.schema?.properties?.rejections).length;
    expect(rounds.reduce((n, r) => n + r.calls, 0)).toBe(verdictCalls);
    expect(report.items.find((i: any) => i.symbol === 'divide').status).toBe('failed');
  });

  it('--detach batch runs: every started job ends once, its worker batch detached or its verifier batch', async () => {
    const repo = repoWith({ 'src/math.ts': SIX, 'agents.config.ts': 'export default { api: { batchPollMs: 20 } };\n' });
    const server = await fake(packHandler(new Set()));
    const run = { cwd: repo.dir, engine: 'openai' as const, env: fakeModelEnv(server), batch: true };
    // The workers' batch is submitted and the run detaches: the jobs end as their worker calls return.
    const first = await runEngine({ ...run, task: 'add docstrings to src/math.ts', detach: true });
    expect(first.report.status).toBe('detached');
    expectConsistent(first.events, first.report);
    expect(ofType(first.events, 'job-start')).toHaveLength(6);
    const id = first.report.id as string;
    // Resumed with --detach: the workers' answers are collected and the verifier's batch detaches. The jobs wait on
    // the verifier, so only the ending settles them.
    const second = await runEngine({ ...run, task: '', resume: id, detach: true });
    expect(second.report.status).toBe('detached');
    expect(ofType(second.events, 'job-worked')).toHaveLength(6);
    expectConsistent(second.events, second.report);
    expect(ofType(second.events, 'job-end')).toHaveLength(6);

    const done = await runEngine({ ...run, task: '', resume: id });
    expect(done.report).toMatchObject({ id, status: 'completed' });
    expectConsistent(done.events, done.report);
    expect(ofType(done.events, 'job-end').map((e) => e.status)).toEqual(Array(6).fill('succeeded'));
  });

  it('a budget stop: exactly one budget-reached, with the model refused, the spend and the budget', async () => {
    const many = Array.from(
      { length: 12 },
      (_, i) => `export function f${i}(x: number): number {\n  return x + ${i};\n}\n`,
    ).join('\n');
    const repo = repoWith({ 'src/math.ts': many, 'agents.config.ts': 'export default { packing: { maxJobs: 1 } };\n' });
    const usage = {
      planner: { input: 100, cached: 0, output: 3900 },
      worker: { input: 100, cached: 0, output: 800 },
      verifier: { input: 300, cached: 0, output: 1000 },
    };
    const server = await fake(scripted({ usage }));
    const budgetUsd = 0.0714;
    const { report, events } = await runEngine({
      cwd: repo.dir,
      engine: 'openai',
      task: 'add docstrings to src/math.ts',
      budgetUsd,
      planning: 'model',
      env: fakeModelEnv(server),
    });
    expect(report.status).toBe('budget-exceeded');
    expectConsistent(events, report);
    const reached = ofType(events, 'budget-reached');
    expect(reached).toHaveLength(1);
    expect(reached[0]!.budgetUsd).toBe(budgetUsd);
    expect([MODELS.worker, MODELS.verifier]).toContain(reached[0]!.model);
    expect(reached[0]!.spentUsd).toBeLessThanOrEqual(budgetUsd);
    expect(ofType(events, 'run-start')[0]).toMatchObject({ budgetUsd });
  });

  it('a budget the planner alone crosses: budget-reached is the last event before the E_BUDGET', async () => {
    const repo = repoWith({ 'src/math.ts': MATH });
    const server = await fake(scripted());
    const { error, events } = await runOutcome({
      cwd: repo.dir,
      engine: 'openai',
      task: 'add docstrings to src/math.ts',
      budgetUsd: 0.000001,
      planning: 'model',
      env: fakeModelEnv(server),
    });
    expect(error?.code).toBe('E_BUDGET');
    expect(server.log).toHaveLength(0);
    expect(ofType(events, 'budget-reached')).toEqual([
      { type: 'budget-reached', model: MODELS.planner, spentUsd: 0, budgetUsd: 0.000001 },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'budget-reached' });
  });
});

describe('RunTaskOptions.runId', () => {
  it('names the run, its branch and its report; an id already used in the repository is E_USAGE', async () => {
    const repo = repoWith({ 'src/math.ts': MATH });
    const runId = 'delegated-run.1';
    const { report, events } = await runEngine({ cwd: repo.dir, task: 'add docstrings', engine: 'offline', runId });
    expect(report.id).toBe(runId);
    expect(report.branch).toBe(`orchestrate/${runId}`);
    expect(ofType(events, 'run-start')[0]).toMatchObject({ runId, branch: `orchestrate/${runId}` });
    const again = await runOutcome({ cwd: repo.dir, task: 'add docstrings', engine: 'offline', runId });
    expect(again.error?.code).toBe('E_USAGE');
    expect(again.error?.message).toContain(runId);
    // A folder left by a run that failed early is just as taken.
    mkdirSync(path.join(repo.dir, '.orchestrate', 'runs', 'left-behind'), { recursive: true });
    const left = await runOutcome({ cwd: repo.dir, task: 'add docstrings', engine: 'offline', runId: 'left-behind' });
    expect(left.error?.code).toBe('E_USAGE');
  });

  it('a resumed run keeps its id: the same id is accepted, another is E_USAGE', async () => {
    const repo = repoWith({ 'src/math.ts': MATH });
    const stop = new AbortController();
    stop.abort();
    const first = await runEngine({ cwd: repo.dir, task: 'add docstrings', engine: 'offline', stop: stop.signal });
    expect(first.report.status).toBe('interrupted');
    const id = first.report.id as string;
    const other = await runOutcome({ cwd: repo.dir, task: '', engine: 'offline', resume: id, runId: 'another-id' });
    expect(other.error?.code).toBe('E_USAGE');
    expect(other.error?.message).toContain(id);
    const { report, events } = await runEngine({ cwd: repo.dir, task: '', engine: 'offline', resume: id, runId: id });
    expect(report.id).toBe(id);
    expectConsistent(events, report);
    expect(ofType(events, 'run-start')[0]).toMatchObject({ runId: id, resumed: true, task: 'add docstrings' });
  });

  it.each(['', '../escape', 'a/b', '-flag', 'a..b', 'x'.repeat(101), 'x.lock', 'a.', 'x@{y'])(
    'refuses %j before anything is made',
    async (runId) => {
      const repo = repoWith({ 'src/math.ts': MATH });
      const before = repo.snapshot();
      const { error, events } = await runOutcome({ cwd: repo.dir, task: 'add docstrings', engine: 'offline', runId });
      expect(error?.code).toBe('E_USAGE');
      expect(ofType(events, 'run-start')).toEqual([]);
      expect(repo.git('branch', '--list', 'orchestrate/*').trim()).toBe('');
      expect(repo.snapshot()).toBe(before);
    },
  );
});
