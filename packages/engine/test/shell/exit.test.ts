import { describe, expect, it } from 'vitest';
import { atLeast, failsOn, reviewExitCode, runExitCode } from '../../src/index.js';

describe('exit codes of a report', () => {
  it('a run: 0 completed, 1 failures or budget, 130 interrupted', () => {
    expect(runExitCode({ status: 'completed' })).toBe(0);
    expect(runExitCode({ status: 'dry-run' })).toBe(0);
    expect(runExitCode({ status: 'completed-with-failures' })).toBe(1);
    expect(runExitCode({ status: 'budget-exceeded' })).toBe(1);
    expect(runExitCode({ status: 'interrupted' })).toBe(130);
  });

  it('--fail-on: a finding at the severity or worse fails the review (exit 1)', () => {
    expect(atLeast('error', 'warning')).toBe(true);
    expect(atLeast('note', 'warning')).toBe(false);
    const annotations = [{ severity: 'warning' as const }];
    expect(failsOn(annotations, undefined)).toBe(false);
    expect(failsOn(annotations, 'note')).toBe(true);
    expect(failsOn(annotations, 'warning')).toBe(true);
    expect(failsOn(annotations, 'error')).toBe(false);
    expect(reviewExitCode({ status: 'completed', annotations }, 'warning')).toBe(1);
    expect(reviewExitCode({ status: 'completed', annotations }, 'error')).toBe(0);
    expect(reviewExitCode({ status: 'interrupted', annotations: [] }, 'note')).toBe(130);
  });
});
