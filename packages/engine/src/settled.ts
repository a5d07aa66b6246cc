/** A promise's outcome: its value, or the error it rejected with. */
export type Settled<T> = { value: T; error: null } | { value: null; error: unknown };

/**
 * A promise's outcome, without a rejection to handle later: for work started early (a git process while the SDK
 * loads, the worktree while the planner thinks) and awaited only after other steps that may throw first.
 */
export function settled<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ value, error: null }),
    (error: unknown) => ({ value: null, error: error ?? new Error('a promise rejected without a reason') }),
  );
}

/** The value of a settled promise, or its error thrown. */
export function outcome<T>(result: Settled<T>): T {
  if (result.error !== null) throw result.error;
  return result.value as T;
}
