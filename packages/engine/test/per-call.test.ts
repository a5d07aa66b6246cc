import { describe, expect, it } from 'vitest';
import { jobsPerCall } from '../src/job/per-call.js';

describe('jobsPerCall', () => {
  it('spreads a small run over the concurrency, packs a large one up to the configured most', () => {
    expect(jobsPerCall(100, 32, 16)).toBe(4); // 25 calls fill the 32 slots
    expect(jobsPerCall(300, 32, 16)).toBe(10);
    expect(jobsPerCall(1000, 32, 16)).toBe(16);
    expect(jobsPerCall(5000, 32, 16)).toBe(16);
  });

  it('packs at least four jobs (the instructions are repeated per call), unless the configured most is lower', () => {
    expect(jobsPerCall(4, 32, 16)).toBe(4);
    expect(jobsPerCall(1, 8, 16)).toBe(4);
    expect(jobsPerCall(100, 32, 2)).toBe(2);
    expect(jobsPerCall(100, 32, 1)).toBe(1);
    expect(jobsPerCall(0, 0, 16)).toBe(4);
  });
});
