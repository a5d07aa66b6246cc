import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GitError } from '@orchestrate/core';
import { identityArgs } from './git-commits.js';
import { git } from './git.js';

// Patches are applied to a worktree's index only (`--cached`): a merge of shard bundles writes no working-tree file,
// so a worktree made with `checkout: false` merges a large repository without checking it out.
const APPLY = ['apply', '--cached', '--whitespace=nowarn'];

/** Applies a unified diff (`git diff` output) to `worktree`'s index; throws GitError (its stderr says why) when it does not apply. */
export async function applyPatchToIndex(worktree: string, patch: string): Promise<void> {
  if (!patch.trim()) return;
  await git(worktree, [...APPLY, '-'], patch);
}

/**
 * Whether a series of patches applies in order on `base` (checked in a scratch index, so no index or tree is touched):
 * null when every one applies, else the 0-based position of the first that does not and git's reason.
 */
export async function checkPatchSeries(
  root: string,
  base: string,
  patches: readonly string[],
): Promise<{ at: number; reason: string } | null> {
  const dir = await mkdtemp(path.join(tmpdir(), 'orchestrate-apply-'));
  const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
  try {
    await git(root, ['read-tree', base], undefined, env);
    for (const [at, patch] of patches.entries()) {
      if (!patch.trim()) continue;
      try {
        await git(root, [...APPLY, '-'], patch, env);
      } catch (err) {
        if (!(err instanceof GitError)) throw err;
        return { at, reason: err.stderr.trim().split('\n').slice(0, 3).join('; ') || 'git apply refused it' };
      }
    }
    return null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A file's text in `worktree`'s index (`git show :file`), or null when the index does not hold it. */
export async function indexFileText(worktree: string, file: string): Promise<string | null> {
  return git(worktree, ['show', `:${file}`]).catch(() => null);
}

/** Puts `files` in `worktree`'s index back to their state at HEAD (a file HEAD lacks leaves the index). */
export async function resetIndexFiles(worktree: string, files: readonly string[]): Promise<void> {
  if (files.length) await git(worktree, ['reset', '--quiet', 'HEAD', '--', ...files]);
}

/** The files whose index entry differs from HEAD in `worktree`, repository-relative. */
export async function stagedFiles(worktree: string): Promise<string[]> {
  const out = await git(worktree, ['diff', '--cached', '--name-only', '-z', '--no-renames', 'HEAD']);
  return out.split('\0').filter(Boolean);
}

/** Commits what `worktree`'s index holds (hooks skipped, as run commits are) and returns the new commit's sha. */
export async function commitIndex(worktree: string, message: string): Promise<string> {
  await git(
    worktree,
    [...(await identityArgs(worktree)), '-c', 'commit.gpgsign=false', 'commit', '--quiet', '--no-verify', '-F', '-'],
    message,
  );
  return (await git(worktree, ['rev-parse', 'HEAD'])).trim();
}

/** What a patch would do, as git reads it (`git apply --numstat -z` and `--summary`); nothing is applied. */
export interface PatchTouches {
  /** Every path the patch touches (both sides of a rename), and whether git reads its change as binary. */
  files: { path: string; binary: boolean }[];
  /** `--summary` lines: creations, deletions, renames, copies and mode changes (empty for edits of existing files). */
  summary: string[];
}

/** The paths a patch touches and its creations/deletions/renames/mode changes; throws GitError when git cannot read it. */
export async function patchTouches(root: string, patch: string): Promise<PatchTouches> {
  if (!patch.trim()) return { files: [], summary: [] };
  const numstat = await git(root, ['apply', '--numstat', '-z', '-'], patch);
  const files: PatchTouches['files'] = [];
  const fields = numstat.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const m = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(fields[i]!);
    if (!m) continue;
    const binary = m[1] === '-' || m[2] === '-';
    // A rename or copy is `added\tdeleted\t\0from\0to`: both paths are touched.
    if (m[3] === '') {
      files.push({ path: fields[i + 1] ?? '', binary }, { path: fields[i + 2] ?? '', binary });
      i += 2;
    } else files.push({ path: m[3]!, binary });
  }
  const summary = (await git(root, ['apply', '--summary', '-'], patch))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return { files, summary };
}

/** Which of `paths` are regular files (blobs) in `commit`'s tree (`git cat-file --batch-check`). */
export async function blobsAt(root: string, commit: string, paths: readonly string[]): Promise<Set<string>> {
  const asked = paths.filter((p) => p && !/[\n\r]/.test(p));
  if (asked.length === 0) return new Set();
  const out = await git(
    root,
    ['cat-file', '--batch-check=%(objecttype)'],
    asked.map((p) => `${commit}:${p}\n`).join(''),
  );
  const types = out.split('\n');
  return new Set(asked.filter((_, i) => types[i] === 'blob'));
}
