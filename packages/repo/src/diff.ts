import { GitError } from '@orchestrate/core';
import { git } from './git.js';

/** A run of lines in a file: 1-based, both ends inclusive. */
export interface LineRange {
  start: number;
  end: number;
}

/**
 * The lines each file gained or changed between two commits, on the `head` side, keyed by the path at `head` (a renamed
 * file is keyed by its new name). Deleted files, pure renames, mode changes, binary files and deletion-only edits have no
 * new-side lines and are left out: the map holds exactly where a review can point.
 */
export async function changedLines(root: string, base: string, head: string): Promise<Map<string, LineRange[]>> {
  const text = await git(root, [
    // Paths as UTF-8 text, not octal escapes (names with quotes, backslashes or control characters are still quoted).
    '-c',
    'core.quotePath=false',
    'diff',
    '--unified=0',
    '--no-color',
    '--no-ext-diff',
    // A user's config must not change the format we parse: prefixes, textconv filters and relative paths are pinned.
    '--no-textconv',
    '--no-relative',
    '--src-prefix=a/',
    '--dst-prefix=b/',
    '-M',
    // A revision that starts with `-` must never be read as an option (`--output=…` would write a file).
    '--end-of-options',
    base,
    head,
    '--',
  ]);
  return parseUnifiedDiff(text);
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Parses `git diff` output into new-side line ranges per new path (see {@link changedLines}); exported for tests. */
export function parseUnifiedDiff(text: string): Map<string, LineRange[]> {
  const result = new Map<string, LineRange[]>();
  let file: string | null = null;
  // Lines still owed by the current hunk: content lines are skipped by count, so an added line that reads
  // `+++ b/x` or `diff --git` is never taken for a header.
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of text.split('\n')) {
    if (oldLeft > 0 || newLeft > 0) {
      if (line.startsWith('-')) oldLeft--;
      else if (line.startsWith('+')) newLeft--;
      else if (line.startsWith(' ')) {
        oldLeft--;
        newLeft--;
      }
      // `\ No newline at end of file` belongs to the hunk but counts on neither side.
      continue;
    }
    if (line.startsWith('diff --git ')) file = null;
    else if (line.startsWith('+++ ')) file = newPath(line.slice(4));
    else if (line.startsWith('@@ ')) {
      const m = HUNK_HEADER.exec(line);
      if (!m) continue;
      oldLeft = m[2] === undefined ? 1 : Number(m[2]);
      newLeft = m[4] === undefined ? 1 : Number(m[4]);
      const start = Number(m[3]);
      if (file === null || newLeft === 0) continue; // a pure deletion: nothing on the new side
      const ranges = result.get(file) ?? [];
      ranges.push({ start, end: start + newLeft - 1 });
      result.set(file, ranges);
    }
  }
  for (const ranges of result.values()) ranges.sort((a, b) => a.start - b.start);
  return result;
}

/** The path named by a `+++` line, or null for `/dev/null` (a deleted file). */
function newPath(raw: string): string | null {
  // Git ends the name with a tab when it contains a space (for GNU patch); a real trailing tab would be quoted.
  let name = raw.endsWith('\t') ? raw.slice(0, -1) : raw;
  if (name === '/dev/null') return null;
  if (name.startsWith('"')) name = unquoteC(name);
  return name.startsWith('b/') ? name.slice(2) : name;
}

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** Undoes git's C-style quoting of a path: `"a\tb\303\251"` → the UTF-8 name. */
function unquoteC(quoted: string): string {
  const body = quoted.slice(1, quoted.endsWith('"') ? -1 : undefined);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    const octal = /^[0-3][0-7]{2}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(C_ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The best common ancestor of two commits, or null when their histories are unrelated. */
export async function mergeBase(root: string, a: string, b: string): Promise<string | null> {
  try {
    return (await git(root, ['merge-base', '--end-of-options', a, b])).trim();
  } catch (error) {
    // Exit 1 means "no common ancestor"; a real failure (a bad revision) dies with 128.
    if (error instanceof GitError && error.exitCode === 1) return null;
    throw error;
  }
}

/**
 * The branch a review compares against: what `origin/HEAD` points at (e.g. `origin/main`) when it is set and resolves,
 * else a local `main`, else `master`, else null.
 */
export async function defaultBranch(root: string): Promise<string | null> {
  const remoteHead = await git(root, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']).then(
    (out) => out.trim(),
    () => '',
  );
  if (remoteHead && (await resolves(root, remoteHead))) return remoteHead;
  for (const name of ['main', 'master']) {
    if (await resolves(root, `refs/heads/${name}`)) return name;
  }
  return null;
}

async function resolves(root: string, ref: string): Promise<boolean> {
  return git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).then(
    () => true,
    () => false,
  );
}
