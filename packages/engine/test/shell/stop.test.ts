// gracefulStop: a stop, then the abort after the grace period (fake timers: nothing here waits for real time).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { gracefulStop } from '../../src/index.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('gracefulStop', () => {
  it('stops at once and aborts graceMs later', () => {
    const s = gracefulStop(20_000);
    expect([s.stop.aborted, s.abort.aborted]).toEqual([false, false]);
    expect(s.requestStop()).toBe(true);
    expect([s.stop.aborted, s.abort.aborted]).toEqual([true, false]);
    vi.advanceTimersByTime(19_999);
    expect(s.abort.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(s.abort.aborted).toBe(true);
  });

  it('a second stop changes nothing and does not restart the grace period', () => {
    const s = gracefulStop(1000);
    s.requestStop();
    vi.advanceTimersByTime(600);
    expect(s.requestStop()).toBe(false);
    vi.advanceTimersByTime(400);
    expect(s.abort.aborted).toBe(true);
  });

  it('abortNow aborts at once, and stops too when no stop was asked for', () => {
    const s = gracefulStop(1000);
    s.abortNow();
    expect([s.stop.aborted, s.abort.aborted]).toEqual([true, true]);
    expect(s.requestStop()).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('dispose disarms the pending abort: nothing fires after the run ended', () => {
    const s = gracefulStop(1000);
    s.requestStop();
    s.dispose();
    vi.advanceTimersByTime(5000);
    expect(s.abort.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    const t = gracefulStop(1000);
    t.dispose();
    expect(t.requestStop()).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a grace of 0 aborts on the next tick', () => {
    const s = gracefulStop(0);
    s.requestStop();
    expect(s.abort.aborted).toBe(false);
    vi.advanceTimersByTime(0);
    expect(s.abort.aborted).toBe(true);
  });
});
