import { existsSync } from 'node:fs';
import path from 'node:path';
import { PathNotFoundError } from '@orchestrate/core';
import { pathWordsInTask } from '@orchestrate/agents';
import { pathMatcher } from '@orchestrate/jobs';
import { resolveCommit, trackedPathsAt, type FileIndex } from '@orchestrate/repo';
import { matchesSomething, shown } from './plan-check.js';

/** Where to look up the paths a task names besides the index. */
export interface TaskPathLookup {
  /** The repository root: its commit's tree and working tree are asked about paths the index lacks. */
  root?: string;
  /** The commit the run works on. @default 'HEAD' */
  commit?: string;
  /** Every path of that commit (indexed, skipped or not included); listed from git when omitted and `root` is given. */
  allPaths?: readonly string[];
}

/**
 * Stops a run whose task names a path the repository does not have, before any model call (so a typo costs nothing
 * and never widens the run). Only words that are paths count (`src/nope.ts`, `lib/`, not `e.g.`, `node.js` or
 * `async/await`); a path the index skipped (a `.json`, a large file) exists. Without `root` or `allPaths` a skipped
 * file cannot be told from a missing one, so nothing is checked.
 */
export async function checkTaskPaths(task: string, files: readonly FileIndex[], lookup: TaskPathLookup): Promise<void> {
  const indexed = (p: string) => matchesSomething(files, p) || (!p.includes('/') && matchesSomething(files, `**/${p}`));
  const words = pathWordsInTask(task).filter((w) => !indexed(w.path));
  if (words.length === 0 || (!lookup.root && !lookup.allPaths)) return;
  const all = lookup.allPaths ?? (await trackedPathsAt(lookup.root!, lookup.commit ?? 'HEAD'));
  const exists = (p: string) => {
    const match = pathMatcher([p]);
    const anywhere = p.includes('/') ? null : pathMatcher([`**/${p}`]);
    return all.some((f) => match(f) || (anywhere?.(f) ?? false));
  };
  const dirs = new Set(
    all.flatMap((f) =>
      f
        .split('/')
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
    ),
  );
  const missing: string[] = [];
  for (const { path: p, certain } of words) {
    const outside = isOutside(p);
    // A slash word that only may be a path (`origin/main`) is one when its first segment is a directory here.
    if (!outside && !certain && !dirs.has(p.split('/')[0]!)) continue;
    if (!outside && exists(p)) continue;
    if (lookup.root && !outside && (await isCommit(lookup.root, p))) continue;
    missing.push(p);
  }
  if (missing.length) throw new PathNotFoundError(message(missing, lookup, files), missing);
}

function isOutside(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.split(/[\\/]/).includes('..');
}

async function isCommit(root: string, word: string): Promise<boolean> {
  if (word.startsWith('-') || /[*?[{]/.test(word)) return false;
  return (await resolveCommit(root, word)) !== null;
}

/** What to tell the user: which paths, why each is not there, and the nearest indexed path when one is close. */
function message(missing: string[], lookup: TaskPathLookup, files: readonly FileIndex[]): string {
  const lines = missing.map((p) => {
    if (isOutside(p)) return `  - ${shown(p)}: outside the repository (write paths relative to its root)`;
    const onDisk = lookup.root && !/[*?[{]/.test(p) && existsSync(path.join(lookup.root, p));
    if (onDisk) return `  - ${shown(p)}: not committed (orchestrate works on the last commit: commit it first)`;
    const near = nearest(p, files);
    return `  - ${shown(p)}: no such file or directory${near ? ` (did you mean ${near}?)` : ''}`;
  });
  const where = lookup.root ? ` (paths are relative to ${lookup.root})` : '';
  return `The task names ${missing.length === 1 ? 'a path' : 'paths'} the repository does not have${where}:\n${lines.join('\n')}\nFix the task and run again; nothing was sent to a model.`;
}

/** The indexed file or directory closest to `p` by edit distance, when it is close enough to be a typo. */
function nearest(p: string, files: readonly FileIndex[]): string | null {
  if (/[*?[{]/.test(p) || p.length > 200) return null;
  const candidates = new Set(
    files.flatMap((f) => f.path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))),
  );
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(p.length / 5)) + 1;
  for (const c of candidates) {
    if (Math.abs(c.length - p.length) >= bestDistance) continue;
    const d = distance(p, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
