// The RIGHT side of a pull request's diff, read from the `patch` of each file `pulls.listFiles` returns: the only
// lines GitHub lets a review comment point at. Pure: no I/O.
import type { PullFile } from './github/api.js';

/** One hunk's RIGHT-side (head) lines: `start`..`end`, 1-based, inclusive; `added` are the `+` lines among them. */
export interface Hunk {
  start: number;
  end: number;
  added: ReadonlySet<number>;
}

/** A pull-request file's hunks; `patchMissing` when GitHub sent no patch (binary, too large), so nothing is known. */
export interface FileDiff {
  path: string;
  hunks: Hunk[];
  patchMissing: boolean;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * The hunks of one file's patch (GitHub's `patch`, or a one-file `git diff`): RIGHT-side lines that hold something,
 * ascending. Content lines are consumed by the header's counts, so a `+` line that reads `+++ b/x` or `@@ … @@` is
 * never taken for a header; a line past the counts, or one that fits no count, belongs to no hunk. Deletion-only
 * hunks have no RIGHT side and are left out.
 */
export function parsePatch(patch: string): Hunk[] {
  const hunks: Hunk[] = [];
  let hunk: OpenHunk | null = null;
  for (const raw of patch.split('\n')) {
    // GitHub's API may hand back CRLF line ends; a `\r` that is part of a line's content is lost either way.
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (hunk && (hunk.oldLeft > 0 || hunk.newLeft > 0)) {
      if (consume(hunk, line)) continue;
      // A line that fits no count: the patch is not what its header says; keep what was read, trust no more.
      hunk.oldLeft = hunk.newLeft = 0;
    }
    // `\ No newline at end of file` belongs to the hunk before it but counts on neither side.
    if (line.startsWith('\\')) continue;
    if (hunk) closeHunk(hunk, hunks);
    hunk = line.startsWith('@@ ') ? openHunk(line) : null;
  }
  if (hunk) closeHunk(hunk, hunks);
  return hunks.sort((a, b) => a.start - b.start);
}

/** A hunk being read: the next RIGHT-side line number and the lines its header still owes on each side. */
interface OpenHunk {
  start: number;
  next: number;
  added: Set<number>;
  oldLeft: number;
  newLeft: number;
}

function openHunk(header: string): OpenHunk | null {
  const m = HUNK_HEADER.exec(header);
  if (!m) return null;
  const start = Number(m[3]);
  const oldLeft = m[2] === undefined ? 1 : Number(m[2]);
  const newLeft = m[4] === undefined ? 1 : Number(m[4]);
  return { start, next: start, added: new Set(), oldLeft, newLeft };
}

/** Takes one content line into `hunk`; false when the line fits none of the counts left. */
function consume(hunk: OpenHunk, line: string): boolean {
  const sign = line[0];
  if (sign === '+' && hunk.newLeft > 0) {
    hunk.added.add(hunk.next++);
    hunk.newLeft--;
  } else if (sign === '-' && hunk.oldLeft > 0) {
    hunk.oldLeft--;
  } else if ((sign === ' ' || line === '') && hunk.oldLeft > 0 && hunk.newLeft > 0) {
    // An empty line is a context line whose leading space was stripped (some tools trim trailing whitespace).
    hunk.next++;
    hunk.oldLeft--;
    hunk.newLeft--;
  } else if (sign !== '\\') {
    return false;
  }
  return true;
}

function closeHunk(hunk: OpenHunk, into: Hunk[]): void {
  // Deletion-only hunks (and ones cut short before any RIGHT line) have nothing a comment could point at.
  if (hunk.next > hunk.start) into.push({ start: hunk.start, end: hunk.next - 1, added: hunk.added });
}

/**
 * The diff of each pull-request file, keyed by its path at the head (a renamed file by its new name). A removed file
 * has no RIGHT side: it is kept with no hunks, so a finding on it reads "no changed line", not "not in the diff".
 */
export function fileDiffs(files: readonly PullFile[]): Map<string, FileDiff> {
  const diffs = new Map<string, FileDiff>();
  for (const file of files) {
    const removed = file.status === 'removed';
    // Never let a removed file's empty entry replace a file that has a head side under the same path.
    if (removed && diffs.has(file.path)) continue;
    const patchMissing = file.patch === null && !removed;
    diffs.set(file.path, {
      path: file.path,
      hunks: removed || file.patch === null ? [] : parsePatch(file.patch),
      patchMissing,
    });
  }
  return diffs;
}
