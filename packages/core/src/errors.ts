/** Stable error codes: tests and callers match on these, never on message text. */
export type ErrorCode =
  | 'E_USAGE'
  | 'E_CONFIG'
  | 'E_NOT_GIT_REPO'
  | 'E_NO_COMMITS'
  | 'E_BRANCH_EXISTS'
  | 'E_BRANCH_BLOCKED'
  | 'E_WORKTREE_BLOCKED'
  | 'E_UNSAFE_REPO'
  | 'E_SHALLOW_CLONE'
  | 'E_GIT'
  | 'E_GIT_LOCKED'
  | 'E_OFFLINE_UNSUPPORTED'
  | 'E_NO_API_KEY'
  | 'E_NOTHING_TO_DO'
  | 'E_PATH_NOT_FOUND'
  | 'E_MODEL'
  | 'E_BUDGET'
  | 'E_DIRTY_TREE'
  | 'E_MERGE_CONFLICT'
  /** A run aborted by a second Ctrl-C (exit 130); `orchestrate resume <id>` finishes it. */
  | 'E_INTERRUPTED'
  /** A model call failed (CallFailed): the engine retries, escalates or fails the job; a user sees it only as a bug. */
  | 'E_MODEL_CALL'
  /** Model output that code refuses to write (JobRejected); it fails the job, never the run. */
  | 'E_REJECTED'
  /** A GitHub API call failed (the Action's shells): status, method and route say which, the message what to do. */
  | 'E_GITHUB_API'
  /** A delegating server (`orchestrate mcp --root`) was asked to act outside the folders it was started on (exit 2). */
  | 'E_OUTSIDE_ROOTS'
  | 'E_INTERNAL';

/** The exit codes of orchestrate's shells; an error's is its class's {@link OrchestrateError.processExitCode}. */
export const EXIT_CODES = { ok: 0, failures: 1, usage: 2, interrupted: 130 } as const;

/** What an internal error's message ends with: how to report it. */
export const REPORT_HINT =
  'This is a bug in orchestrate: please report it with this message, the command you ran and `orchestrate --version`.';

/** Base of every error orchestrate raises on purpose; `code` is stable, `message` says what to do next. */
export abstract class OrchestrateError extends Error {
  abstract readonly code: ErrorCode;
  /** True when the user can fix it (bad input, config, environment): a friendly message, no stack trace. */
  abstract readonly userFacing: boolean;
  /**
   * The exit code of a process this error ends: 2 for what the user can fix, 1 for a bug (and for a budget that stops a
   * run), 130 for an interruption. Named apart from `exitCode`, which {@link GitError} keeps for git's own exit code.
   */
  abstract readonly processExitCode: number;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An error the user can fix (input, config, environment): exit 2 unless a subclass says otherwise, no stack trace. */
export abstract class UserError extends OrchestrateError {
  readonly userFacing = true;
  readonly processExitCode: number = EXIT_CODES.usage;
}

/** A mistake in how orchestrate was called: a bad flag value or argument. */
export class UsageError extends UserError {
  readonly code = 'E_USAGE';
}

/** The configuration file or a configuration value is invalid. */
export class ConfigError extends UserError {
  readonly code = 'E_CONFIG';
  /** Where in the config file the problem is (1-based line and column), when it is known. */
  readonly location?: { file: string; line: number; column: number };
  constructor(
    message: string,
    options?: { cause?: unknown; location?: { file: string; line: number; column: number } },
  ) {
    super(message, options);
    if (options?.location) this.location = options.location;
  }
}

/**
 * The environment does not allow a run: not a repository, no commits, a branch collision, a run branch git cannot create
 * (E_BRANCH_BLOCKED) or a worktree it cannot add (E_WORKTREE_BLOCKED), a repository git refuses as owned by someone else
 * (E_UNSAFE_REPO), history a shallow clone lacks (E_SHALLOW_CLONE), a missing key.
 */
export class EnvironmentError extends UserError {
  constructor(
    readonly code:
      | 'E_NOT_GIT_REPO'
      | 'E_NO_COMMITS'
      | 'E_BRANCH_EXISTS'
      | 'E_BRANCH_BLOCKED'
      | 'E_WORKTREE_BLOCKED'
      | 'E_UNSAFE_REPO'
      | 'E_SHALLOW_CLONE'
      | 'E_NO_API_KEY',
    message: string,
  ) {
    super(message);
  }
}

/** The task cannot be turned into jobs by the engine in use. */
export class UnsupportedTaskError extends UserError {
  constructor(
    readonly code: 'E_OFFLINE_UNSUPPORTED' | 'E_NOTHING_TO_DO',
    message: string,
  ) {
    super(message);
  }
}

/** The task names a path the repository does not have (checked before any model call, so nothing is paid for a typo). */
export class PathNotFoundError extends UserError {
  readonly code = 'E_PATH_NOT_FOUND';
  constructor(
    message: string,
    /** The paths of the task that match nothing in the repository. */
    readonly paths: readonly string[],
  ) {
    super(message);
  }
}

/** The user's working tree stops an operation that would change it: uncommitted changes, or a merge that conflicts. */
export class WorkingTreeError extends UserError {
  constructor(
    readonly code: 'E_DIRTY_TREE' | 'E_MERGE_CONFLICT',
    message: string,
    /** The paths involved (changed files, or files that conflict). */
    readonly files: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * A git command failed; carries the command, its exit code and stderr. When git failed because a lock file exists
 * (another git process, or a crashed one, holds it) the code is E_GIT_LOCKED and the user can fix it; else it is E_GIT.
 */
export class GitError extends OrchestrateError {
  readonly code: 'E_GIT' | 'E_GIT_LOCKED';
  readonly userFacing: boolean;
  readonly processExitCode: number;
  /** The lock file git could not create (e.g. `.git/index.lock`), or null when a lock is not why git failed. */
  readonly lockFile: string | null;
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    const lockFile = /Unable to create '([^'\n]+\.lock)': File exists/.exec(stderr)?.[1] ?? null;
    super(
      lockFile
        ? `git ${subcommand(args)} could not lock the repository: another git process seems to be running in it (${lockFile} exists). ` +
            `Wait for it to finish and run again; if no git process is running, one crashed and left the lock behind: delete ${lockFile} and run again.`
        : `git ${args.join(' ')} failed (exit ${exitCode ?? '?'}): ${stderr.trim() || 'no output'}`,
    );
    this.lockFile = lockFile;
    this.code = lockFile ? 'E_GIT_LOCKED' : 'E_GIT';
    this.userFacing = lockFile !== null;
    this.processExitCode = this.userFacing ? EXIT_CODES.usage : EXIT_CODES.failures;
  }
}

/** The git subcommand in `args` (`commit` in `-c user.name=x commit -m y`), for messages. */
function subcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-c' || arg === '-C') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return args.join(' ');
}

/**
 * A folder a delegating agent named (a tool's `cwd`), or the repository it lies in, is outside the roots the server was
 * started with (`orchestrate mcp --root <dir>`): the message names the `--root` that would allow it.
 */
export class RootsError extends UserError {
  readonly code = 'E_OUTSIDE_ROOTS';
}

/** A model call failed in a way that stops the run (e.g. the planner returned nothing usable). */
export class ModelError extends UserError {
  readonly code = 'E_MODEL';
}

/** The budget does not cover even the first call the run needs (the planner). */
export class BudgetExceededError extends UserError {
  readonly code = 'E_BUDGET';
  /** A budget that stops a run is a failed run (exit 1), as a run the budget cut short. */
  override readonly processExitCode: number = EXIT_CODES.failures;
}

/** A run aborted at once (a second Ctrl-C); its journal still resumes it, so the message names `orchestrate resume`. */
export class InterruptedError extends UserError {
  readonly code = 'E_INTERRUPTED';
  override readonly processExitCode: number = EXIT_CODES.interrupted;
}

/**
 * A GitHub API call failed: a refused token, a missing permission, a rate limit, a line outside the diff, an outage.
 * A workflow's token and permissions are the user's to fix, so no stack trace; the run failed, so exit 1. `status` is the
 * HTTP status (0 when GitHub was not reached), `route` the endpoint's template (never a URL with values or a token).
 */
export class GitHubApiError extends UserError {
  readonly code = 'E_GITHUB_API';
  override readonly processExitCode: number = EXIT_CODES.failures;
  /** GitHub's own message (capped and escaped), apart from the summary in `message`. */
  readonly githubMessage: string;
  /** When a rate limit resets (epoch seconds, from `x-ratelimit-reset`) or after how many seconds to retry; else null. */
  readonly rateLimit: { resetAt: number | null; retryAfter: number | null } | null;
  constructor(
    message: string,
    readonly status: number,
    readonly method: string,
    readonly route: string,
    details: {
      githubMessage?: string;
      rateLimit?: { resetAt: number | null; retryAfter: number | null } | null;
    } = {},
  ) {
    super(message);
    this.githubMessage = details.githubMessage ?? '';
    this.rateLimit = details.rateLimit ?? null;
  }
}

/** A bug in orchestrate (a state its own code should never reach): exit 1, and the message says how to report it. */
export class InternalError extends OrchestrateError {
  readonly code = 'E_INTERNAL';
  readonly userFacing = false;
  readonly processExitCode: number = EXIT_CODES.failures;
  constructor(message: string, options?: { cause?: unknown }) {
    super(`internal: ${message.replace(/\.$/, '')}. ${REPORT_HINT}`, options);
  }
}

/**
 * A model misbehaved or a call to it failed (the agents' CallFailed, the jobs' JobRejected): the engine handles these
 * (retry, escalate, fail the job), so one that reaches a shell is a bug, not the user's to fix. Named apart from the
 * SDK's own `ModelBehaviorError`, which the agents package meets too.
 */
export abstract class ModelFaultError extends OrchestrateError {
  readonly userFacing = false;
  readonly processExitCode: number = EXIT_CODES.failures;
}

/** Whether a value is one of orchestrate's own errors. */
export function isOrchestrateError(err: unknown): err is OrchestrateError {
  return err instanceof OrchestrateError;
}
