// The fake GitHub's view of a diff: a PR's files with GitHub-style patches (`git diff -U3` from the merge base), its own
// unified-diff parser (never the action's: a shared bug would pass), line tracking across commits, diff positions.
import { existsAt, git } from './github-git.js';

/** A hunk of a patch: its old (LEFT) and new (RIGHT) line ranges and which lines were removed or added. */
export interface FakeHunk {
  oldStart: number;
  /** The last old line shown; `oldStart - 1` when the hunk shows none. */
  oldEnd: number;
  newStart: number;
  /** The last new line shown; `newStart - 1` when the hunk shows none (a deletion-only hunk at the end). */
  newEnd: number;
  added: Set<number>;
  removed: Set<number>;
}

/** A file of a pull request as `GET /pulls/{n}/files` serves it. */
export interface FakeFile {
  sha: string | null;
  filename: string;
  previous_filename?: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed';
  additions: number;
  deletions: number;
  changes: number;
  /** Absent for binary files and pure renames, as on GitHub. */
  patch?: string;
}

const STATUS: Record<string, FakeFile['status']> = {
  A: 'added',
  D: 'removed',
  M: 'modified',
  R: 'renamed',
  C: 'copied',
};

/** The files of `from..to` with their patches, as GitHub serves a PR's files (renames detected, 3 lines of context). */
export function diffFiles(bare: string, from: string, to: string): FakeFile[] {
  const names = git(bare, ['diff', '--name-status', '-z', '-M', from, to]).split('\0');
  const entries: { status: string; path: string; previous?: string }[] = [];
  for (let i = 0; i < names.length - 1;) {
    const code = names[i++]!;
    if (code[0] === 'R' || code[0] === 'C') entries.push({ status: code[0], previous: names[i++]!, path: names[i++]! });
    else entries.push({ status: code[0]!, path: names[i++]! });
  }
  const text = git(bare, ['diff', '-U3', '-M', '--no-ext-diff', '--full-index', from, to]);
  const sections = text.split(/^(?=diff --git )/m).filter((s) => s.startsWith('diff --git '));
  if (sections.length !== entries.length)
    throw new Error(`fake github: ${entries.length} files but ${sections.length} patches`);
  return entries.map((entry, i) => {
    const section = sections[i]!.replace(/\n$/, '');
    const at = section.search(/^@@ /m);
    const patch = at < 0 ? undefined : section.slice(at);
    const blob = /^index [0-9a-f]+\.\.([0-9a-f]+)/m.exec(section)?.[1] ?? null;
    const hunks = patch ? parseHunks(patch) : [];
    const additions = hunks.reduce((n, h) => n + h.added.size, 0);
    const deletions = hunks.reduce((n, h) => n + h.removed.size, 0);
    const status = STATUS[entry.status] ?? 'changed';
    return {
      sha: status === 'removed' || !blob || /^0+$/.test(blob) ? null : blob,
      filename: entry.path,
      ...(entry.previous ? { previous_filename: entry.previous } : {}),
      status,
      additions,
      deletions,
      changes: additions + deletions,
      ...(patch ? { patch } : {}),
    };
  });
}

/** Parses a unified diff's hunks (the text from the first `@@`): line ranges on both sides and the changed lines. */
export function parseHunks(patch: string): FakeHunk[] {
  const hunks: FakeHunk[] = [];
  let hunk: FakeHunk | null = null;
  let oldLine = 0;
  let newLine = 0;
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of patch.split('\n')) {
    if (oldLeft === 0 && newLeft === 0) {
      const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m) continue; // `\ No newline at end of file`, or text after the last hunk
      oldLine = Number(m[1]);
      oldLeft = m[2] === undefined ? 1 : Number(m[2]);
      newLine = Number(m[3]);
      newLeft = m[4] === undefined ? 1 : Number(m[4]);
      // A side with no lines is numbered from the line before the hunk (`-0,0`, `+5,0`).
      if (oldLeft === 0) oldLine++;
      if (newLeft === 0) newLine++;
      hunk = {
        oldStart: oldLine,
        oldEnd: oldLine + oldLeft - 1,
        newStart: newLine,
        newEnd: newLine + newLeft - 1,
        added: new Set(),
        removed: new Set(),
      };
      hunks.push(hunk);
      continue;
    }
    if (!hunk || line.startsWith('\\')) continue;
    if (line.startsWith('+')) {
      hunk.added.add(newLine++);
      newLeft--;
    } else if (line.startsWith('-')) {
      hunk.removed.add(oldLine++);
      oldLeft--;
    } else {
      oldLine++;
      newLine++;
      oldLeft--;
      newLeft--;
    }
  }
  return hunks;
}

/** The hunk that shows `line` on a side, or null. */
export function hunkAt(hunks: readonly FakeHunk[], side: 'LEFT' | 'RIGHT', line: number): FakeHunk | null {
  return (
    hunks.find((h) =>
      side === 'RIGHT' ? line >= h.newStart && line <= h.newEnd : line >= h.oldStart && line <= h.oldEnd,
    ) ?? null
  );
}

/**
 * Where lines `start..end` of `file` at commit `from` are at commit `to`: the new end line, or null when any of them
 * changed, or the file is gone (GitHub then shows the comment outdated).
 */
export function followLines(
  bare: string,
  from: string,
  to: string,
  file: string,
  start: number,
  end: number,
): number | null {
  if (from === to) return end;
  if (!existsAt(bare, to, file)) return null;
  const text = git(bare, ['diff', '-U0', '--no-ext-diff', from, to, '--', file]);
  const at = text.search(/^@@ /m);
  let offset = 0;
  for (const h of at < 0 ? [] : parseHunks(text.slice(at))) {
    const count = h.oldEnd - h.oldStart + 1;
    if (count === 0) {
      // Lines inserted after old line `oldStart - 1`: inside the range when that line is in start..end-1.
      const after = h.oldStart - 1;
      if (after >= start && after < end) return null;
      if (after < start) offset += h.newEnd - h.newStart + 1;
      continue;
    }
    if (h.oldStart <= end && h.oldEnd >= start) return null;
    if (h.oldEnd < start) offset += h.newEnd - h.newStart + 1 - count;
  }
  return end + offset;
}

/** The diff position of RIGHT line `line` in a patch (lines below the first `@@`) and the hunk text up to it. */
export function positionOf(patch: string, line: number): { position: number; diffHunk: string } | null {
  const lines = patch.split('\n');
  let newLine = 0;
  let hunkStart = 0;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (m) {
      newLine = Number(m[1]);
      hunkStart = i;
      continue;
    }
    if (text.startsWith('-') || text.startsWith('\\')) continue;
    if (newLine === line) return { position: i, diffHunk: lines.slice(hunkStart, i + 1).join('\n') };
    newLine++;
  }
  return null;
}
