import { describe, expect, it } from 'vitest';
import type { Job, RunEvent } from '@orchestrate/core';
import { formatDuration, initialProgress, progressNotes, reduceProgress, type ProgressState } from '../../src/index.js';

const job = (i: number): Job =>
  ({ id: `j${i}`, stepId: 'step-1', kind: 'docstring', file: `src/f${i}.ts`, symbol: `f${i}` }) as Job;
const jobs = (n: number) => Array.from({ length: n }, (_, i) => job(i));
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
    for (let i = 0; i < 4; i++) p.on({ type: 'job-start', job: job(i) });
    p.at(1000);
    p.on({ type: 'job-worked', job: job(0) });
    p.on({ type: 'job-verified', job: job(0) });
    p.at(2000);
    p.on({ type: 'job-end', job: job(1), status: 'failed', error: 'nope' });
    p.at(3000);
    expect(p.on({ type: 'phase', phase: 'verify' })).toMatchObject({ phase: 'verify', total: 4, done: 2, failed: 1 });
    p.on({ type: 'phase', phase: 'commit' });
    p.at(4000);
    const end = p.on({ type: 'job-end', job: job(0), status: 'succeeded', error: null });
    expect(end).toMatchObject({ done: 2, failed: 1 });
  });

  it('counts as running only jobs whose worker has not returned; none once verifying starts', () => {
    const p = setup();
    p.on(expanded(20));
    p.on({ type: 'phase', phase: 'work' });
    for (let i = 0; i < 8; i++) p.on({ type: 'job-start', job: job(i) });
    p.at(100);
    expect(p.on({ type: 'job-worked', job: job(0) })).toMatchObject({ running: 7, queued: 13 });
    // Jobs rejected before writing never send job-worked: they must not stay "running" for ever.
    p.at(200);
    expect(p.on({ type: 'phase', phase: 'verify' })).toMatchObject({ running: 0, queued: 20 });
  });

  it('has the elapsed time and an estimate of the time left at the pace so far', () => {
    const p = setup();
    p.on(expanded(10));
    p.on({ type: 'phase', phase: 'work' });
    for (let i = 0; i < 10; i++) p.on({ type: 'job-start', job: job(i) });
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
    const failed = progressNotes({ type: 'job-end', job: job(0), status: 'failed', error: 'x' });
    expect(failed).toEqual([{ text: 'orchestrate: failed src/f0.ts f0: x', liveShows: true }]);
    expect(progressNotes({ type: 'job-end', job: job(0), status: 'succeeded', error: null })).toEqual([]);
    const start = {
      type: 'run-start',
      runId: 'r1',
      engine: 'offline',
      branch: 'orchestrate/r1',
      baseCommit: 'abcdef0123',
      dirty: true,
    } as const;
    expect(progressNotes(start).map((n) => n.text)).toEqual([
      'orchestrate: run r1, offline engine, from HEAD abcdef01; the work goes on a new branch orchestrate/r1',
      'orchestrate: you have uncommitted changes; they stay as they are ' +
        '(the run starts from HEAD and never touches them)',
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
