/** Stable error codes: tests and callers match on these, never on message text. */
export type ErrorCode =
  | 'E_USAGE'
  | 'E_CONFIG'
  | 'E_NOT_GIT_REPO'
  | 'E_NO_COMMITS'
  | 'E_BRANCH_EXISTS'
  | 'E_GIT'
  | 'E_OFFLINE_UNSUPPORTED'
  | 'E_NO_API_KEY'
  | 'E_NOTHING_TO_DO'
  | 'E_MODEL'
  | 'E_BUDGET'
  | 'E_INTERNAL';

/** Base of every error orchestrate raises on purpose; `code` is stable, `message` says what to do next. */
export abstract class OrchestrateError extends Error {
  abstract readonly code: ErrorCode;
  /** True when the user can fix it (bad input, config, environment): exit code 2, no stack trace. */
  abstract readonly userFacing: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A mistake in how orchestrate was called: a bad flag value or argument. */
export class UsageError extends OrchestrateError {
  readonly code = 'E_USAGE';
  readonly userFacing = true;
}

/** The configuration file or a configuration value is invalid. */
export class ConfigError extends OrchestrateError {
  readonly code = 'E_CONFIG';
  readonly userFacing = true;
}

/** The environment does not allow a run: not a repository, no commits, branch collision, missing key. */
export class EnvironmentError extends OrchestrateError {
  readonly userFacing = true;
  constructor(
    readonly code: 'E_NOT_GIT_REPO' | 'E_NO_COMMITS' | 'E_BRANCH_EXISTS' | 'E_NO_API_KEY',
    message: string,
  ) {
    super(message);
  }
}

/** The task cannot be turned into jobs by the engine in use. */
export class UnsupportedTaskError extends OrchestrateError {
  readonly userFacing = true;
  constructor(
    readonly code: 'E_OFFLINE_UNSUPPORTED' | 'E_NOTHING_TO_DO',
    message: string,
  ) {
    super(message);
  }
}

/** A git command failed; carries the command, its exit code and stderr. */
export class GitError extends OrchestrateError {
  readonly code = 'E_GIT';
  readonly userFacing = false;
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (exit ${exitCode ?? '?'}): ${stderr.trim() || 'no output'}`);
  }
}

/** A model call failed in a way that stops the run (e.g. the planner returned nothing usable). */
export class ModelError extends OrchestrateError {
  readonly code = 'E_MODEL';
  readonly userFacing = true;
}

/** The budget does not cover even the first call the run needs (the planner). */
export class BudgetExceededError extends OrchestrateError {
  readonly code = 'E_BUDGET';
  readonly userFacing = true;
}

/** Whether a value is one of orchestrate's own errors. */
export function isOrchestrateError(err: unknown): err is OrchestrateError {
  return err instanceof OrchestrateError;
}
