import type { FaultKind, Job, JobStatus, ReportItem, TokenUsage } from '@orchestrate/core';
import type { JobOutcome } from '@orchestrate/jobs';

/**
 * What a report line is read from: the fields of a `JobState` it uses (named here, not imported, because `state.ts`
 * builds each job-end's item with this module).
 */
export interface ItemSource {
  target: { job: Job };
  status: JobStatus | null;
  model: string | null;
  usage: TokenUsage;
  costUsd: number;
  error: string | null;
  verdict: string | null;
  attempts: { model: string; rejected: string | null; fault?: FaultKind; escalated?: string }[];
  outcome: Pick<JobOutcome, 'edits' | 'newFiles' | 'annotations'> | null;
}

/**
 * The report line of one job: the one builder of `report.items` and of each `job-end` event's `item`, so the two are
 * always equal. It copies what the state keeps mutating (the attempts), so an emitted item never changes afterwards.
 */
export function reportItem(s: ItemSource): ReportItem {
  return {
    id: s.target.job.id,
    stepId: s.target.job.stepId,
    kind: s.target.job.kind,
    file: s.target.job.file,
    symbol: s.target.job.symbol,
    status: s.status ?? 'skipped',
    model: s.model,
    tokens: { input: s.usage.inputTokens, cachedInput: s.usage.cachedInputTokens, output: s.usage.outputTokens },
    costUsd: Math.round(s.costUsd * 1e9) / 1e9,
    error: s.error,
    verdict: s.verdict,
    attempts: s.attempts.map((a) => ({ ...a })),
    ...(unchanged(s) ? { unchanged: true } : {}),
  };
}

/** A job that succeeded with nothing to write: no edit, no new file and (not a review) no annotation. */
function unchanged(s: ItemSource): boolean {
  const o = s.outcome;
  return (
    s.status === 'succeeded' &&
    s.target.job.kind !== 'review' &&
    o !== null &&
    !o.edits.length &&
    !o.newFiles.length &&
    !o.annotations.length
  );
}
