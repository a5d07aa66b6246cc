// Publishing a review on GitHub: one batched review with the new inline comments (a 422, which names no comment, is
// bisected so one bad line costs only itself), fixed findings' threads resolved (else minimized), the sticky summary
// edited in place, and the job summary. A 401/403 means the token cannot write: nothing more is tried, the problem
// says what to grant, and the job summary, annotations and SARIF (written by the mode) still happen.
import { GitHubApiError, type ReviewFinding } from '@orchestrate/core';
import type { SummaryFinding } from '@orchestrate/engine';
import { emitAnnotations } from './annotations.js';
import { fileDiffs } from './diff-hunks.js';
import type { NewReviewComment } from './github/api.js';
import { apiProblem } from './github/client.js';
import { shortSha, type PrContext } from './pr-context.js';
import { planPublication, postedFindings, type PostedFinding, type Publication } from './reconcile.js';
import { stepSummaryBody, summaryCommentBody, type SummaryInput } from './summary-comment.js';
import type { ActionContext, SummaryReport } from './types.js';

/** How publishReview publishes. */
export interface PublishOptions {
  /** false: no inline comment and no thread resolved, only the summaries (post mode, when the PR moved on). */
  inline?: boolean;
  /** The SHA the summary marker records as reviewed. @default the range's head */
  reviewed?: string;
  /** More plain-text notes for the summaries. */
  notes?: readonly string[];
  /**
   * false: a posted finding not found again stays open (post mode: the findings come from the pull request's own,
   * unprivileged workflow, so their absence proves nothing). @default true
   */
  resolveGone?: boolean;
}

/** What publishing did: comments posted, problems (each says what to do), and whether any write failed. */
export interface PublishResult {
  posted: number;
  /** Our earlier comments still open whose findings this run did not report again (outside an incremental range). */
  carried: { severity: ReviewFinding['severity'] }[];
  problems: string[];
  failed: boolean;
}

/** The writes of one publication: a refusal becomes a problem line; after a 401/403 nothing more is tried. */
export class Writes {
  readonly problems: string[] = [];
  failed = false;
  stopped = false;

  /** Runs one write; a GitHub error becomes a problem and undefined (anything else is a bug and is thrown). */
  async try<T>(what: string, write: () => Promise<T>): Promise<T | undefined> {
    if (this.stopped) return undefined;
    try {
      return await write();
    } catch (err) {
      this.refused(what, err);
      return undefined;
    }
  }

  /** Records a failed write (`what` failed: what to do). */
  refused(what: string, err: unknown): void {
    if (!(err instanceof GitHubApiError)) throw err;
    this.failed = true;
    const stop = err.status === 401 || err.status === 403;
    if (stop) this.stopped = true;
    this.problems.push(`${what} failed${stop ? ', so nothing more was written' : ''}: ${apiProblem(err)}`);
  }
}

/** The summary a mode publishes; notes are plain text, and the problems of `writes` are added to them. */
export type SummaryParts = Omit<SummaryInput, 'notes' | 'runUrl' | 'known'> & { notes: readonly string[] };

/**
 * Publishes a review: 0 new comments → no review; a 422 → the batch bisected, singletons that still fail listed as
 * not placed; a 403 → nothing more is written; then gone findings resolved and the sticky summary upserted.
 */
export async function publishReview(
  ctx: ActionContext,
  pr: PrContext,
  findings: readonly ReviewFinding[],
  report: SummaryReport | null,
  o: PublishOptions = {},
): Promise<PublishResult> {
  const writes = new Writes();
  const notes: string[] = [rangeNote(pr)];
  const plan = o.inline === false ? null : await planned(ctx, pr, findings, writes);
  if (plan && o.resolveGone === false) plan.open.push(...plan.gone.splice(0));
  const outcome: Outcome = { posted: new Set(), refused: [] };
  if (plan?.post.length) await postBatch(ctx, pr, plan.post, outcome, writes);
  if (outcome.refused.length) {
    const reasons = [...new Set(outcome.refused.map((r) => r.reason))].slice(0, 3).join('; ');
    notes.push(`GitHub refused ${outcome.refused.length} inline comment(s), listed below as not placed: ${reasons}`);
  }
  // A review that could not be posted must be reviewed again: keep the reviewed SHA where it was.
  const reviewed = writes.failed ? (pr.marker?.reviewed ?? null) : (o.reviewed ?? pr.range.head);
  if (plan?.gone.length) await resolveGone(ctx, plan.gone, writes);
  emitAnnotations(ctx.kit, findings);
  await publishSummary(
    ctx,
    pr,
    {
      marker: { v: 1, kind: 'review', reviewed, run: ctx.env.runId },
      title: 'orchestrate review',
      report,
      findings: summaryFindings(findings, plan, outcome),
      notes: [...notes, ...(o.notes ?? [])],
    },
    writes,
  );
  const found = new Set(findings.map((f) => f.fingerprint));
  const carried = (plan?.open ?? []).filter((p) => !found.has(p.marker.fp)).map((p) => ({ severity: p.marker.sev }));
  return { posted: outcome.posted.size, carried, problems: writes.problems, failed: writes.failed };
}

/** Upserts the sticky summary comment (found by its marker; a deleted one is made again) and writes the job summary. */
export async function publishSummary(
  ctx: ActionContext,
  pr: PrContext,
  parts: SummaryParts,
  writes: Writes = new Writes(),
): Promise<void> {
  const input = (): SummaryInput => ({
    ...parts,
    notes: [...parts.notes, ...writes.problems],
    runUrl: ctx.env.runUrl,
    known: ctx.known,
  });
  const body = summaryCommentBody(input());
  const n = pr.pull.number;
  const create = async () => void (await ctx.api.createIssueComment(n, body));
  await writes.try('Writing the summary comment', async () => {
    if (!pr.summary) return create();
    try {
      await ctx.api.updateIssueComment(pr.summary.id, body);
    } catch (err) {
      if (err instanceof GitHubApiError && err.status === 404) return create();
      throw err;
    }
  });
  try {
    await ctx.kit.writeStepSummary(stepSummaryBody(input()));
  } catch (err) {
    writes.problems.push(`Writing the job summary failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** What posting the review did to each planned comment. */
interface Outcome {
  posted: Set<ReviewFinding>;
  refused: { finding: ReviewFinding; reason: string }[];
}

type Planned = Publication['post'][number];

/** The publication plan over the PR's files and our own posted comments; unreadable state → no inline comment. */
async function planned(
  ctx: ActionContext,
  pr: PrContext,
  findings: readonly ReviewFinding[],
  writes: Writes,
): Promise<Publication | null> {
  const n = pr.pull.number;
  let files, comments;
  try {
    [files, comments] = await Promise.all([ctx.api.listPullFiles(n), ctx.api.listReviewComments(n)]);
  } catch (err) {
    writes.refused("Reading the pull request's files and comments (so no inline comment was posted)", err);
    return null;
  }
  // Without threads, fixed findings are minimized instead of resolved.
  const threads = await ctx.api.listReviewThreads(n).catch((err: unknown) => {
    if (!(err instanceof GitHubApiError)) throw err;
    ctx.log.line(`could not read the review threads (${err.status}): fixed findings are hidden instead of resolved`);
    return [];
  });
  return planPublication({
    findings,
    posted: postedFindings(comments, threads, pr.self),
    diffs: fileDiffs(files),
    maxComments: ctx.inputs.maxComments,
    scope: pr.scope,
    known: ctx.known,
  });
}

/** Posts comments as one review; a 422 splits the batch in halves until the refused comments stand alone. */
async function postBatch(
  ctx: ActionContext,
  pr: PrContext,
  items: readonly Planned[],
  outcome: Outcome,
  writes: Writes,
): Promise<void> {
  if (writes.stopped || items.length === 0) return;
  const comments: NewReviewComment[] = items.map((i) => i.comment);
  const body = `orchestrate: ${items.length} new finding(s) on ${shortSha(pr.pull.headSha)}; the summary comment lists every finding.`;
  try {
    await ctx.api.createReview(pr.pull.number, { commitId: pr.pull.headSha, body, comments });
    for (const i of items) outcome.posted.add(i.finding);
  } catch (err) {
    if (!(err instanceof GitHubApiError) || err.status !== 422) return writes.refused('Posting the review', err);
    const [only] = items;
    if (items.length === 1 && only) {
      outcome.refused.push({
        finding: only.finding,
        reason: `${err.status} ${err.githubMessage || err.message}`.slice(0, 200),
      });
      return;
    }
    const half = Math.ceil(items.length / 2);
    await postBatch(ctx, pr, items.slice(0, half), outcome, writes);
    await postBatch(ctx, pr, items.slice(half), outcome, writes);
  }
}

/** Resolves the threads of fixed findings, or minimizes their comments as outdated; a refusal is one problem line. */
async function resolveGone(ctx: ActionContext, gone: readonly PostedFinding[], writes: Writes): Promise<void> {
  let unresolved = 0;
  let why = '';
  for (const g of gone) {
    if (writes.stopped) return;
    if (g.resolved) continue;
    try {
      if (g.threadId) {
        try {
          await ctx.api.resolveThread(g.threadId);
          continue;
        } catch (err) {
          if (!(err instanceof GitHubApiError)) throw err;
        }
      }
      await ctx.api.minimizeComment(g.comment.nodeId);
    } catch (err) {
      if (!(err instanceof GitHubApiError)) throw err;
      unresolved++;
      why = apiProblem(err);
    }
  }
  if (unresolved) writes.problems.push(`${unresolved} fixed finding(s) could not be resolved or hidden: ${why}`);
}

/** Every finding of the run in its state, then our earlier comments still open, then the ones now fixed. */
function summaryFindings(
  findings: readonly ReviewFinding[],
  plan: Publication | null,
  outcome: Outcome,
): SummaryFinding[] {
  if (!plan) return findings.map((f) => fromFinding(f, 'unplaced'));
  const openByFp = new Map(plan.open.map((p) => [p.marker.fp, p]));
  const seen = new Set(findings.map((f) => f.fingerprint));
  return [
    ...plan.post.map((p) => fromFinding(p.finding, outcome.posted.has(p.finding) ? 'posted' : 'unplaced')),
    ...plan.already.map((f) => fromFinding(f, 'open', openByFp.get(f.fingerprint)?.comment.htmlUrl ?? null)),
    ...plan.overflow.map((f) => fromFinding(f, 'overflow')),
    ...plan.unplaced.map((u) => fromFinding(u.finding, 'unplaced')),
    ...plan.open.filter((p) => !seen.has(p.marker.fp)).map((p) => fromPosted(p, 'open', 'posted on an earlier push')),
    ...plan.gone.map((p) => fromPosted(p, 'resolved', 'fixed: no longer found')),
  ];
}

function fromFinding(f: ReviewFinding, state: SummaryFinding['state'], url: string | null = null): SummaryFinding {
  const { severity, ruleId, file, line, endLine, message } = f;
  return { severity, ruleId, file, line, endLine, message, state, url };
}

/** Our earlier comment as a summary line; its message is fixed text (its body is already Markdown). */
function fromPosted(p: PostedFinding, state: SummaryFinding['state'], message: string): SummaryFinding {
  const line = p.comment.line ?? p.comment.startLine ?? 0;
  const { sev: severity, rule: ruleId } = p.marker;
  return { severity, ruleId, file: p.comment.path, line, endLine: line, message, state, url: p.comment.htmlUrl };
}

function rangeNote(pr: PrContext): string {
  const range = `${shortSha(pr.range.base)}..${shortSha(pr.range.head)}`;
  return pr.scope === 'incremental'
    ? `Reviewed ${range}: the commits since the last review.`
    : `Reviewed ${range}: the whole pull request.`;
}
