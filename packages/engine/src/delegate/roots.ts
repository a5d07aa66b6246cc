// The folders a delegating agent may act in. Everything a tool names (its `cwd`) and the repository that folder lies
// in must be inside one of them, after symbolic links are resolved: a link inside a root that points elsewhere, or a
// repository whose top is above the root, would let a tool call act on files the user never offered.
import { realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InternalError, RootsError, UsageError } from '@orchestrate/core';
import { findRepoRoot } from '@orchestrate/repo';

/** Whether `inner` is `outer` or lies under it (both absolute, resolved). */
export function isWithin(outer: string, inner: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/** The roots as real paths, once, at start: a missing one is what the user typed (`--root`), so E_USAGE. */
export function realRoots(roots: readonly string[]): string[] {
  if (!roots.length) throw new InternalError('a delegating process was started without a root');
  return roots.map((root) => {
    try {
      return realpathSync(path.resolve(root));
    } catch {
      throw new UsageError(
        `--root ${root}: no such folder. Pass an existing folder (a repository, or one holding them).`,
      );
    }
  });
}

const list = (roots: readonly string[]) => roots.join(', ');

/**
 * The real folder a tool's `cwd` names (default: the first root; a relative one is taken from the first root) and the
 * root of the repository it lies in. A missing folder is E_USAGE, one outside the roots E_OUTSIDE_ROOTS naming the
 * `--root` that would allow it, a folder in no repository the engine's own E_NOT_GIT_REPO. `roots` must be real paths
 * ({@link realRoots}).
 */
export async function resolveInRoots(
  roots: readonly string[],
  cwd?: string,
): Promise<{ cwd: string; repoRoot: string }> {
  const first = roots[0];
  if (first === undefined) throw new InternalError('resolveInRoots was given no root');
  const asked = path.resolve(first, cwd ?? '.');
  let real: string;
  try {
    real = await realpath(asked);
  } catch {
    throw new UsageError(`Folder not found: ${asked}. Pass an existing folder inside ${list(roots)} as cwd.`);
  }
  if (!(await stat(real)).isDirectory()) {
    throw new UsageError(`${asked} is a file, not a folder: pass the folder of a repository inside ${list(roots)}.`);
  }
  if (!roots.some((root) => isWithin(root, real))) {
    const via = real === asked ? '' : ` (${asked} leads there through a symbolic link)`;
    throw new RootsError(
      `${real} is outside the roots ${list(roots)}${via}: pass a folder inside them, or start the server with --root ${real}.`,
    );
  }
  const top = await findRepoRoot(real);
  const repoRoot = await realpath(top).catch(() => top);
  if (!roots.some((root) => isWithin(root, repoRoot))) {
    throw new RootsError(
      `the repository ${repoRoot} is above the roots ${list(roots)}: a run acts on the whole repository, so start the server with --root ${repoRoot}.`,
    );
  }
  return { cwd: real, repoRoot };
}
