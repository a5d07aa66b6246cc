import { EXIT_CODES, type ReviewAnnotation, type RunReport } from '@orchestrate/core';

/** The severities a review finding has, lowest first. */
export const SEVERITIES = ['note', 'warning', 'error'] as const;

/** A review finding's severity; `--fail-on` takes one. */
export type Severity = (typeof SEVERITIES)[number];

const RANK: Record<Severity, number> = { note: 0, warning: 1, error: 2 };

/** Whether a severity is `threshold` or worse (`error` is worse than `warning`, which is worse than `note`). */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return RANK[severity] >= RANK[threshold];
}

/** The `--fail-on` policy: whether a finding has the given severity or worse; no threshold never fails. */
export function failsOn(
  annotations: readonly Pick<ReviewAnnotation, 'severity'>[],
  failOn: Severity | undefined,
): boolean {
  return failOn !== undefined && annotations.some((a) => atLeast(a.severity, failOn));
}

/** A finished run's exit code: 130 interrupted, 1 when jobs failed or the budget stopped it, else 0. */
export function runExitCode(report: Pick<RunReport, 'status'>): number {
  if (report.status === 'interrupted') return EXIT_CODES.interrupted;
  const failed = report.status === 'completed-with-failures' || report.status === 'budget-exceeded';
  return failed ? EXIT_CODES.failures : EXIT_CODES.ok;
}

/** A review's exit code: 1 when `--fail-on` matched a finding, else the run's own ({@link runExitCode}). */
export function reviewExitCode(
  report: Pick<RunReport, 'status'> & { annotations: readonly Pick<ReviewAnnotation, 'severity'>[] },
  failOn: Severity | undefined,
): number {
  return failsOn(report.annotations, failOn) ? EXIT_CODES.failures : runExitCode(report);
}
