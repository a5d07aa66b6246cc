import { describe, expect, it } from 'vitest';
import type { Job, JobStatus, RunEvent } from '@orchestrate/core';
import { formatDuration, initialProgress, progressNotes, reduceProgress, type ProgressState } from '../../src/index.js';

const job = (i: number): Job =>
  ({ id: `j${i}`, stepId: 'step-1', kind: 'docstring', file: `src/f${i}.ts`, symbol: `f${i}` }) as Job;
const jobs = (n: number) => Array.from({ length: n }, (_, i) => job(i));
/** A job handed to model `m` (attempt 1 of a call of one job, unless told). */
const started = (j: Job, pack = 1, attempt = 1): RunEvent => ({ type: 'job-start', job: j, model: 'm', attempt, pack });
/** A job's end, with the report line the engine sends with it. */
const ended = (j: Job, status: JobStatus, error: string | null): RunEvent => ({
  type: 'job-end',
  job: j,
  status,
  error,
  item: {
    id: j.id,
    stepId: j.stepId,
    kind: j.kind,
    file: j.file,
    symbol: j.symbol,
    status,
    model: 'm',
    tokens: { input: 0, cachedInput: 0, output: 0 },
    costUsd: 0,
    error,
    verdict: null,
    attempts: [{ model: 'm', rejected: null }],
  },
});
const expanded = (n: number): RunEvent => ({
  type: 'expanded',
  jobs: jobs(n),
  estimate: { costUsdLow: 0, costUsdHigh: 0 } as never,
});

/** The progress model fed by a test with a clock it moves (ms after the start). */
function setup() {
  let state: ProgressState = initialProgress(0);
  let t = 0;
  return {
    at: (ms: number) => {
      t = ms;
    },
    on: (e: RunEvent) => {
      state = reduceProgress(state, e, t);
      return state;
    },
    get state() {
      return state;
    },
  };
}

describe('progress model', () => {
  it('counts a job as done once it is verified, before the commit phase, and only once', () => {
    const p = setup();
    p.on({ type: 'phase', phase: 'work' });
    p.on(expanded(4));
    for (let i = 0; i < 4; i++) p.on(started(job(i)));
    p.at(1000);
    p.on({ type: 'job-worked', job: job(0) });
    p.on({ type: 'job-verified', job: job(0) });
    p.at(2000);
    p.on(ended(job(1), 'failed', 'nope'));
    p.at(3000);
    expect(p.on({ type: 'phase', phase: 'verify' })).toMatchObject({ phase: 'verify', total: 4, done: 2, failed: 1 });
    p.on({ type: 'phase', phase: 'commit' });
    p.at(4000);
    const end = p.on(ended(job(0), 'succeeded', null));
    expect(end).toMatchObject({ done: 2, failed: 1 });
  });

  it('counts as running only jobs whose worker has not returned; none once verifying starts', () => {
    const p = setup();
    p.on(expanded(20));
    p.on({ type: 'phase', phase: 'work' });
    for (let i = 0; i < 8; i++) p.on(started(job(i)));
    p.at(100);
    expect(p.on({ type: 'job-worked', job: job(0) })).toMatchObject({ running: 7, queued: 13 });
    // Jobs rejected before writing never send job-worked: they must not stay "running" for ever.
    p.at(200);
    expect(p.on({ type: 'phase', phase: 'verify' })).toMatchObject({ running: 0, queued: 20 });
  });

  it('counts every job of a packed call as running, once each, through a retry of one of them', () => {
    const p = setup();
    p.on(expanded(6));
    p.on({ type: 'phase', phase: 'work' });
    // Two calls of three jobs each: a job-start per packed job.
    for (let i = 0; i < 3; i++) p.on(started(job(i), 3));
    expect(p.state).toMatchObject({ running: 3, queued: 3, done: 0 });
    for (let i = 3; i < 6; i++) p.on(started(job(i), 3));
    expect(p.state).toMatchObject({ running: 6, queued: 0 });
    // The first call returns: two items worked, one refused (no job-worked: it goes back for another attempt).
    p.on({ type: 'job-worked', job: job(0) });
    expect(p.on({ type: 'job-worked', job: job(1) })).toMatchObject({ running: 4, queued: 2 });
    // Its retry starts alone (attempt 2): still one running entry for it, not two.
    expect(p.on(started(job(2), 1, 2))).toMatchObject({ running: 4, queued: 2 });
    p.on({ type: 'job-worked', job: job(2) });
    for (let i = 3; i < 6; i++) p.on({ type: 'job-worked', job: job(i) });
    expect(p.state).toMatchObject({ running: 0, queued: 6, done: 0 });
    for (let i = 0; i < 5; i++) p.on({ type: 'job-verified', job: job(i) });
    expect(p.on(ended(job(5), 'failed', 'verifier rejected'))).toMatchObject({ done: 6, failed: 1, queued: 0 });
  });

  it('has the elapsed time and an estimate of the time left at the pace so far', () => {
    const p = setup();
    p.on(expanded(10));
    p.on({ type: 'phase', phase: 'work' });
    for (let i = 0; i < 10; i++) p.on(started(job(i)));
    expect(p.state.etaMs).toBeNull();
    for (let i = 0; i < 5; i++) {
      p.at((i + 1) * 2000);
      p.on({ type: 'job-verified', job: job(i) });
    }
    expect(p.state).toMatchObject({ done: 5, elapsedMs: 10_000, etaMs: 10_000, workStartedAt: 0 });
    for (let i = 5; i < 10; i++) p.on({ type: 'job-verified', job: job(i) });
    expect(p.state.etaMs).toBeNull();
  });

  it('keeps tokens, cost, budget and the newest throttling', () => {
    const p = setup();
    const total = { inputTokens: 100, outputTokens: 20 } as never;
    p.on({ type: 'usage', model: 'm', total, costUsd: 0.5, budgetUsd: 2 });
    p.on({ type: 'throttle', model: 'm', concurrency: 4, reason: '429' });
    const throttled = { model: 'm', concurrency: 4 };
    expect(p.state).toMatchObject({ tokens: 120, costUsd: 0.5, budgetUsd: 2, throttled });
  });
});

describe('progress notes', () => {
  it('are the lines a log shows; a phase and a failed job are what a live line shows already', () => {
    expect(progressNotes({ type: 'phase', phase: 'work', detail: 'round 2' })).toEqual([
      { text: 'orchestrate: work (round 2)', liveShows: true },
    ]);
    const failed = progressNotes(ended(job(0), 'failed', 'x'));
    expect(failed).toEqual([{ text: 'orchestrate: failed src/f0.ts f0: x', liveShows: true }]);
    expect(progressNotes(ended(job(0), 'succeeded', null))).toEqual([]);
    const start = {
      type: 'run-start',
      runId: 'r1',
      engine: 'offline',
      branch: 'orchestrate/r1',
      baseCommit: 'abcdef0123',
      dirty: true,
      task: 'add docstrings',
      models: { planner: 'offline', worker: 'offline', verifier: 'offline' },
      dryRun: false,
      resumed: false,
      scope: null,
      budgetUsd: null,
    } as const;
    expect(progressNotes(start).map((n) => n.text)).toEqual([
      'orchestrate: run r1, offline engine, from commit abcdef01; the work goes on a new branch orchestrate/r1',
      'orchestrate: you have uncommitted changes; they stay as they are ' +
        '(the run starts from a commit and never touches them)',
    ]);
    expect(progressNotes(start, { dryRun: true })[0]!.text).toContain('dry run r1');
    const warning = progressNotes({ type: 'warning', message: 'w' });
    expect(warning).toEqual([{ text: 'orchestrate: warning: w', liveShows: false }]);
  });
});

describe('formatDuration', () => {
  it('uses seconds, then minutes and seconds, then hours and minutes', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(187_000)).toBe('3m07s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
  });
});
