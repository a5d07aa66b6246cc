import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { gitCommonDir } from './git-refs.js';
import { git } from './git.js';

/**
 * The folder that holds run worktrees: `$ORCHESTRATE_WORKTREES`, else the user's cache folder (`$XDG_CACHE_HOME` or
 * `~/.cache`, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows) + `orchestrate/worktrees`. Not under `.git/`
 * (tools such as vite refuse or mis-resolve files there) and not in the user's tree (their tsc, jest or vitest would
 * pick the run's files up).
 */
export function worktreesHome(env: Record<string, string | undefined> = process.env): string {
  if (env.ORCHESTRATE_WORKTREES && path.isAbsolute(env.ORCHESTRATE_WORKTREES)) return env.ORCHESTRATE_WORKTREES;
  let cache: string;
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) cache = env.XDG_CACHE_HOME;
  else if (process.platform === 'win32' && env.LOCALAPPDATA) cache = env.LOCALAPPDATA;
  else {
    const home = safeHome();
    cache = home
      ? process.platform === 'darwin'
        ? path.join(home, 'Library', 'Caches')
        : path.join(home, '.cache')
      : tmpdir();
  }
  return path.join(cache, 'orchestrate', 'worktrees');
}

function safeHome(): string | null {
  try {
    return homedir() || null;
  } catch {
    return null;
  }
}

/** `<repo name>-<hash of its common git dir>`: one folder per repository (its linked worktrees share it). */
function repoKey(commonDir: string): string {
  let real = commonDir;
  try {
    real = realpathSync(commonDir);
  } catch {
    // a common dir that cannot be resolved keys by its path as given
  }
  const base =
    path.basename(real) === '.git' ? path.basename(path.dirname(real)) : path.basename(real).replace(/\.git$/, '');
  const name = base.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'repo';
  return `${name}-${createHash('sha256').update(real).digest('hex').slice(0, 12)}`;
}

/** Where run `runId` of the repository at `root` keeps its worktree. */
export async function runWorktreeDir(
  root: string,
  runId: string,
  env?: Record<string, string | undefined>,
): Promise<string> {
  const key = repoKey(await gitCommonDir(root));
  const home = worktreesHome(env);
  // A cache folder inside the repository (a dotfiles repository, or HOME set to the checkout in a container) would put
  // the run's files in the user's tree: the system's temporary folder is used instead.
  const inside = (dir: string) => {
    const rel = path.relative(realOrSelf(root), realOrSelf(dir));
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  };
  const base = inside(home) ? path.join(tmpdir(), 'orchestrate-worktrees') : home;
  return path.join(base, key, runId);
}

/** The real path of a folder, or of its nearest existing parent joined with the rest. */
function realOrSelf(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    const parent = path.dirname(dir);
    return parent === dir ? dir : path.join(realOrSelf(parent), path.basename(dir));
  }
}

/** Where runs made before worktrees moved out of `.git/` kept theirs (resume and undo still clear those). */
export async function legacyRunWorktreeDir(root: string, runId: string): Promise<string> {
  return path.join(await gitCommonDir(root), 'orchestrate', 'worktrees', runId);
}

/**
 * The worktrees run `runId` may have left: the places a run keeps one (today's and the legacy one), plus any worktree git
 * knows on the run's branch in a folder named as orchestrate names them (`<repo key>/<run id>`, under another
 * `ORCHESTRATE_WORKTREES` than today's). A worktree of the user's on that branch is never one of them.
 */
export async function runWorktreeCandidates(root: string, runId: string): Promise<string[]> {
  const branch = `refs/heads/orchestrate/${runId}`;
  const own = path.join(repoKey(await gitCommonDir(root)), runId);
  const listed = (await git(root, ['worktree', 'list', '--porcelain']).catch(() => ''))
    .split('\n\n')
    .filter((entry) => entry.split('\n').includes(`branch ${branch}`))
    .map((entry) => path.resolve(entry.split('\n')[0]!.replace(/^worktree /, '')))
    .filter((dir) => dir.endsWith(`${path.sep}${own}`));
  return [
    ...new Set(
      [await runWorktreeDir(root, runId), await legacyRunWorktreeDir(root, runId), ...listed].map((d) =>
        path.resolve(d),
      ),
    ),
  ];
}

/** Whether `dir` is one of the folders orchestrate keeps run `runId`'s worktree in (for telling it from the user's). */
export async function isRunWorktree(root: string, runId: string, dir: string): Promise<boolean> {
  const own = path.join(repoKey(await gitCommonDir(root)), runId);
  const resolved = path.resolve(dir);
  return resolved.endsWith(`${path.sep}${own}`) || resolved === path.resolve(await legacyRunWorktreeDir(root, runId));
}
