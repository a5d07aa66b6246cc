import { describe, expect, it } from 'vitest';
import type { Job, JobStatus, RunEvent } from '@orchestrate/core';
import { bar, createProgress } from '../src/progress.js';

const CLEAR = '\r\x1b[2K';

/** A fake terminal: what was written, and the live line as it stands (the text after the last clear). */
function fakeTerminal(columns?: number) {
  let out = '';
  return {
    columns,
    write(text: string) {
      out += text;
    },
    get out() {
      return out;
    },
    /** Every live line drawn (the text after each clear up to the next clear or newline). */
    get lines() {
      return out
        .split(CLEAR)
        .slice(1)
        .map((s) => s.split('\n')[0]!)
        .filter(Boolean);
    },
  };
}

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

/** A progress renderer on a fake terminal with a clock the test moves. */
function setup(columns?: number) {
  const term = fakeTerminal(columns);
  let t = 1_000_000;
  const progress = createProgress(term, { live: true, now: () => t });
  const at = (ms: number) => {
    t = 1_000_000 + ms;
  };
  return { term, progress, at, last: () => term.lines.at(-1) ?? '' };
}

describe('progress line', () => {
  it('counts a job as done once it is verified, before the commit phase', () => {
    const { progress, at, last } = setup(200);
    progress.onEvent({ type: 'phase', phase: 'work' });
    progress.onEvent(expanded(4));
    for (let i = 0; i < 4; i++) progress.onEvent(started(job(i)));
    at(1000);
    progress.onEvent({ type: 'job-worked', job: job(0) });
    progress.onEvent({ type: 'job-verified', job: job(0) });
    at(2000);
    progress.onEvent(ended(job(1), 'failed', 'nope'));
    at(3000);
    progress.onEvent({ type: 'phase', phase: 'verify' });
    expect(last()).toContain('2/4 jobs');
    expect(last()).toContain('1 failed');
    // A verified job that is then committed is not counted twice.
    progress.onEvent({ type: 'phase', phase: 'commit' });
    at(4000);
    progress.onEvent(ended(job(0), 'succeeded', null));
    expect(last()).toContain('2/4 jobs');
  });

  it('counts as running only jobs whose worker has not returned; none once verifying starts', () => {
    const { progress, at, last } = setup(200);
    progress.onEvent(expanded(20));
    progress.onEvent({ type: 'phase', phase: 'work' });
    for (let i = 0; i < 8; i++) progress.onEvent(started(job(i)));
    at(100);
    progress.onEvent({ type: 'job-worked', job: job(0) });
    expect(last()).toContain('7 running');
    // Jobs rejected before writing never send job-worked: they must not stay "running" for ever.
    at(200);
    progress.onEvent({ type: 'phase', phase: 'verify' });
    expect(last()).not.toContain('running');
  });

  it('counts the jobs of a packed call as running, each once', () => {
    const { progress, at, last } = setup(200);
    progress.onEvent(expanded(5));
    progress.onEvent({ type: 'phase', phase: 'work' });
    for (let i = 0; i < 3; i++) progress.onEvent(started(job(i), 3));
    at(1000);
    progress.onEvent({ type: 'job-worked', job: job(0) });
    expect(last()).toContain('0/5 jobs');
    expect(last()).toContain('2 running');
    at(2000);
    progress.onEvent(started(job(1), 1, 2));
    at(3000);
    progress.onEvent({ type: 'job-verified', job: job(0) });
    expect(last()).toContain('1/5 jobs');
    expect(last()).toContain('2 running');
  });

  it('shows a bar, the elapsed time and an estimate of the time left', () => {
    const { progress, at, last } = setup(200);
    progress.onEvent(expanded(10));
    progress.onEvent({ type: 'phase', phase: 'work' });
    for (let i = 0; i < 10; i++) progress.onEvent(started(job(i)));
    for (let i = 0; i < 5; i++) {
      at((i + 1) * 2000);
      progress.onEvent({ type: 'job-verified', job: job(i) });
    }
    expect(last()).toContain(`${bar(5, 10)} 5/10 jobs`);
    expect(last()).toContain('10s');
    expect(last()).toContain('~10s left');
  });

  it('cuts the line to the terminal width', () => {
    const { term, progress, at } = setup(40);
    progress.onEvent(expanded(465));
    progress.onEvent({
      type: 'usage',
      model: 'm',
      total: { inputTokens: 123456, outputTokens: 7890 } as never,
      costUsd: 1.2345,
      budgetUsd: 5,
    });
    for (let i = 0; i < 8; i++) {
      at(i * 100);
      progress.onEvent(started(job(i)));
    }
    expect(term.lines.length).toBeGreaterThan(2);
    for (const line of term.lines) expect([...line].length).toBeLessThan(40);
  });

  it('clears the live line before a warning, and escapes it', () => {
    const { term, progress, at } = setup(200);
    progress.onEvent(expanded(3));
    progress.onEvent(started(job(0)));
    at(500);
    progress.onEvent({ type: 'warning', message: 'bad\u001b[2J\u0007\u202e\u0000' });
    const i = term.out.indexOf('orchestrate: warning: ');
    expect(term.out.slice(0, i).endsWith(CLEAR)).toBe(true);
    expect(term.out).toContain('orchestrate: warning: bad\\u001b[2J\\u0007\\u202e\\u0000\n');
    progress.note('orchestrate: stopping');
    expect(term.out).toMatch(/\r\x1b\[2Korchestrate: stopping\n/);
  });

  it('plain lines (not a TTY) hold no escape sequence of their own', () => {
    const term = fakeTerminal();
    const progress = createProgress(term, { live: false, now: () => 0 });
    progress.onEvent(expanded(1));
    progress.onEvent(started(job(0)));
    progress.onEvent(ended(job(0), 'failed', 'x\u001by'));
    progress.stop();
    expect(term.out).not.toContain('\x1b');
    expect(term.out).toContain('failed src/f0.ts f0: x\\u001by');
  });
});
