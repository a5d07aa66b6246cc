import type { FaultKind, Job, JobStatus, ReportItem, TokenUsage } from '@orchestrate/core';
import type { JobOutcome } from '@orchestrate/jobs';
import { itemDiff } from './item-diff.js';

/**
 * What a report line is read from: the fields of a `JobState` it uses (named here, not imported, because `state.ts`
 * builds each job-end's item with this module).
 */
export interface ItemSource {
  /** `file` (the job's file at the base commit) is what its diff is made against; without it the item has none. */
  target: { job: Job; file?: { path: string; text: string } };
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
    ...diffOf(s),
  };
}

/** Each outcome's diff, made once: the job-end event's item and the report's are built from the same outcome. */
const diffs = new WeakMap<object, string>();

/** `{ diff }` of a succeeded job that changed something (the change its step commits), else nothing. */
function diffOf(s: ItemSource): { diff?: string } {
  const o = s.outcome;
  const file = s.target.file;
  if (s.status !== 'succeeded' || !o || !file || (!o.edits.length && !o.newFiles.length)) return {};
  let diff = diffs.get(o);
  if (diff === undefined) diffs.set(o, (diff = itemDiff({ file, edits: o.edits, newFiles: o.newFiles })));
  return diff ? { diff } : {};
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
