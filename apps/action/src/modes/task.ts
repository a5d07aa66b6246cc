// Task mode: run a task on the PR (input `task`, or a `/orchestrate <task>` comment from a user with write access)
// from its head, with the base's config, and push only the verified commits: to the head branch when it lives here
// (fast-forward, with a lease on the head the run started from), else to a new branch with a pull request.
import { isOrchestrateError, UsageError, type RunReport } from '@orchestrate/core';
import { markdownCode, markdownText, pushRunBranch, redactPosted, runTask } from '@orchestrate/engine';
import { actionMessage } from '../action-words.js';
import { decideCommand } from '../command.js';
import { eventComment, eventPullNumber } from '../env.js';
import { authOf, loadPrContext, whoAmI, type PrContext } from '../pr-context.js';
import { publishSummary, Writes } from '../publish.js';
import type { ActionContext, ModeRunner } from '../types.js';
import { runResult, skippedResult } from './review.js';

/** Runs a task on a pull request and pushes its verified commits. */
export const taskMode: ModeRunner = async (ctx) => {
  const n = eventPullNumber(ctx.env);
  if (n === null) return skippedResult(`task needs a pull request (a pull_request event or a comment on one)`);
  const writes = new Writes();
  const request = await taskOf(ctx, n, writes);
  if ('skip' in request) return { ...skippedResult(request.skip), problems: writes.problems };
  const pr = await loadPrContext(ctx, n, { incremental: false, kind: 'task' });
  if (pr.pull.state !== 'open') return skippedResult(`pull request #${n} is closed`);
  if (request.commentId !== null) await react(ctx, request.commentId);
  const marker = { v: 1 as const, kind: 'task' as const, reviewed: null, run: ctx.env.runId };
  const summary = { marker, title: 'orchestrate task', findings: [] };
  let report: RunReport;
  try {
    report = await runTask({
      ...ctx.engineOptions(),
      cwd: ctx.env.workspace,
      task: request.task,
      from: pr.pull.headSha,
      configAt: pr.pull.baseSha,
      runRepositoryCode: false,
    });
  } catch (err) {
    // Whoever asked on the PR sees why nothing happened (the step's failure says it too, with what to do).
    if (isOrchestrateError(err) && err.userFacing) {
      const notes = [`Task: ${request.task}`, `The task did not run: ${actionMessage(err)}`];
      await publishSummary(ctx, pr, { ...summary, report: null, notes }, writes);
    }
    throw err;
  }
  const pushed = await pushCommits(ctx, pr, report, request.task, writes);
  const notes = [`Task: ${request.task}`, ...pushed, ...notCommitted(report)];
  const result = runResult(report);
  await publishSummary(ctx, pr, { ...summary, report: result.report, notes }, writes);
  return { ...result, problems: writes.problems, publishFailed: writes.failed };
};

/** The task to run: from the `/orchestrate` comment of an issue_comment event (checked), else the `task` input. */
async function taskOf(
  ctx: ActionContext,
  n: number,
  writes: Writes,
): Promise<{ task: string; commentId: number | null } | { skip: string }> {
  if (ctx.env.eventName !== 'issue_comment') {
    const task = ctx.inputs.task.trim();
    if (!task) throw new UsageError('Mode `task` needs the `task` input (or runs on a `/orchestrate <task>` comment).');
    return { task, commentId: null };
  }
  // An edited or deleted comment does not start a run again.
  const comment = eventComment(ctx.env);
  if (!comment) return { skip: 'the issue_comment event has no comment' };
  if (comment.action !== 'created') return { skip: 'the comment was not just created' };
  const decision = await decideCommand(ctx.api, comment, await whoAmI(ctx));
  if (decision.run) return { task: decision.task, commentId: comment.id };
  const reply = decision.reply;
  if (reply) await writes.try('Replying to the comment', () => ctx.api.createIssueComment(n, reply));
  return { skip: decision.reason };
}

/** 👀 on the command: it was seen and runs. Best effort: a refusal is logged, never a problem. */
async function react(ctx: ActionContext, commentId: number): Promise<void> {
  try {
    await ctx.api.addReaction(commentId, 'eyes');
  } catch (err) {
    ctx.log.line(`could not react to the comment: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Pushes the run's verified commits (the run branch holds nothing else) and says where they went. Same repository:
 * the head branch, fast-forward with a lease; refused (protected, moved on, no permission) → a new branch and a pull
 * request against the head branch. A fork (GITHUB_TOKEN cannot push there, nor open a PR against its branch): a new
 * branch here and a pull request against the base branch that says it holds the fork's commits too.
 */
async function pushCommits(
  ctx: ActionContext,
  pr: PrContext,
  report: RunReport,
  task: string,
  writes: Writes,
): Promise<string[]> {
  const count = report.commits.length;
  if (count === 0) return ['No verified commit, so nothing was pushed.'];
  const { pull } = pr;
  const git = { cwd: ctx.env.workspace, runId: report.id, ...authOf(ctx) };
  const sameRepo = pull.headRepo.toLowerCase() === pull.baseRepo.toLowerCase();
  const notes: string[] = [];
  if (sameRepo) {
    const pushed = await pushRunBranch({ ...git, to: `refs/heads/${pull.headRef}`, lease: pull.headSha });
    if (pushed.ok) return [`Pushed ${count} verified commit(s) to ${pull.headRef}.`];
    notes.push(
      `Pushing to ${pull.headRef} was refused (${pushed.reason}: ${pushed.message}); the commits went to a new branch.`,
    );
  }
  const branch = report.branch ?? `orchestrate/${report.id}`;
  const pushed = await pushRunBranch({ ...git, to: `refs/heads/${branch}` });
  if (!pushed.ok) {
    writes.failed = true;
    writes.problems.push(
      `Pushing the verified commits to ${branch} failed (${pushed.reason}: ${pushed.message}): the workflow needs ` +
        '`permissions: contents: write`; the commits are in the run report only.',
    );
    return notes;
  }
  const base = sameRepo ? pull.headRef : pull.baseRef;
  const title = redactPosted(`orchestrate: ${task}`, ctx.known).slice(0, 120);
  const body = redactPosted(pullBody(pr, report, task, sameRepo), ctx.known);
  const made = await writes.try('Opening a pull request with the commits', () =>
    ctx.api.createPull({ title, body, head: branch, base }),
  );
  if (made) notes.push(`Opened #${made.number} (${made.htmlUrl}) with ${count} verified commit(s) on ${branch}.`);
  return notes;
}

/** The jobs that did not make it into a commit, so the summary says what is missing and why (at most 20 lines). */
export function notCommitted(report: RunReport): string[] {
  const left = report.items.filter((i) => i.status !== 'succeeded');
  const lines = left.slice(0, 20).map((i) => {
    const why = (i.verdict ?? i.error ?? '').slice(0, 200);
    return `Not committed: ${i.kind} of ${i.symbol || i.file} in ${i.file} (${i.status}${why ? `: ${why}` : ''}).`;
  });
  if (left.length > 20) lines.push(`… and ${left.length - 20} more jobs not committed (the run report lists them).`);
  return lines;
}

function pullBody(pr: PrContext, report: RunReport, task: string, sameRepo: boolean): string {
  const { pull } = pr;
  const commits = `${report.commits.length} verified commit(s) of orchestrate run ${markdownCode(report.id)}`;
  const lead = sameRepo
    ? `The ${commits} for #${pull.number}: its head branch ${markdownCode(pull.headRef)} did not take them. ` +
      `Merge this into ${markdownCode(pull.headRef)} to add them to #${pull.number}.`
    : `This pull request holds the commits of #${pull.number} (from the fork ${markdownCode(pull.headRepo)}) and, on ` +
      `top, the ${commits}. GitHub allows no pull request against a fork's branch from here, so it targets ` +
      `${markdownCode(pull.baseRef)}: merging it merges #${pull.number} too.`;
  return `${lead}\n\nTask: ${markdownText(task)}\n`;
}
