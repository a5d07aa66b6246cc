import { UsageError } from '@orchestrate/core';

/** A review range as `runTask()`'s `review` option takes it: null base = the merge base with the default branch. */
export interface ReviewRange {
  base: string | null;
  /** Null: HEAD, and (unless told otherwise) the working tree's uncommitted changes on top of it. */
  head: string | null;
}

/** Characters no revision a user means contains: whitespace and control characters (a pasted line, an escape). */
const UNSAFE = /[\s\p{Cc}]/u;

/**
 * Parses what a user wrote as a review range: `<base>..<head>`, `<base>...<head>` (taken as `..`: the lines changed
 * from base to head), `<base>..` or `<base>` (head = HEAD), or nothing (the merge base with the default branch).
 * Throws E_USAGE for what cannot be a range: an empty one, a missing base, more than one `..`, a part that starts with
 * `-` (git would read it as an option), starts or ends with `.`, or holds whitespace. Whether the refs exist is the
 * engine's to check, later.
 */
export function parseReviewRange(range: string | undefined): ReviewRange {
  if (range === undefined) return { base: null, head: null };
  const usage = (why: string) =>
    new UsageError(
      `"${range}" is not a review range: ${why}. Use <base>..<head> or <base>, e.g. main..HEAD or HEAD~3.`,
    );
  if (!range.trim()) throw usage('it is empty');
  const parts = range.split(/\.\.\.?/);
  if (parts.length > 2) throw usage('it has more than one ".."');
  const [base = '', head = ''] = parts;
  if (!base) throw usage('it names no base');
  for (const part of [base, head]) {
    if (part.startsWith('-')) throw usage(`"${part}" starts with "-"`);
    if (/^\.|\.$/.test(part)) throw usage(`"${part}" starts or ends with "."`);
    if (UNSAFE.test(part)) throw usage(`"${part}" holds whitespace or a control character`);
  }
  return { base, head: head || null };
}
