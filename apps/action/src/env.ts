// The runner's environment, read by us rather than through @actions/github's `context`, which is built when that
// package is imported (before a test or local-action has set the environment up). The event payload is data from
// GitHub and, through it, from whoever opened the PR or wrote the comment: its fields are checked, never trusted.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { z } from 'zod';
import { UsageError } from '@orchestrate/core';
import type { ActionEnv } from './types.js';

/** The largest event payload read (GitHub's are far smaller; a PR body is at most 64 KB). */
const MAX_EVENT_BYTES = 25 * 1024 * 1024;

const RUNNER = 'this action runs as a step of a GitHub Actions workflow (or under @github/local-action), which sets it';

/** The environment the runner gives the action (`GITHUB_*`, `RUNNER_TEMP`) and the event payload it names. */
export function readActionEnv(vars: Record<string, string | undefined> = process.env): ActionEnv {
  const get = (name: string) => vars[name]?.trim() ?? '';
  const repository = get('GITHUB_REPOSITORY');
  const [owner, repo, ...rest] = repository.split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new UsageError(
      repository
        ? `GITHUB_REPOSITORY is ${JSON.stringify(repository)}, not owner/name: ${RUNNER}`
        : `GITHUB_REPOSITORY is not set: ${RUNNER}`,
    );
  }
  const serverUrl = stripSlash(get('GITHUB_SERVER_URL') || 'https://github.com');
  const apiUrl = stripSlash(get('GITHUB_API_URL') || 'https://api.github.com');
  const runId = get('GITHUB_RUN_ID');
  const runAttempt = get('GITHUB_RUN_ATTEMPT') || '1';
  const repoUrl = `${serverUrl}/${owner}/${repo}`;
  return {
    eventName: get('GITHUB_EVENT_NAME'),
    event: readEvent(get('GITHUB_EVENT_PATH')),
    owner,
    repo,
    apiUrl,
    graphqlUrl: stripSlash(get('GITHUB_GRAPHQL_URL') || `${apiUrl}/graphql`),
    serverUrl,
    runId,
    runAttempt,
    workspace: get('GITHUB_WORKSPACE') || process.cwd(),
    temp: get('RUNNER_TEMP') || tmpdir(),
    actor: get('GITHUB_ACTOR'),
    // The run's page (its job summary); the attempt's own page when it is a re-run.
    runUrl: runId
      ? `${repoUrl}/actions/runs/${runId}${runAttempt !== '1' ? `/attempts/${runAttempt}` : ''}`
      : `${repoUrl}/actions`,
  };
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The event payload at `file`: an object, or {} when the runner names none (a run by hand). */
function readEvent(file: string): Record<string, unknown> {
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new UsageError(`GITHUB_EVENT_PATH names ${file}, which cannot be read (${why}): ${RUNNER}`);
  }
  if (text.length > MAX_EVENT_BYTES) throw new UsageError(`the event payload ${file} is over 25 MB`);
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new UsageError(`the event payload ${file} is not JSON: ${RUNNER}`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new UsageError(`the event payload ${file} is not a JSON object: ${RUNNER}`);
  }
  return payload as Record<string, unknown>;
}

const count = z.number().int().positive();
const sha = z.string().regex(/^[0-9a-f]{40}$/);
const login = z.object({ login: z.string().min(1) });

const pullPayload = z.object({
  action: z.string().optional(),
  number: count.optional(),
  pull_request: z.object({ number: count }),
});

const commentPayload = z.object({
  action: z.string(),
  issue: z.object({ number: count, pull_request: z.object({}).loose().optional().nullable() }),
  comment: z.object({
    id: count,
    body: z.string().nullable().optional(),
    user: login,
    author_association: z.string().optional(),
  }),
});

const workflowRunPayload = z.object({
  workflow_run: z.object({
    id: count,
    event: z.string(),
    conclusion: z.string().nullable().optional(),
    head_sha: sha,
    head_branch: z.string().nullable(),
    head_repository: z.object({ full_name: z.string(), owner: login }).nullable().optional(),
    pull_requests: z.array(z.object({ number: count })).optional(),
  }),
});

/** The `action` of the event (`opened`, `synchronize`, `created`, …), or '' when it has none. */
export function eventAction(env: Pick<ActionEnv, 'event'>): string {
  const action = env.event.action;
  return typeof action === 'string' ? action : '';
}

/**
 * The number of the pull request the event is about: pull_request(_target), or an issue_comment on a PR; null for
 * another event (workflow_run's PR is found through {@link eventWorkflowRun}) or a comment on a plain issue.
 */
export function eventPullNumber(env: Pick<ActionEnv, 'eventName' | 'event'>): number | null {
  if (env.eventName === 'pull_request' || env.eventName === 'pull_request_target') {
    const parsed = pullPayload.safeParse(env.event);
    return parsed.success ? parsed.data.pull_request.number : null;
  }
  if (env.eventName === 'issue_comment') return eventComment(env)?.pullNumber ?? null;
  return null;
}

/** An issue_comment event's comment: who wrote what, on which PR (null: not on a PR). */
export interface EventComment {
  action: string;
  id: number;
  body: string;
  author: string;
  /** GitHub's `author_association` (OWNER, MEMBER, …): a hint only; the permission API decides. */
  association: string;
  pullNumber: number | null;
}

/** The comment of an issue_comment event, or null for another event or a payload without one. */
export function eventComment(env: Pick<ActionEnv, 'eventName' | 'event'>): EventComment | null {
  if (env.eventName !== 'issue_comment') return null;
  const parsed = commentPayload.safeParse(env.event);
  if (!parsed.success) return null;
  const { action, issue, comment } = parsed.data;
  return {
    action,
    id: comment.id,
    body: comment.body ?? '',
    author: comment.user.login,
    association: comment.author_association ?? '',
    pullNumber: issue.pull_request ? issue.number : null,
  };
}

/** A workflow_run event's run: the workflow that ran on a PR (mode collect) and where its head came from. */
export interface EventWorkflowRun {
  id: number;
  /** The event that started that workflow (`pull_request` for the collect workflow). */
  event: string;
  conclusion: string | null;
  headSha: string;
  headBranch: string | null;
  /** owner/name of the head's repository (a fork's for a fork PR); null when GitHub gives none. */
  headRepo: string | null;
  headOwner: string | null;
  /** The PRs GitHub links to the run: empty for a fork PR, so the PR is looked up by head branch and SHA. */
  pullNumbers: number[];
}

/** The run of a workflow_run event, or null for another event or a payload without one. */
export function eventWorkflowRun(env: Pick<ActionEnv, 'eventName' | 'event'>): EventWorkflowRun | null {
  if (env.eventName !== 'workflow_run') return null;
  const parsed = workflowRunPayload.safeParse(env.event);
  if (!parsed.success) return null;
  const run = parsed.data.workflow_run;
  return {
    id: run.id,
    event: run.event,
    conclusion: run.conclusion ?? null,
    headSha: run.head_sha,
    headBranch: run.head_branch,
    headRepo: run.head_repository?.full_name ?? null,
    headOwner: run.head_repository?.owner.login ?? null,
    pullNumbers: (run.pull_requests ?? []).map((p) => p.number),
  };
}
