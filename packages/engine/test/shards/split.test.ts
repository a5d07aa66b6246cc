// The split of a plan's jobs into shards: deterministic, whole files, balanced by estimated tokens.
import { describe, expect, it } from 'vitest';
import { MAX_SHARDS } from '@orchestrate/core';
import { shardMatrix, splitJobs, type SplitJob } from '../../src/shards/split.js';

/** `files` files of 1 to 5 jobs with varied token counts, in a scrambled order (a small deterministic generator). */
function jobsOf(files: number): SplitJob[] {
  const jobs: SplitJob[] = [];
  let seed = 7;
  const next = () => (seed = (seed * 48271) % 2147483647);
  for (let f = 0; f < files; f++) {
    const count = 1 + (next() % 5);
    for (let j = 0; j < count; j++) jobs.push({ file: `src/f${f}.ts`, tokens: 100 + (next() % 2000) });
  }
  return jobs.sort((a, b) => (next() % 3) - 1 || a.tokens - b.tokens);
}

describe('splitJobs', () => {
  it('is deterministic: the same jobs in any order give the same shards', () => {
    const jobs = jobsOf(40);
    const a = splitJobs(jobs, 6, 3);
    const b = splitJobs([...jobs].reverse(), 6, 3);
    expect(b).toEqual(a);
    expect(a.map((s) => s.index)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("never splits a file's jobs, and every job lands in exactly one shard", () => {
    const jobs = jobsOf(50);
    const shards = splitJobs(jobs, 7, null);
    const seen = new Map<string, number>();
    for (const s of shards) for (const f of s.files) seen.set(f, (seen.get(f) ?? 0) + 1);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(seen.size).toBe(new Set(jobs.map((j) => j.file)).size);
    expect(shards.reduce((n, s) => n + s.jobs, 0)).toBe(jobs.length);
    for (const s of shards) {
      expect(s.files).toEqual([...s.files].sort());
      expect(s.jobs).toBe(jobs.filter((j) => s.files.includes(j.file)).length);
      expect(s.budgetUsd).toBeNull();
    }
  });

  it('balances by tokens: no shard exceeds the mean by more than the largest file', () => {
    const jobs = jobsOf(200);
    const shards = splitJobs(jobs, 8, null);
    const perFile = new Map<string, number>();
    for (const j of jobs) perFile.set(j.file, (perFile.get(j.file) ?? 0) + j.tokens);
    const mean = [...perFile.values()].reduce((n, v) => n + v, 0) / 8;
    const largest = Math.max(...perFile.values());
    for (const s of shards) expect(s.estimatedTokens).toBeLessThanOrEqual(mean + largest);
    const loads = shards.map((s) => s.estimatedTokens);
    expect(Math.max(...loads) / Math.min(...loads)).toBeLessThan(1.1);
  });

  it('gives each shard the budget share of its tokens, never more than the budget in all', () => {
    const shards = splitJobs(
      [
        { file: 'a.ts', tokens: 300 },
        { file: 'b.ts', tokens: 100 },
      ],
      2,
      1,
    );
    expect(shards.map((s) => [s.files, s.budgetUsd])).toEqual([
      [['a.ts'], 0.75],
      [['b.ts'], 0.25],
    ]);
    const many = splitJobs(jobsOf(30), 7, 0.1);
    expect(many.reduce((n, s) => n + s.budgetUsd!, 0)).toBeLessThanOrEqual(0.1);
  });

  it('with more shards than files makes one shard per file; with no jobs, one empty shard', () => {
    const shards = splitJobs(
      [
        { file: 'b.ts', tokens: 5 },
        { file: 'a.ts', tokens: 5 },
      ],
      8,
      null,
    );
    expect(shards.map((s) => s.files)).toEqual([['a.ts'], ['b.ts']]);
    expect(shardMatrix(shards)).toEqual({ include: [{ shard: '1/2' }, { shard: '2/2' }] });
    expect(splitJobs([], 4, 2)).toEqual([{ index: 1, files: [], jobs: 0, estimatedTokens: 0, budgetUsd: 2 }]);
  });

  it('refuses a shard count outside 1..MAX_SHARDS with E_USAGE', () => {
    for (const n of [0, -1, 1.5, MAX_SHARDS + 1, Number.NaN]) {
      expect(() => splitJobs([], n, null)).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    }
    expect(splitJobs([{ file: 'a.ts', tokens: 1 }], MAX_SHARDS, null)).toHaveLength(1);
  });
});
