// The renderer of event lines: every RunEvent gives lines that the shipped JSON Schema, its strict (io: 'output') form
// and the zod schemas accept, in order, with the sequence number counting up by one.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  EventLine,
  InterruptedError,
  ModelError,
  EnvironmentError,
  REPORT_HINT,
  type Job,
  type Plan,
  type ReportItem,
  type RunEvent,
  type RunReport,
} from '@orchestrate/core';
import { createEventLines, PLAN_LINE_MAX_JOBS } from '../../src/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
// ajv is a dependency of core's tests and of test/, not of the engine: load it from there.
const fromTest = createRequire(path.join(ROOT, 'test', 'package.json'));
type Validate = ((data: unknown) => boolean) & { errors?: unknown };
type AjvClass = new (o: object) => { compile(schema: object): Validate };
const { Ajv2020 } = fromTest('ajv/dist/2020.js') as { Ajv2020: AjvClass };
const addFormats = fromTest('ajv-formats') as (ajv: object) => void;
function compile(schema: object): Validate {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}
const shipped = compile(
  JSON.parse(readFileSync(path.join(ROOT, 'packages', 'core', 'schema', 'run-events.schema.json'), 'utf8')) as object,
);
const strict = compile(z.toJSONSchema(EventLine, { target: 'draft-2020-12', io: 'output' }));

/** Asserts a line passes the shipped schema, the strict form and zod (which would drop an undeclared field). */
function valid(line: EventLine): void {
  expect(shipped(line), JSON.stringify(shipped.errors)).toBe(true);
  expect(strict(line), `${line.type}: ${JSON.stringify(strict.errors)}`).toBe(true);
  expect(EventLine.parse(line)).toEqual(line);
}

const RUN = '20260102-030405-ab12';
const job = (i: number): Job => ({
  id: `j${i}`,
  stepId: 's1',
  kind: 'docstring',
  file: `src/f${i}.ts`,
  symbol: `f${i}`,
  declarationKind: 'function',
});
const plan: Plan = {
  source: 'gpt-5.4',
  warnings: [],
  steps: [
    {
      id: 's1',
      kind: 'docstring',
      variant: null,
      instructions: 'be brief',
      selector: {
        paths: ['src/'],
        declarationKinds: [],
        names: [],
        exportedOnly: false,
        missingDocsOnly: true,
        changedSince: null,
      },
    },
  ],
};
const estimate = {
  jobs: 2,
  perModel: {
    'gpt-5.4-nano': { calls: 2, inputTokens: 600.4, outputTokens: 90, costUsdLow: 0.001, costUsdHigh: 0.01 },
  },
  costUsdLow: 0.001,
  costUsdHigh: 0.01,
};
const item = (i: number, status: ReportItem['status']): ReportItem => ({
  id: `j${i}`,
  stepId: 's1',
  kind: 'docstring',
  file: `src/f${i}.ts`,
  symbol: `f${i}`,
  status,
  model: 'gpt-5.4-nano',
  tokens: { input: 300, cachedInput: 120, output: 45 },
  costUsd: 0.0002,
  error: status === 'succeeded' ? null : 'rejected by the verifier',
  verdict: status === 'succeeded' ? 'accurate' : 'inaccurate',
  attempts: [{ model: 'gpt-5.4-nano', rejected: status === 'succeeded' ? null : 'inaccurate' }],
});
function report(overrides: Partial<RunReport> = {}): RunReport {
  return {
    id: RUN,
    task: 'add docstrings',
    engine: 'openai',
    status: 'completed-with-failures',
    repo: '/tmp/repo',
    baseCommit: 'b'.repeat(40),
    branch: `orchestrate/${RUN}`,
    worktree: null,
    plan: { source: plan.source, steps: plan.steps, warnings: [] },
    commits: [
      { sha: 'c'.repeat(40), stepId: 's1', message: 'docs: add doc comments\n\nbody', jobs: 1, files: ['src/f0.ts'] },
    ],
    jobs: { total: 2, succeeded: 1, failed: 1, skipped: 0 },
    usage: {
      'gpt-5.4-nano': { requests: 2, inputTokens: 600, cachedInputTokens: 240, outputTokens: 90, costUsd: 0.0004 },
    },
    costUsd: 0.0004,
    budgetUsd: 1,
    estimate,
    durationMs: 1234.5,
    batches: [],
    throttling: {},
    faults: {},
    metrics: { indexMs: 1, planMs: 1, workMs: 1, cpuMs: 1, peakRssMb: 1 },
    startedAt: '2026-01-02T03:04:05.000Z',
    items: [item(0, 'succeeded'), item(1, 'failed')],
    annotations: [],
    warnings: ['one warning'],
    ...overrides,
  };
}
const runStart: RunEvent = {
  type: 'run-start',
  runId: RUN,
  engine: 'openai',
  branch: `orchestrate/${RUN}`,
  baseCommit: 'b'.repeat(40),
  dirty: true,
  task: 'add docstrings',
  models: { planner: 'gpt-5.4', worker: 'gpt-5.4-nano', verifier: 'gpt-5.4-mini' },
  dryRun: false,
  resumed: false,
  scope: null,
  budgetUsd: 1,
};
/** Every event type, in the order a run emits them (part 1's fields filled in). */
const RUN_EVENTS: RunEvent[] = [
  { type: 'phase', phase: 'setup' },
  { type: 'throttle', model: 'gpt-5.4', concurrency: 4, reason: '429' },
  runStart,
  { type: 'phase', phase: 'index' },
  { type: 'indexed', files: 3, declarations: 7, skipped: 0, ms: 12.7 },
  { type: 'planned', plan },
  { type: 'expanded', jobs: [job(0), job(1)], estimate },
  { type: 'warning', message: 'dropped path "x\u001b[31m"\nnext' },
  { type: 'phase', phase: 'work', detail: 'round 1' },
  { type: 'job-start', job: job(0), model: 'gpt-5.4-nano', attempt: 1, pack: 2 },
  { type: 'job-start', job: job(1), model: 'gpt-5.4-nano', attempt: 1, pack: 2 },
  { type: 'job-worked', job: job(0) },
  { type: 'usage', model: 'gpt-5.4-nano', total: {} as never, costUsd: 0.0004, budgetUsd: 1 },
  { type: 'job-verified', job: job(0) },
  { type: 'verify-done', round: 1, verified: 1, rejected: 1, failed: 0, calls: 1 },
  { type: 'job-end', job: job(1), status: 'failed', error: 'rejected by the verifier', item: item(1, 'failed') },
  {
    type: 'commit',
    sha: 'c'.repeat(40),
    stepId: 's1',
    subject: 'docs: add doc comments',
    jobs: 1,
    files: ['src/f0.ts'],
  },
  { type: 'job-end', job: job(0), status: 'succeeded', error: null, item: item(0, 'succeeded') },
  { type: 'budget-reached', model: 'gpt-5.4-nano', spentUsd: 0.0004, budgetUsd: 1 },
  { type: 'done', report: report() },
];
const fixedClock = () => new Date('2026-01-02T03:04:05.678Z');

describe('event lines', () => {
  it('renders every event type into valid lines: run.started first, seq +1, run.completed last', () => {
    const r = createEventLines({ now: fixedClock });
    const lines = RUN_EVENTS.flatMap((e) => r.push(e));
    lines.forEach(valid);
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i));
    expect(lines.every((l) => l.run_id === RUN && l.ts === '2026-01-02T03:04:05.678Z')).toBe(true);
    expect(lines.map((l) => l.type)).toEqual([
      'run.started',
      'phase.started',
      'throttled',
      'phase.started',
      'index.completed',
      'plan.completed',
      'warning',
      'phase.started',
      'job.started',
      'job.started',
      'job.verified',
      'verify.completed',
      'job.failed',
      'commit.created',
      'job.completed',
      'budget.reached',
      'run.completed',
    ]);
    const started = lines[0] as Record<string, unknown>;
    expect(started).toMatchObject({
      schema: 'orchestrate.events/1',
      task: 'add docstrings',
      dirty: true,
      budget_usd: 1,
    });
    const done = lines.at(-1) as Record<string, any>;
    expect(done).toMatchObject({
      status: 'completed-with-failures',
      exit_code: 1,
      report_path: path.join('/tmp/repo', '.orchestrate', 'runs', RUN, 'report.json'),
      duration_ms: 1235,
      total_cost_usd: 0.0004,
      jobs: { total: 2, succeeded: 1, failed: 1, skipped: 0, unchanged: 0 },
    });
    expect(done.commits).toEqual([
      { sha: 'c'.repeat(40), step_id: 's1', subject: 'docs: add doc comments', jobs: 1, files: ['src/f0.ts'] },
    ]);
    expect(done.usage['gpt-5.4-nano']).toEqual({
      requests: 2,
      input_tokens: 600,
      cached_input_tokens: 240,
      output_tokens: 90,
      cost_usd: 0.0004,
    });
    const failed = lines.find((l) => l.type === 'job.failed') as Record<string, unknown>;
    expect(failed).toMatchObject({ job_id: 'j1', status: 'failed', attempts: 1, reason: 'rejected by the verifier' });
    expect(failed.tokens).toEqual({ input: 300, cached_input: 120, output: 45 });
  });

  it('keeps model and repository text as data: one line each, control characters escaped by JSON', () => {
    const r = createEventLines({ now: fixedClock });
    const lines = RUN_EVENTS.flatMap((e) => r.push(e));
    for (const l of lines) expect(JSON.stringify(l)).not.toMatch(/[\u0000-\u001f]/);
    expect(lines.find((l) => l.type === 'warning')).toMatchObject({ message: 'dropped path "x\u001b[31m"\nnext' });
  });

  it('pairs planned with expanded into one plan.completed, listing at most 1000 jobs', () => {
    const r = createEventLines({ now: fixedClock });
    r.push(runStart);
    expect(r.push({ type: 'planned', plan })).toEqual([]);
    const many = Array.from({ length: PLAN_LINE_MAX_JOBS + 5 }, (_, i) => job(i));
    const [line] = r.push({ type: 'expanded', jobs: many, estimate }) as unknown as [Record<string, any>];
    valid(line as EventLine);
    expect(line).toMatchObject({ type: 'plan.completed', source: 'gpt-5.4', jobs_total: 1005, jobs_truncated: true });
    expect(line.jobs).toHaveLength(1000);
    expect(line.jobs[0]).toEqual({ id: 'j0', step_id: 's1', kind: 'docstring', file: 'src/f0.ts', symbol: 'f0' });
    expect(line.steps).toEqual([
      { id: 's1', kind: 'docstring', variant: null, paths: ['src/'], instructions: 'be brief' },
    ]);
    expect(line.estimate.per_model['gpt-5.4-nano'].input_tokens).toBe(600);
  });

  it('gives null where an event lacks the fields part 1 adds (older producers)', () => {
    const r = createEventLines({ now: fixedClock });
    // Events of an older shape (a journal, a shell built against the first RunEvent), as the type no longer allows.
    const old = (event: object) => event as unknown as RunEvent;
    const bare = old({ type: 'run-start', runId: RUN, engine: 'offline', branch: 'b', baseCommit: 'x', dirty: false });
    const lines = [
      ...r.push(bare),
      ...r.push(old({ type: 'job-start', job: job(0) })),
      ...r.push(old({ type: 'job-end', job: job(0), status: 'skipped', error: 'dry run' })),
      ...r.push(old({ type: 'commit', sha: 'c', stepId: 's1', jobs: 1 })),
    ];
    lines.forEach(valid);
    expect(lines[0]).toMatchObject({ task: null, models: null, dry_run: null, resumed: null, branch: 'b' });
    expect(lines[1]).toMatchObject({ model: null, attempt: null, pack: null });
    expect(lines[2]).toMatchObject({ type: 'job.failed', status: 'skipped', reason: 'dry run', tokens: null });
    expect(lines[3]).toMatchObject({ subject: '', files: [] });
  });

  it('a dry run has no branch and no report path', () => {
    const r = createEventLines({ now: fixedClock });
    const [started] = r.push({ ...runStart, dryRun: true } as RunEvent);
    const [done] = r.push({ type: 'done', report: report({ status: 'dry-run', branch: null, commits: [] }) });
    [started!, done!].forEach(valid);
    expect(started).toMatchObject({ branch: null, dry_run: true });
    expect(done).toMatchObject({ status: 'dry-run', exit_code: 0, report_path: null, branch: null });
  });

  it('an error before run-start is the only line: no run id, seq 0', () => {
    const r = createEventLines({ now: fixedClock });
    expect(r.push({ type: 'phase', phase: 'setup' })).toEqual([]);
    const line = r.error(
      new EnvironmentError('E_NOT_GIT_REPO', '/tmp/x is not in a git repository: run `git init` first'),
    );
    valid(line);
    expect(line).toMatchObject({ type: 'error', run_id: null, seq: 0, code: 'E_NOT_GIT_REPO', exit_code: 2 });
    expect(line).toMatchObject({ resume: null, report_path: null });
  });

  it('an interruption names how to resume; a fatal stop follows run.completed and names the report', () => {
    const a = createEventLines({ now: fixedClock });
    a.push(runStart);
    const interrupted = a.error(new InterruptedError('Aborted by a second Ctrl-C'));
    valid(interrupted);
    expect(interrupted).toMatchObject({ seq: 1, run_id: RUN, code: 'E_INTERRUPTED', exit_code: 130 });
    expect(interrupted.type === 'error' && interrupted.resume).toBe(`orchestrate resume ${RUN}`);
    const b = createEventLines({ now: fixedClock });
    b.push(runStart);
    b.push({ type: 'done', report: report({ status: 'completed-with-failures' }) });
    const fatal = b.error(new ModelError('The run stopped: 401'));
    valid(fatal);
    expect(fatal).toMatchObject({ seq: 2, code: 'E_MODEL', resume: null });
    expect(fatal.type === 'error' && fatal.report_path).toBe(
      path.join('/tmp/repo', '.orchestrate', 'runs', RUN, 'report.json'),
    );
  });

  it('a bug is E_INTERNAL with how to report it; the run id can be given', () => {
    const r = createEventLines({ now: fixedClock });
    const line = r.error(new TypeError('x is undefined'), { runId: RUN });
    valid(line);
    expect(line).toMatchObject({ run_id: RUN, code: 'E_INTERNAL', exit_code: 1 });
    expect(line.type === 'error' && line.message).toBe(`x is undefined ${REPORT_HINT}`);
  });

  it('uses snake_case keys only, at any depth (model names as record keys aside)', () => {
    const r = createEventLines({ now: fixedClock });
    const keys: string[] = [];
    const walk = (v: unknown, inRecord: boolean): void => {
      if (!v || typeof v !== 'object') return;
      for (const [k, x] of Object.entries(v)) {
        if (!inRecord && !Array.isArray(v)) keys.push(k);
        walk(x, k === 'usage' || k === 'per_model');
      }
    };
    for (const line of RUN_EVENTS.flatMap((e) => r.push(e))) walk(line, false);
    expect(keys.filter((k) => !/^[a-z][a-z0-9_]*$/.test(k))).toEqual([]);
  });
});
