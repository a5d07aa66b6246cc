import { git } from './git.js';

/** One file's lines added and removed between two commits; a binary file counts -1 for both. */
export interface DiffStatEntry {
  /** The path at `head` (a renamed file's new name). */
  path: string;
  added: number;
  removed: number;
}

/**
 * The files that differ between `base` and `head` with their added and removed lines (`git diff --numstat -z`), in
 * git's order. Paths come NUL-separated, so names with tabs, newlines or quotes arrive as they are.
 */
export async function diffStat(root: string, base: string, head: string): Promise<DiffStatEntry[]> {
  const text = await git(root, [
    'diff',
    '--numstat',
    '-z',
    '-M',
    // A user's config must not change what is counted or how paths are written.
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--no-relative',
    // A revision that starts with `-` must never be read as an option.
    '--end-of-options',
    base,
    head,
    '--',
  ]);
  return parseNumstat(text);
}

/**
 * Parses `--numstat -z` output: `added\tremoved\tpath\0`, or for a rename `added\tremoved\t\0old\0new\0`; `-` counts
 * (binary) become -1.
 */
export function parseNumstat(text: string): DiffStatEntry[] {
  const fields = text.split('\0');
  const out: DiffStatEntry[] = [];
  const count = (n: string) => (n === '-' ? -1 : Number(n) || 0);
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const m = /^(-|\d+)\t(-|\d+)\t([\s\S]*)$/.exec(field);
    if (!m) continue;
    let file = m[3]!;
    // A rename leaves the path empty and names the old and the new path in the next two fields.
    if (file === '') {
      file = fields[i + 2] ?? fields[i + 1] ?? '';
      i += 2;
    }
    if (file) out.push({ path: file, added: count(m[1]!), removed: count(m[2]!) });
  }
  return out;
}
