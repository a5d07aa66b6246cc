import { describe, expect, it } from 'vitest';
import { ModelLimiter, type ThrottleEvent } from '../src/index.js';

describe('ModelLimiter', () => {
  it('halves concurrency on 429 (once per second) and grows back one step per run of successes', () => {
    let now = 0;
    const events: ThrottleEvent[] = [];
    const l = new ModelLimiter(
      'm',
      8,
      {},
      (e) => events.push(e),
      () => now,
    );
    l.rateLimited();
    expect(l.concurrency).toBe(4);
    l.rateLimited(); // same second: counted, not halved again
    expect(l.concurrency).toBe(4);
    now = 1_500;
    l.rateLimited();
    expect(l.concurrency).toBe(2);
    expect(l.throttled).toBe(3);
    expect(l.minConcurrency).toBe(2);
    expect(events.map((e) => e.concurrency)).toEqual([4, 2]);
    l.success();
    expect(l.concurrency).toBe(2);
    l.success();
    expect(l.concurrency).toBe(3);
    for (let i = 0; i < 3; i++) l.success();
    expect(l.concurrency).toBe(4);
  });

  it('never lets more than the allowed number of calls run at once', async () => {
    const l = new ModelLimiter('m', 2, {});
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const release = await l.acquire(1);
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        release();
      }),
    );
    expect(peak).toBe(2);
  });

  it('waits when the requests-per-minute budget is used up', async () => {
    let now = 0;
    const waits: number[] = [];
    const l = new ModelLimiter(
      'm',
      8,
      { rpm: 2 },
      () => {},
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
    );
    (await l.acquire(1))();
    (await l.acquire(1))();
    (await l.acquire(1))();
    expect(waits).toEqual([60_000]);
  });

  it('waits when the tokens-per-minute budget would be crossed', async () => {
    let now = 0;
    const waits: number[] = [];
    const l = new ModelLimiter(
      'm',
      8,
      { tpm: 1_000 },
      () => {},
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
    );
    (await l.acquire(600))();
    now = 10_000;
    (await l.acquire(600))();
    expect(waits).toEqual([50_000]);
  });
});
