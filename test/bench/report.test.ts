import { describe, expect, it } from 'vitest';
import { cpuSplit, type BenchResult } from './report.js';

const row = (name: string, jobs: number, cpuMs: number | null, error?: string) =>
  ({
    name,
    jobs,
    cpuMs,
    escalateShare: name.endsWith('-esc10') ? 0.1 : 0,
    scale: name === 'docstrings-10000',
    ...(error ? { error } : {}),
  }) as unknown as BenchResult;

describe('cpuSplit', () => {
  it('splits the CPU of the two largest docstrings runs into a part per job and a fixed part', () => {
    const split = cpuSplit([
      row('docstrings-100', 100, 1500),
      row('docstrings-5000', 5000, 9700),
      row('docstrings-1000', 1000, 2500),
      row('index-2000-files', 10000, 800),
      row('docstrings-1000-esc10', 1000, 99999),
      row('docstrings-10000', 10000, 99999),
    ]);
    expect(split).toEqual({ from: 'docstrings-1000', to: 'docstrings-5000', perJobMs: 1.8, fixedMs: 700 });
  });

  it('needs two docstrings runs that ran and were measured', () => {
    expect(cpuSplit([row('docstrings-1000', 1000, 2500)])).toBeNull();
    expect(cpuSplit([row('docstrings-1000', 1000, 2500), row('docstrings-5000', 5000, null)])).toBeNull();
    expect(cpuSplit([row('docstrings-1000', 1000, 2500), row('docstrings-5000', 5000, 9000, 'exit 2')])).toBeNull();
  });
});
