import { describe, expect, it } from 'vitest';
import type { BenchResult } from './report.js';
import { scaleTargets } from './scale-report.js';

const LATENCY = { firstTokenMs: 1000, tokensPerSecond: 150 };
const row = (over: Partial<BenchResult>) => ({ scale: true, jobs: 0, error: undefined, ...over }) as BenchResult;

describe('scaleTargets', () => {
  it('prints nothing when no scale scenario ran', () => {
    expect(scaleTargets([row({ name: 'docstrings-100', scale: false })], LATENCY)).toEqual([]);
  });

  it('checks the dry run of 100,000 functions: index + expansion, peak RSS, the whole process', () => {
    const lines = scaleTargets(
      [row({ name: 'index-100k', jobs: 100_000, runMs: 9000, indexMs: 8000, peakRssMb: 1600, wallMs: 31_000 })],
      LATENCY,
    );
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^ {2}PASS +index \+ expansion of 100,000 functions ≤ 20 s.*: 9\.0 s \(index 8000 ms; 100,000 jobs\)/,
    );
    expect(lines[1]).toMatch(/^ {2}FAIL +<<<<<< +peak RSS of that run ≤ 1\.5 GB: 1600 MB/);
    expect(lines[2]).toMatch(/^ {2}FAIL +<<<<<< +--dry-run of 100,000 functions ≤ 30 s.*: 31\.0 s/);
  });

  it('checks the efficiency of 10,000 jobs at concurrency 64, naming other latency settings', () => {
    const ok = row({ name: 'docstrings-10000', efficiency: 0.951, wallMs: 118_000, idealWallMs: 112_200 });
    expect(scaleTargets([ok], LATENCY)[0]).toMatch(
      /^ {2}PASS +efficiency ≥ 0\.95 .*: 0\.951 \(wall 118\.0 s, ideal 112\.2 s\)$/,
    );
    const slow = { ...ok, efficiency: 0.94 };
    expect(scaleTargets([slow], { firstTokenMs: 500, tokensPerSecond: 150 })[0]).toMatch(
      /FAIL .*0\.940.*\(measured at 500 ms, 150 tok\/s\)$/,
    );
  });

  it('a scale scenario that failed to run is not measured', () => {
    const lines = scaleTargets([row({ name: 'docstrings-10000', error: 'exit 2' })], LATENCY);
    expect(lines[0]).toMatch(/^ {2}NOT MEASURED +efficiency/);
  });
});
