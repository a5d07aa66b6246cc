// Collect mode: the unprivileged half of the fork-safe pair. It runs in the `pull_request` workflow of a fork (a
// read-only token, no secrets: the offline engine's rules), reviews the whole PR and writes the results artifact
// for `post`. It makes no write call to GitHub (its API is read-only): the job summary and annotations are local.
import path from 'node:path';
import { reviewSarif } from '@orchestrate/engine';
import type { SummaryFinding } from '@orchestrate/engine';
import { emitAnnotations } from '../annotations.js';
import { collectedResults, resultsDir, SARIF_FILE, summaryReportOf, writeArtifact } from '../artifact.js';
import { eventPullNumber } from '../env.js';
import { loadPrContext, shortSha } from '../pr-context.js';
import { stepSummaryBody } from '../summary-comment.js';
import type { ModeRunner } from '../types.js';
import { automationId, reviewRun, runResult, skippedResult } from './review.js';

/** Reviews the pull request and writes the results artifact (`artifact-path`, else `$RUNNER_TEMP/orchestrate/<id>`). */
export const collectMode: ModeRunner = async (ctx) => {
  const n = eventPullNumber(ctx.env);
  if (n === null) return skippedResult(`collect needs a pull request event, not ${ctx.env.eventName}`);
  const pr = await loadPrContext(ctx, n, { incremental: false });
  if (pr.pull.state !== 'open') return skippedResult(`pull request #${n} is closed`);
  const run = await reviewRun(ctx, pr);
  const report = summaryReportOf(run.report);
  const pull = { number: n, headSha: pr.pull.headSha, baseSha: pr.pull.baseSha, mergeBase: pr.mergeBase };
  const results = collectedResults(pull, report, run.findings, ctx.known);
  const dir = ctx.inputs.artifactPath
    ? path.resolve(ctx.env.workspace, ctx.inputs.artifactPath)
    : resultsDir(ctx.env, report.id);
  const sarif = reviewSarif(results.findings, { version: ctx.version, automationId: automationId(report.id) });
  await writeArtifact(dir, results, sarif);
  emitAnnotations(ctx.kit, results.findings);
  const findings: SummaryFinding[] = results.findings.map(({ severity, ruleId, file, line, endLine, message }) => {
    return { severity, ruleId, file, line, endLine, message, state: 'open' };
  });
  const note =
    `Collected ${results.findings.length} finding(s) on ${shortSha(pull.headSha)} into ${dir}: ` +
    'the post workflow publishes them on the pull request.';
  await ctx.kit.writeStepSummary(
    stepSummaryBody({
      marker: { v: 1, kind: 'review', reviewed: pull.headSha, run: ctx.env.runId },
      title: 'orchestrate review (collected)',
      report,
      findings,
      notes: [note],
      runUrl: ctx.env.runUrl,
      known: ctx.known,
    }),
  );
  return { ...runResult(run.report), sarifPath: path.join(dir, SARIF_FILE), findings: results.findings };
};
