import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/** One working-tree entry: its kind, mode bits, size and a sha256 of its bytes (of its target, for a symlink). */
export interface TreeEntry {
  kind: 'file' | 'symlink' | 'dir';
  mode: number;
  size: number;
  sha256: string;
}

/** Everything of the user's that a run must leave alone, in a form that `toEqual` and `bytesChanged` can compare. */
export interface UserTreeSnapshot {
  /** `git status --porcelain=v2 -uall` (read without taking optional locks, so taking it changes nothing). */
  status: string;
  /** `git diff --cached` (what the user staged). */
  staged: string;
  /** A sha256 of the raw `.git/index` bytes (missing: empty string). */
  indexSha256: string;
  /** `git rev-parse HEAD`. */
  head: string;
  /** `git symbolic-ref HEAD`, or empty on a detached HEAD. */
  symbolicHead: string;
  /** `git stash list`. */
  stash: string;
  /** Every path of the working tree except `.git/` and orchestrate's own `.orchestrate/`, with its kind and hash. */
  files: Record<string, TreeEntry>;
}

/** Paths at the repository root that are not the user's working tree: git's directory and orchestrate's run state. */
const OWN = new Set(['.git', '.orchestrate']);

/** Snapshots the user's working tree, index, HEAD, current branch and stash in `dir` (the repository root). */
export function snapshotUserTree(dir: string): UserTreeSnapshot {
  const git = (...args: string[]): string => {
    try {
      return execFileSync('git', ['--no-optional-locks', ...args], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 1 << 28,
      });
    } catch {
      return '';
    }
  };
  let indexSha256 = '';
  try {
    indexSha256 = sha256(readFileSync(path.join(dir, '.git', 'index')));
  } catch {
    indexSha256 = '';
  }
  return {
    status: git('status', '--porcelain=v2', '-uall'),
    staged: git('diff', '--cached', '--binary'),
    indexSha256,
    head: git('rev-parse', 'HEAD').trim(),
    symbolicHead: git('symbolic-ref', '--quiet', 'HEAD').trim(),
    stash: git('stash', 'list'),
    files: hashFiles(dir, [...OWN]),
  };
}

/**
 * How many bytes differ between two snapshots: 0 exactly when nothing changed. A changed text field counts the bytes of
 * its longer version; a changed, added or removed path counts the size of its larger version (at least 1).
 */
export function bytesChanged(a: UserTreeSnapshot, b: UserTreeSnapshot): number {
  let n = 0;
  for (const key of ['status', 'staged', 'indexSha256', 'head', 'symbolicHead', 'stash'] as const) {
    if (a[key] !== b[key]) n += Math.max(1, Buffer.byteLength(a[key]), Buffer.byteLength(b[key]));
  }
  for (const file of new Set([...Object.keys(a.files), ...Object.keys(b.files)])) {
    const x = a.files[file];
    const y = b.files[file];
    if (x && y && x.kind === y.kind && x.mode === y.mode && x.sha256 === y.sha256) continue;
    n += Math.max(1, x?.size ?? 0, y?.size ?? 0);
  }
  return n;
}

/** The names of what differs between two snapshots (fields, and `files:<path>`), for readable assertion messages. */
export function changedParts(a: UserTreeSnapshot, b: UserTreeSnapshot): string[] {
  const out: string[] = [];
  for (const key of ['status', 'staged', 'indexSha256', 'head', 'symbolicHead', 'stash'] as const)
    if (a[key] !== b[key]) out.push(key);
  for (const file of [...new Set([...Object.keys(a.files), ...Object.keys(b.files)])].sort()) {
    if (JSON.stringify(a.files[file]) !== JSON.stringify(b.files[file])) out.push(`files:${file}`);
  }
  return out;
}

function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Every entry under `root` except the top-level names in `ignore`, keyed by its /-separated path; symlinks are recorded
 * by their target and never followed.
 */
export function hashFiles(root: string, ignore: readonly string[]): Record<string, TreeEntry> {
  const out: Record<string, TreeEntry> = {};
  const visit = (rel: string): void => {
    for (const name of readdirSync(path.join(root, rel)).sort()) {
      if (!rel && ignore.includes(name)) continue;
      const child = rel ? `${rel}/${name}` : name;
      const abs = path.join(root, child);
      const stat = lstatSync(abs);
      if (stat.isSymbolicLink()) {
        const target = readlinkSync(abs);
        out[child] = { kind: 'symlink', mode: stat.mode, size: Buffer.byteLength(target), sha256: sha256(target) };
      } else if (stat.isDirectory()) {
        out[child] = { kind: 'dir', mode: stat.mode, size: 0, sha256: '' };
        visit(child);
      } else {
        out[child] = { kind: 'file', mode: stat.mode, size: stat.size, sha256: sha256(readFileSync(abs)) };
      }
    }
  };
  visit('');
  return out;
}
