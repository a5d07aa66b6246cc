import { describe, expect, it } from 'vitest';
import { parseArgs, SCENARIOS } from './options.js';

const names = (argv: string[]) => parseArgs(argv).scenarios.map((s) => s.name);

describe('parseArgs: the scale scenarios', () => {
  it('leaves them out of the default run', () => {
    expect(names([])).toEqual(SCENARIOS.filter((s) => !s.scale).map((s) => s.name));
    expect(names([])).not.toContain('index-100k');
    expect(names([])).not.toContain('docstrings-10000');
  });

  it('--scale runs them only, without the start-up runs unless they are asked for', () => {
    expect(names(['--scale'])).toEqual(['index-100k', 'docstrings-10000']);
    expect(parseArgs(['--scale']).startupRuns).toBe(0);
    expect(parseArgs(['--startup-runs', '3', '--scale']).startupRuns).toBe(3);
    expect(parseArgs(['--scale', '--startup-runs', '3']).startupRuns).toBe(3);
  });

  it('--scenarios names them like any other', () => {
    expect(names(['--scenarios', 'docstrings-100,index-100k'])).toEqual(['docstrings-100', 'index-100k']);
  });

  it('defines 100,000 functions in files of 100 and 10,000 jobs at concurrency 64', () => {
    const index = SCENARIOS.find((s) => s.name === 'index-100k')!;
    expect(index).toMatchObject({ kind: 'index', functions: 100_000, files: 1000 });
    expect(SCENARIOS.find((s) => s.name === 'docstrings-10000')).toMatchObject({
      kind: 'docstrings',
      functions: 10_000,
      concurrency: 64,
    });
  });
});
