// The one paragraph every delegation tool's output opens with: what happened and what to do next, in words a model
// acts on. Some clients show the model only the structured result, so the paragraph names the next tool call. File
// names, symbols, commit subjects, tasks and error messages come from the repository and the models: the paragraph is
// escaped as a whole (`safeText`), so it cannot drive a terminal it is printed to.
import { safeText } from '@orchestrate/core';
import type {
  ApplyOutput,
  CancelOutput,
  ListOutput,
  PlanOutput,
  ResultOutput,
  ReviewOutput,
  StartOutput,
  StatusOutput,
  UndoOutput,
} from './schemas.js';
import type { Unsummarized } from './views.js';

/** `$0.0123`. */
export function usd(n: number): string {
  return `$${n.toFixed(n !== 0 && Math.abs(n) < 0.0001 ? 6 : 4)}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const spent = (cost: number, budget: number | null) =>
  budget === null ? usd(cost) : `${usd(cost)} of a ${usd(budget)} budget`;
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
/** How a delegating agent resumes a run: the tool input, and the command a person would type. */
export const resumeHint = (id: string) => `start_run with resume: "${id}" (or \`orchestrate resume ${id}\`)`;
const done = (s: string) => safeText(s.replace(/\s+/g, ' ').trim());

/** The paragraph of a run's result. `engine` is the run's, when known. */
export function resultSummary(r: Unsummarized<ResultOutput>, engine: string | null): string {
  const by = engine ? ` (${engine} engine)` : '';
  if (!r.finished) {
    const sofar = r.jobs.total
      ? `: ${r.jobs.succeeded + r.jobs.failed + r.jobs.skipped} of ${r.jobs.total} jobs done so far`
      : '';
    return done(
      `Run ${r.runId}${by} is still running${sofar}; ${spent(r.costUsd, r.budgetUsd)} spent. ` +
        `Ask again with run_result (waitSec up to 280) or follow it with run_status; stop it with cancel_run ${r.runId}.`,
    );
  }
  if (r.error) {
    const resumable = r.error.code === 'E_INTERRUPTED';
    const next = resumable ? `Resume it with ${resumeHint(r.runId)}.` : 'Fix what the message says and start it again.';
    return done(`Run ${r.runId}${by} failed [${r.error.code}]: ${cut(r.error.message, 400)} ${next}`);
  }
  const j = r.jobs;
  const failed = j.failed + j.skipped ? ` (${j.failed} failed, ${j.skipped} skipped)` : '';
  const parts = [`${j.succeeded} of ${j.total} jobs succeeded${failed}`];
  const first = r.commits[0];
  if (first && r.branch) {
    const more = r.commits.length > 1 ? `, …` : '';
    parts.push(
      `${plural(r.commits.length, 'commit')} on ${r.branch} (${first.sha.slice(0, 8)} ${cut(first.subject, 80)}${more})`,
    );
    parts.push(`${r.diffstat.files} files changed, +${r.diffstat.insertions} -${r.diffstat.deletions}`);
  } else parts.push('no commit');
  parts.push(spent(r.costUsd, r.budgetUsd));
  const next: string[] = [];
  if (r.next.look) next.push(`Look: \`${r.next.look}\``);
  if (r.next.apply) next.push(`merge: ${r.next.apply}`);
  if (r.next.undo) next.push(`discard: ${r.next.undo}`);
  if (r.status === 'interrupted') next.push(`finish it: ${resumeHint(r.runId)}`);
  const failedItem = r.items.find((i) => i.status !== 'succeeded');
  if (failedItem)
    next.push(
      `first failure: ${failedItem.file} ${failedItem.symbol}: ${cut(failedItem.error ?? failedItem.verdict ?? failedItem.status, 160)}`,
    );
  return done(`Run ${r.runId}${by} ${r.status}: ${parts.join('; ')}.${next.length ? ` ${next.join('; ')}.` : ''}`);
}

/** The paragraph of `run_status`. */
export function statusSummary(s: Unsummarized<StatusOutput>): string {
  const j = s.jobs;
  const counts = j.total
    ? `${j.done} of ${j.total} jobs done (${j.failed} failed, ${j.running} running, ${j.queued} queued)`
    : 'no jobs yet';
  const phase = s.phase ? `phase ${s.phase}, ` : '';
  const cost = spent(s.costUsd, s.budgetUsd);
  if (s.state === 'failed') {
    const why = s.error ? ` [${s.error.code}]: ${cut(s.error.message, 400)}` : '';
    return done(`Run ${s.runId} failed${why}. run_result ${s.runId} has what it did.`);
  }
  if (s.finished)
    return done(`Run ${s.runId} ended ${s.state}: ${counts}; ${cost}. Get the outcome with run_result ${s.runId}.`);
  const eta = s.etaMs !== null ? `, about ${Math.ceil(s.etaMs / 1000)} s left` : '';
  const throttled = s.throttled
    ? ` Rate limited: ${s.throttled.model} at ${s.throttled.concurrency} calls at once.`
    : '';
  return done(
    `Run ${s.runId} is ${s.state}: ${phase}${counts}; ${cost}${eta}.${throttled} ` +
      `Poll run_status with sinceSeq ${s.nextSeq} for new events, or wait with run_result (waitSec).`,
  );
}

/** The paragraph of `start_run`. */
export function startSummary(s: Unsummarized<StartOutput>, resumed: boolean): string {
  const what = resumed ? 'resumed' : 'started';
  return done(
    `Run ${s.runId} ${what} (${s.engine} engine) from ${s.baseCommit.slice(0, 8)}; its work goes on ${s.branch}, ` +
      `your working tree is not touched. Follow it with run_status ${s.runId}, wait for it with run_result (waitSec), stop it with cancel_run.`,
  );
}

/** The paragraph of `plan`. */
export function planSummary(p: Unsummarized<PlanOutput>): string {
  const steps = p.steps.map((s) => `${s.kind}${s.paths.length ? ` in ${s.paths.join(', ')}` : ''}`).join('; ');
  const est =
    p.estimate.costUsdHigh > 0
      ? `estimated ${usd(p.estimate.costUsdLow)}–${usd(p.estimate.costUsdHigh)}`
      : 'no model calls';
  const warn = p.warnings.length ? ` ${plural(p.warnings.length, 'warning')}, first: ${cut(p.warnings[0]!, 200)}.` : '';
  return done(
    `Dry run ${p.runId} (${p.engine} engine): ${plural(p.steps.length, 'step')}${steps ? ` (${cut(steps, 300)})` : ''}, ` +
      `${plural(p.jobs.total, 'job')}, ${est}; planning cost ${usd(p.plannerCostUsd)}. Nothing was created.${warn} ` +
      `Run it with start_run (large tasks) or run (small ones) and the same task.`,
  );
}

/** The paragraph of `cancel_run`. */
export function cancelSummary(c: Unsummarized<CancelOutput>): string {
  const commits = c.commits.length ? `${plural(c.commits.length, 'commit')} of verified work kept` : 'no commit yet';
  if (c.state === 'stopping') {
    return done(
      `Run ${c.runId} is stopping: no new model calls; calls in flight finish, then verified work is committed. Check with run_status ${c.runId}.`,
    );
  }
  const resume = c.resumable && c.resume ? ` Resume it with ${resumeHint(c.runId)}.` : '';
  return done(`Run ${c.runId} ended ${c.state} (${commits}).${resume} run_result ${c.runId} has the details.`);
}

/** The paragraph of `review`. */
export function reviewSummary(r: Unsummarized<ReviewOutput>): string {
  const c = r.counts;
  const total = c.error + c.warning + c.note;
  if (!total)
    return done(
      `Review ${r.runId} of ${r.reviewed.label} (${plural(r.reviewed.files, 'file')}): no findings on the changed lines.`,
    );
  const first = r.annotations[0];
  const top = first ? ` First: ${first.file}:${first.line} ${first.severity} ${cut(first.message, 200)}.` : '';
  const more = r.truncated
    ? ` Only the first ${r.annotations.length} are listed; the rest are in the run's report.`
    : '';
  return done(
    `Review ${r.runId} of ${r.reviewed.label} (${plural(r.reviewed.files, 'file')}): ${c.error} errors, ${c.warning} warnings, ${c.note} notes.${top}${more}`,
  );
}

/** The paragraph of `list_runs`. */
export function listSummary(l: Unsummarized<ListOutput>): string {
  if (!l.runs.length) return 'No runs in this repository yet. Start one with start_run or run.';
  const newest = l.runs[0]!;
  return done(
    `${plural(l.runs.length, 'run')} listed, newest first; the newest, ${newest.id}, is ${newest.status}: "${cut(newest.task, 120)}".`,
  );
}

/** The paragraph of `apply_run`. */
export function applySummary(a: Unsummarized<ApplyOutput>): string {
  const how = a.fastForward ? 'fast-forwarded' : 'merged with a merge commit';
  return done(
    `Run ${a.runId}: ${a.branch} ${how} into ${a.into} (${plural(a.commits, 'commit')}); ${a.into} is now at ${a.head.slice(0, 8)}.`,
  );
}

/** The paragraph of `undo_run`. */
export function undoSummary(u: Unsummarized<UndoOutput>): string {
  const did = [
    u.deletedBranch ? `deleted ${u.branch}` : null,
    u.removedWorktree ? 'removed its worktree' : null,
    u.markedUndone ? 'marked it undone (no longer resumable)' : null,
  ].filter(Boolean);
  return done(`Run ${u.runId} undone: ${did.length ? did.join(', ') : 'nothing was left to remove'}.`);
}
