// Which mode a run is, whether the step succeeded, and what a failure says. The modes themselves (part F) are loaded
// only when chosen: a `post` run never initialises the engine's run code, and tests inject their own table.
import {
  GitHubApiError,
  isOrchestrateError,
  REPORT_HINT,
  safeText,
  UsageError,
  type ErrorCode,
} from '@orchestrate/core';
import { failsOn, runExitCode, type Severity } from '@orchestrate/engine';
import { actionMessage } from './action-words.js';
import { eventAction, eventComment, eventPullNumber } from './env.js';
import { describeApiError } from './github/errors.js';
import type { ActionEnv, ActionInputs, Conclusion, Mode, ModeResult, ModeRunner } from './types.js';

/** Where each mode's runner comes from (loaded on first use). */
export type ModeTable = Record<Mode, () => Promise<ModeRunner>>;

/** The four modes of part F, each loaded only when chosen. */
export const MODES: ModeTable = {
  review: async () => (await import('./modes/review.js')).reviewMode,
  task: async () => (await import('./modes/task.js')).taskMode,
  collect: async () => (await import('./modes/collect.js')).collectMode,
  post: async () => (await import('./modes/post.js')).postMode,
};

/** An `/orchestrate` command on a comment's first line (the full parse, with the task, is part F's parseCommand). */
const COMMAND = /^\s*\/orchestrate(\s|$)/;

/**
 * The mode of this run: the `mode` input, or for `auto` the event's (pull_request and pull_request_target → review,
 * an `/orchestrate` comment on a PR → task, workflow_run → post); `skip` says why there is nothing to do. A mode that
 * cannot run on this event, or lacks an input it needs, is E_USAGE naming it.
 */
export function chooseMode(inputs: ActionInputs, env: ActionEnv): { mode: Mode } | { skip: string } {
  const event = env.eventName || 'this';
  let mode: Mode;
  if (inputs.mode !== 'auto') mode = inputs.mode;
  else if (env.eventName === 'pull_request' || env.eventName === 'pull_request_target') mode = 'review';
  else if (env.eventName === 'issue_comment') mode = 'task';
  else if (env.eventName === 'workflow_run') mode = 'post';
  else
    return { skip: `mode auto does nothing on the ${event} event: set the mode input (review, task, collect or post)` };

  if (mode === 'post') {
    if (env.eventName !== 'workflow_run') {
      throw new UsageError(`mode post runs on workflow_run (after the collect workflow), not on the ${event} event`);
    }
    if (!inputs.artifactPath) {
      throw new UsageError(
        'mode post needs the artifact-path input: the folder actions/download-artifact wrote the results of mode collect to',
      );
    }
    return { mode };
  }
  if (eventPullNumber(env) === null) {
    if (env.eventName === 'issue_comment') return { skip: 'the comment is on an issue, not on a pull request' };
    throw new UsageError(
      `mode ${mode} works on a pull request, and the ${event} event names none: run it on pull_request` +
        (mode === 'task' ? ' or on an issue_comment' : ''),
    );
  }
  if (env.eventName.startsWith('pull_request') && eventAction(env) === 'closed') {
    return { skip: 'the pull request was closed' };
  }
  if (mode === 'task' && !inputs.task) {
    const comment = eventComment(env);
    if (!comment) throw new UsageError('mode task needs the task input (or an `/orchestrate <task>` comment)');
    if (comment.action !== 'created') return { skip: `the comment was ${comment.action}, not created` };
    if (!COMMAND.test(comment.body.split('\n', 1)[0] ?? '')) {
      return { skip: 'the comment is not an `/orchestrate <task>` command' };
    }
  }
  return { mode };
}

/** Runs the chosen mode's runner, loading it from `modes`. */
export async function runMode(
  ctx: Parameters<ModeRunner>[0],
  mode: Mode,
  modes: ModeTable = MODES,
): Promise<ModeResult> {
  const runner = await modes[mode]();
  return runner(ctx);
}

/**
 * Why the step fails, one sentence each (empty: it succeeds): a finding at `fail-on` or worse, a run that did not end
 * well (failed jobs, the budget, an interruption), or publishing that failed.
 */
export function failureReasons(r: ModeResult, failOn: Severity | 'never'): string[] {
  const reasons: string[] = [];
  const threshold = failOn === 'never' ? undefined : failOn;
  // Open findings of earlier runs count too: a push the incremental review found nothing new in leaves them standing.
  const all = [...r.findings, ...(r.carried ?? [])];
  if (threshold && failsOn(all, threshold)) {
    const n = all.filter((f) => failsOn([f], threshold)).length;
    const earlier = (r.carried ?? []).filter((f) => failsOn([f], threshold)).length;
    const open = earlier ? `, ${earlier} of them still open from an earlier push` : '';
    reasons.push(`${n} finding${n === 1 ? '' : 's'} at ${threshold} or worse (fail-on: ${threshold}${open})`);
  }
  if (r.report && runExitCode(r.report) !== 0) {
    const { status, jobs, costUsd, budgetUsd } = r.report;
    if (status === 'budget-exceeded') {
      const cap = budgetUsd !== null ? ` of $${budgetUsd}` : '';
      reasons.push(
        `the run stopped at its budget ($${costUsd.toFixed(4)}${cap}): what was verified is kept; raise budget-usd for the rest`,
      );
    } else if (status === 'interrupted') reasons.push('the run was interrupted before it finished');
    else reasons.push(`${jobs.failed} of ${jobs.total} jobs failed (the summary lists them)`);
  }
  // The first problem goes into the failure itself: the one line a reader of the checks page sees.
  const first = r.problems[0];
  if (r.publishFailed)
    reasons.push(
      `publishing to the pull request failed${first ? `: ${first}` : ' (the problems above say what to do)'}`,
    );
  return reasons;
}

/** The step's conclusion: skipped when the mode did not run, failure when {@link failureReasons} has any, else success. */
export function conclusionOf(r: ModeResult, failOn: Severity | 'never'): Conclusion {
  if (r.skipped !== undefined) return 'skipped';
  return failureReasons(r, failOn).length > 0 ? 'failure' : 'success';
}

/**
 * What to do about an error, in a workflow's words (inputs and steps, not CLI flags), added to its message. Keyed by
 * error code; `E_GITHUB_API` is core's GitHubApiError (part B).
 */
export const ACTION_HINTS: Partial<Record<ErrorCode | 'E_GITHUB_API', string>> = {
  E_NO_API_KEY:
    'In the workflow, pass the key to this step: `openai-api-key: ${{ secrets.OPENAI_API_KEY }}` (a repository ' +
    'secret), or set `engine: offline` (rules only, no model call). A fork PR gets no secrets: use mode collect/post.',
  E_NOT_GIT_REPO:
    'Check the repository out before this step (`- uses: actions/checkout@v4`); only mode post needs none.',
  E_NO_COMMITS: 'Check the repository out before this step (`- uses: actions/checkout@v4`).',
  E_SHALLOW_CLONE:
    'The checkout lacks commits the run needs and they could not be fetched: give the checkout its credentials ' +
    '(the default) or `fetch-depth: 0`.',
  E_UNSAFE_REPO:
    'git refuses the checkout as owned by another user (a container job): run ' +
    '`git config --global --add safe.directory "$GITHUB_WORKSPACE"` before this step.',
  E_CONFIG:
    "The config is read from the pull request's base branch, never its head: fix agents.config.ts there (a PR's own " +
    'change to it applies once it is merged).',
  E_BUDGET: 'Raise the budget-usd input (default 0.50).',
  E_MODEL: 'Check openai-api-key, base-url and the model inputs; the log above has what the model server answered.',
  E_GITHUB_API:
    "Check the job's `permissions:` (the README lists them per mode) and the github-token input; a fork PR's token " +
    'is read-only: use mode collect/post.',
  E_GIT: 'Unless it is a network or permission problem of the checkout, this is a bug: please report it with this log.',
};

/** What an internal error's message ends with in the action: how to report it. */
export function reportHint(version: string): string {
  return `This is a bug in orchestrate's GitHub Action (${version}): please report it with this log.`;
}

/**
 * The one message a top-level failure ends the step with: `[CODE] message` and what to do ({@link ACTION_HINTS}; a
 * bug says how to report it); never a stack trace. Escaped, and the `known` secrets are redacted from it.
 */
export function failureMessage(err: unknown, o: { version: string; known?: readonly string[] }): string {
  let text: string;
  if (isOrchestrateError(err)) {
    // A GitHub API error says what to do for its own status (a refused token is not a fork's read-only one).
    const specific = err instanceof GitHubApiError ? sentence(describeApiError(err)) : undefined;
    const hint = specific ?? ACTION_HINTS[err.code] ?? (err.userFacing ? '' : reportHint(o.version));
    const said = actionMessage(err).replace(REPORT_HINT, reportHint(o.version)).trim();
    const message = specific ? sentence(said) : said;
    text = `[${err.code}] ${message}${hint && !message.includes(hint) ? ` ${hint}` : ''}`;
  } else {
    const message = (err instanceof Error ? err.message : String(err)).trim() || 'no message';
    text = `[E_INTERNAL] internal error: ${message.replace(/\.$/, '')}. ${reportHint(o.version)}`;
  }
  return safeText(redactKnown(text, o.known ?? []), { multiline: true });
}

/** `text` as a sentence: capitalised, ending with a full stop (GitHub's messages end with none). */
function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const capital = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
}

/** Shorter values are not redacted: they would cut words apart, and no token or key is that short. */
const MIN_SECRET = 8;

/** `text` with each of the `known` secrets replaced by `[redacted]` (the log's own mask, before the runner's). */
export function redactKnown(text: string, known: readonly string[]): string {
  let out = text;
  for (const secret of known) if (secret.length >= MIN_SECRET) out = out.replaceAll(secret, '[redacted]');
  return out;
}
