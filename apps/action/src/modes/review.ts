// Review mode (pull_request): review the PR's changes with no planner call (so no PR text reaches a model), the config
// and AGENTS.md taken from the base commit, none of the repository's tools run; then one batched review, the sticky
// summary and SARIF. A budget stop still publishes every finding that was verified.
import path from 'node:path';
import type { ReviewFinding, RunReport } from '@orchestrate/core';
import { reviewFindings, reviewSarif, runDir, runTask, type SarifLog } from '@orchestrate/engine';
import { redactFindings, summaryReportOf, writeSarif } from '../artifact.js';
import { eventPullNumber } from '../env.js';
import { loadPrContext, type PrContext } from '../pr-context.js';
import { publishReview } from '../publish.js';
import type { ActionContext, ModeResult, ModeRunner } from '../types.js';

/** Reviews the pull request of a pull_request event and publishes the review. */
export const reviewMode: ModeRunner = async (ctx) => {
  const n = eventPullNumber(ctx.env);
  if (n === null) return skippedResult(`review needs a pull request event, not ${ctx.env.eventName}`);
  const incremental = ctx.env.event.action === 'synchronize';
  const pr = await loadPrContext(ctx, n, { incremental });
  if (pr.pull.state !== 'open') return skippedResult(`pull request #${n} is closed`);
  const run = await reviewRun(ctx, pr);
  // SARIF first: when the token cannot write, the SARIF upload is what is left.
  const sarifPath = await writeSarif(ctx.env, run.report.id, run.sarif);
  const report = summaryReportOf(run.report);
  const published = await publishReview(ctx, pr, run.findings, report);
  return {
    ...runResult(run.report),
    sarifPath,
    commentsPosted: published.posted,
    findings: run.findings,
    carried: published.carried,
    problems: published.problems,
    publishFailed: published.failed,
  };
};

/** One review run over the context's range, its findings (redacted) and their SARIF log. */
export interface ReviewRun {
  report: RunReport;
  findings: ReviewFinding[];
  sarif: SarifLog;
}

/** Runs the review of `pr.range` in the checkout (used by review and collect). */
export async function reviewRun(ctx: ActionContext, pr: PrContext): Promise<ReviewRun> {
  const report = await runTask({
    ...ctx.engineOptions(),
    cwd: ctx.env.workspace,
    task: `review pull request #${pr.pull.number}`,
    review: { base: pr.range.base, head: pr.range.head, workingTree: false },
    configAt: pr.pull.baseSha,
    runRepositoryCode: false,
  });
  const findings = redactFindings(await reviewFindings(report), ctx.known);
  const sarif = reviewSarif(findings, { version: ctx.version, automationId: automationId(report.id) });
  return { report, findings, sarif };
}

/** The SARIF `runAutomationDetails.id`: its category (`orchestrate/action/`) is apart from the CLI's. */
export function automationId(runId: string): string {
  return `orchestrate/action/${runId}`;
}

/** The outputs of a finished run, before publishing fills in the rest. */
export function runResult(report: RunReport): ModeResult {
  return {
    runId: report.id,
    reportPath: path.join(runDir(report.repo, report.id), 'report.json'),
    sarifPath: null,
    costUsd: report.costUsd,
    commentsPosted: 0,
    findings: [],
    report: summaryReportOf(report),
    problems: [],
  };
}

/** A mode that decided not to run, with why. */
export function skippedResult(why: string): ModeResult {
  return {
    runId: null,
    reportPath: null,
    sarifPath: null,
    costUsd: 0,
    commentsPosted: 0,
    findings: [],
    report: null,
    problems: [],
    skipped: why,
  };
}
