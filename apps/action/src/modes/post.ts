// Post mode: the privileged half of the fork-safe pair, on `workflow_run` after collect. It checks out nothing, runs
// no code and no model: it reads the artifact as data (strict schema, size caps), accepts it only for the pull request
// and head SHA GitHub says the workflow run was for, re-places every finding on the PR's current diff, re-escapes and
// re-redacts every string, rebuilds the SARIF, and publishes. A PR that moved on since gets the summary only.
import path from 'node:path';
import { UsageError } from '@orchestrate/core';
import { reviewSarif } from '@orchestrate/engine';
import { readArtifact, redactFindings, writeSarif, type CollectedResults } from '../artifact.js';
import { eventWorkflowRun, type EventWorkflowRun } from '../env.js';
import { loadPrContext, shortSha, type PrContext } from '../pr-context.js';
import { publishReview } from '../publish.js';
import type { ActionContext, ModeRunner } from '../types.js';
import { automationId, skippedResult } from './review.js';

/** Publishes the results artifact of a collect run on the pull request it was collected for. */
export const postMode: ModeRunner = async (ctx) => {
  if (ctx.env.eventName !== 'workflow_run') return skippedResult(`post runs on workflow_run, not ${ctx.env.eventName}`);
  const wr = eventWorkflowRun(ctx.env);
  if (!wr) return skippedResult('the workflow_run event names no head commit');
  if (!ctx.inputs.artifactPath) {
    throw new UsageError(
      'Mode `post` needs `artifact-path`: the folder actions/download-artifact wrote the collect run’s artifact to.',
    );
  }
  const results = await readArtifact(path.resolve(ctx.env.workspace, ctx.inputs.artifactPath));
  const candidates = await pullsOf(ctx, wr);
  if (candidates.length === 0) return skippedResult(`no open pull request has the head ${shortSha(wr.headSha)}`);
  if (!candidates.includes(results.pull.number) || results.pull.headSha !== wr.headSha) {
    throw new UsageError(
      `The results artifact is for #${results.pull.number} at ${shortSha(results.pull.headSha)}, but the workflow run ` +
        `was for ${candidates.map((c) => `#${c}`).join(', ')} at ${shortSha(wr.headSha)}: refused (results are posted ` +
        'only on the pull request and commit they were collected from).',
    );
  }
  const loaded = await loadPrContext(ctx, results.pull.number, { incremental: false, fetch: false });
  if (loaded.pull.state !== 'open') return skippedResult(`pull request #${results.pull.number} is closed`);
  const pr: PrContext = {
    ...loaded,
    range: { base: results.pull.mergeBase, head: results.pull.headSha },
    scope: 'full',
  };
  const moved = pr.pull.headSha !== results.pull.headSha;
  if (moved && pr.marker?.reviewed === pr.pull.headSha) return skippedResult('newer results are posted already');
  // The artifact was written by the pull request's own workflow: a suggestion in it was never checked against the
  // code here (the engine's fix checks ran, if at all, where the PR's author controls them), so none is offered.
  const findings = redactFindings(results.findings, ctx.known).map(({ fix: _fix, ...finding }) => finding);
  const sarif = reviewSarif(findings, { version: ctx.version, automationId: automationId(results.run.id) });
  const sarifPath = await writeSarif(ctx.env, results.run.id, sarif);
  const notes = moved ? [movedNote(results, pr)] : [];
  const published = await publishReview(ctx, pr, findings, results.run, {
    inline: !moved,
    reviewed: results.pull.headSha,
    notes,
    resolveGone: false,
  });
  return {
    runId: results.run.id,
    reportPath: null,
    sarifPath,
    costUsd: results.run.costUsd,
    commentsPosted: published.posted,
    findings,
    report: results.run,
    problems: published.problems,
    publishFailed: published.failed,
  };
};

/**
 * The pull requests the workflow run was for: GitHub lists them for same-repository PRs; for a fork's it lists none,
 * so they are looked up by the head's owner and branch, keeping those whose head is the run's commit.
 */
async function pullsOf(ctx: ActionContext, wr: EventWorkflowRun): Promise<number[]> {
  if (wr.pullNumbers.length) return wr.pullNumbers;
  if (!wr.headOwner || !wr.headBranch) return [];
  const found = await ctx.api.findPulls({ owner: wr.headOwner, branch: wr.headBranch });
  return found.filter((p) => p.headSha === wr.headSha && p.state === 'open').map((p) => p.number);
}

function movedNote(results: CollectedResults, pr: PrContext): string {
  return (
    `These results are for ${shortSha(results.pull.headSha)}; the pull request has moved on to ` +
    `${shortSha(pr.pull.headSha)}, so no inline comment was posted (the run for the new head posts its own).`
  );
}
