import { EnvironmentError, GitError, InternalError } from '@orchestrate/core';
import {
  fetchCommits,
  findRepoRoot,
  gitAuthEnv,
  hasCommit,
  isAncestor,
  pushRef,
  resolveCommit,
  runBranch,
  type GitAuth,
  type PushRefusal,
} from '@orchestrate/repo';

// What a shell that works on a hosted repository (the GitHub Action) asks of git beside runTask(): the commits a
// default checkout lacks, and the run's branch pushed where it belongs. The token reaches git through the environment.

export type { GitAuth, PushRefusal } from '@orchestrate/repo';

/** A pushed run branch (the ref and the commit it now holds), or why the server refused it. */
export type PushResult = { ok: true; ref: string; sha: string } | { ok: false; reason: PushRefusal; message: string };

/**
 * Makes sure the repository at `cwd` holds `commits` (full commit ids): those it lacks are fetched from `remote` at
 * depth 1 in one fetch (a CI checkout is a shallow clone of a merge ref). A commit the remote does not send is
 * E_SHALLOW_CLONE; a fetch that fails otherwise (network, authentication) is E_GIT.
 */
export async function ensureCommits(o: {
  cwd: string;
  commits: readonly string[];
  remote?: string;
  auth?: GitAuth;
}): Promise<{ fetched: string[] }> {
  const root = await findRepoRoot(o.cwd);
  const remote = o.remote ?? 'origin';
  const wanted = [...new Set(o.commits)];
  const missing = await absent(root, wanted);
  if (!missing.length) return { fetched: [] };
  const env = gitAuthEnv(o.auth);
  const fetch = (commits: string[]) => fetchCommits(root, { remote, commits, env }).then(() => true, notSent);
  // One commit the server will not send fails the whole fetch: then each is asked for alone, so the error names only
  // those that are really missing.
  if (!(await fetch(missing)) && missing.length > 1) for (const sha of missing) await fetch([sha]);
  const still = await absent(root, missing);
  if (still.length) {
    const list = still.map((sha) => sha.slice(0, 12)).join(', ');
    throw new EnvironmentError(
      'E_SHALLOW_CLONE',
      `The clone lacks commit(s) ${list} and ${remote} did not send them: they are not (or no longer) in that repository. ` +
        `Fetch them (\`git fetch ${remote} <sha>\`, or clone with full history) and run again.`,
    );
  }
  return { fetched: missing };
}

/**
 * Pushes run `runId`'s branch (`orchestrate/<run-id>`) to `to` (`refs/heads/…`) on `remote`. With `lease` (the commit
 * `to` must still hold, or null: `to` must not exist yet) the push is a fast-forward of it or nothing: a run branch that
 * does not descend from `lease` is refused here, and the server refuses it when `to` moved. A refusal (moved ref,
 * protected branch, a token that may not push) resolves `{ ok: false }`; other failures throw E_GIT.
 */
export async function pushRunBranch(o: {
  cwd: string;
  runId: string;
  to: string;
  remote?: string;
  lease?: string | null;
  auth?: GitAuth;
}): Promise<PushResult> {
  const root = await findRepoRoot(o.cwd);
  const source = `refs/heads/${runBranch(o.runId)}`;
  const sha = await resolveCommit(root, source);
  if (!sha) throw new InternalError(`pushRunBranch: run ${o.runId} has no branch ${runBranch(o.runId)} to push`);
  if (typeof o.lease === 'string') {
    const descends = await isAncestor(root, o.lease, sha).catch(() => false);
    if (!descends) {
      const message = `${runBranch(o.runId)} does not descend from ${o.lease.slice(0, 12)}, so pushing it to ${o.to} would not be a fast-forward`;
      return { ok: false, reason: 'non-fast-forward', message };
    }
  }
  const remote = o.remote ?? 'origin';
  const env = gitAuthEnv(o.auth);
  const pushed = await pushRef(root, { remote, source, target: o.to, lease: o.lease, env });
  return pushed.ok ? { ok: true, ref: o.to, sha } : pushed;
}

/** false for a fetch the server refused because it does not have (or will not send) a commit; rethrows the rest. */
function notSent(err: unknown): false {
  if (err instanceof GitError && /not our ref|unadvertised object|couldn't find remote ref/i.test(err.stderr))
    return false;
  throw err;
}

/** The commits of `wanted` the repository lacks. */
async function absent(root: string, wanted: readonly string[]): Promise<string[]> {
  const have = await Promise.all(wanted.map((sha) => hasCommit(root, sha)));
  return wanted.filter((_, i) => !have[i]);
}
