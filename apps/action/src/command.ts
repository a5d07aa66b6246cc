// `/orchestrate <task>` in a pull request comment. The task is the only text from a pull request that ever reaches a
// model, so it is taken only from users with write access, capped, and stripped of control characters; everyone else
// gets one reply that names no one (a mention would ping).
import { GitHubApiError } from '@orchestrate/core';
import type { GitHubApi, Permission } from './github/api.js';

/** The longest task a comment may give. */
export const MAX_TASK_CHARS = 500;

/** The permissions that may start a task (they can push to the repository anyway). */
export const TASK_PERMISSIONS: ReadonlySet<Permission> = new Set(['admin', 'maintain', 'write']);

// Control characters and bidirectional overrides: harmless to a model, misleading in the summary that quotes the task.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The task of a `/orchestrate <task>` command on the comment's first line, or null when the comment is no command. */
export function parseCommand(body: string): { task: string } | null {
  const first = body.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const match = /^\s*\/orchestrate[ \t]+(\S.*)$/.exec(first);
  const task = match?.[1]?.replace(CONTROL, '').trim();
  return task ? { task } : null;
}

/** What to do with a comment: run its task, or not (with a reply to post, or silently when it is no command). */
export type CommandDecision = { run: true; task: string } | { run: false; reason: string; reply: string | null };

/**
 * Decides whether a comment starts a task: a command by a user with write access (asked of GitHub: the payload's
 * `author_association` is not a permission), within {@link MAX_TASK_CHARS}.
 */
export async function decideCommand(
  api: GitHubApi,
  comment: { body: string; author: string },
  self: string,
): Promise<CommandDecision> {
  const command = parseCommand(comment.body);
  // The command without a task: one reply that says how to give one (nothing is run or paid).
  if (!command && /^\s*\/orchestrate\s*$/.test(comment.body.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '')) {
    const reply =
      'Add the task after the command, on its first line: `/orchestrate <task>` (e.g. `/orchestrate add docstrings to src/`).';
    return { run: false, reason: 'the `/orchestrate` command has no task', reply };
  }
  if (!command) return { run: false, reason: 'the comment is not an `/orchestrate <task>` command', reply: null };
  // Our own comments never start a run, so a summary quoting a command cannot loop.
  if (comment.author === self) return { run: false, reason: 'the comment is the action’s own', reply: null };
  const permission = await permissionOf(api, comment.author);
  if (!TASK_PERMISSIONS.has(permission)) {
    return {
      run: false,
      reason: `the comment's author has ${permission} permission, not write`,
      reply: 'orchestrate runs `/orchestrate` tasks only for users with write access to this repository.',
    };
  }
  if (command.task.length > MAX_TASK_CHARS) {
    return {
      run: false,
      reason: `the task has ${command.task.length} characters`,
      reply: `The task has ${command.task.length} characters; \`/orchestrate\` takes at most ${MAX_TASK_CHARS}.`,
    };
  }
  return { run: true, task: command.task };
}

/** A user GitHub does not know as a collaborator (404) has no permission. */
async function permissionOf(api: GitHubApi, login: string): Promise<Permission> {
  try {
    return await api.permission(login);
  } catch (err) {
    if (err instanceof GitHubApiError && err.status === 404) return 'none';
    throw err;
  }
}
