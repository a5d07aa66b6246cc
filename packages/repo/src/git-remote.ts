import { GitError, InternalError, UsageError } from '@orchestrate/core';
import { git } from './git.js';

/** A token for a git server's HTTP(S) remotes (a GitHub Action's `GITHUB_TOKEN`) and the server it is for. */
export interface GitAuth {
  token: string;
  /** `https://github.com` (or a GHES host): the header is sent to remotes under this URL only. */
  serverUrl: string;
}

/** Why a server refused a push: the ref moved (or the lease failed), a hook or rule refused it, the token may not push. */
export type PushRefusal = 'non-fast-forward' | 'rejected' | 'forbidden';

/** What a push did: done, or refused by the server with its reason (any other failure throws GitError). */
export type PushRefResult = { ok: true } | { ok: false; reason: PushRefusal; message: string };

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The environment that hands `auth` to git as config (`GIT_CONFIG_COUNT`/`KEY_n`/`VALUE_n`), never through argv or a
 * config file: an empty `http.<server>/.extraheader` first (git then forgets the one actions/checkout persisted, which
 * would be sent twice), then the token as basic auth (`x-access-token`), as actions/checkout sends it. Entries already
 * in `env` are kept (numbered after them). Empty without `auth`.
 */
export function gitAuthEnv(
  auth: GitAuth | undefined,
  env: Record<string, string | undefined> = process.env,
): Record<string, string> {
  if (!auth) return {};
  // A line break would let the token add headers of its own; a token is one printable word.
  if (!/^[\x21-\x7e]+$/.test(auth.token))
    throw new UsageError('The token for git is empty or holds spaces or control characters: pass the token itself.');
  let server: URL;
  try {
    server = new URL(auth.serverUrl);
  } catch {
    throw new UsageError(
      `The git server URL ${JSON.stringify(auth.serverUrl)} is not a URL (e.g. https://github.com).`,
    );
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:')
    throw new UsageError(`The git server URL ${server.href} is not an http(s) URL (e.g. https://github.com).`);
  const key = `http.${server.origin}${server.pathname.replace(/\/+$/, '')}/.extraheader`;
  const basic = Buffer.from(`x-access-token:${auth.token}`, 'utf8').toString('base64');
  const given = Number(env.GIT_CONFIG_COUNT);
  const first = Number.isInteger(given) && given > 0 ? given : 0;
  return {
    GIT_CONFIG_COUNT: String(first + 2),
    [`GIT_CONFIG_KEY_${first}`]: key,
    [`GIT_CONFIG_VALUE_${first}`]: '',
    [`GIT_CONFIG_KEY_${first + 1}`]: key,
    [`GIT_CONFIG_VALUE_${first + 1}`]: `AUTHORIZATION: basic ${basic}`,
  };
}

/** Whether the repository holds commit `sha` (a shallow or partial clone may lack it). */
export async function hasCommit(root: string, sha: string): Promise<boolean> {
  assertSha(sha);
  return git(root, ['cat-file', '-e', `${sha}^{commit}`]).then(
    () => true,
    () => false,
  );
}

/**
 * Fetches commits by their ids from `remote` (`--depth`: that many commits of each, default 1; no tags, no refs
 * updated, no FETCH_HEAD written). The server must allow asking for them by id (GitHub does for reachable commits).
 */
export async function fetchCommits(
  root: string,
  o: { remote: string; commits: readonly string[]; depth?: number; env?: Record<string, string> },
): Promise<void> {
  o.commits.forEach(assertSha);
  assertRemote(o.remote);
  if (!o.commits.length) return;
  const depth = o.depth ?? 1;
  if (!Number.isInteger(depth) || depth < 1) throw new InternalError(`fetchCommits: depth ${depth}`);
  const args = ['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', '--no-write-fetch-head'];
  await git(root, [...args, `--depth=${depth}`, '--', o.remote, ...o.commits], undefined, o.env);
}

/**
 * Pushes local ref `source` to `target` (`refs/heads/…`) on `remote`, hooks skipped (`--no-verify`: a hooks path in the
 * tree would run the repository's code). With `lease` (the commit `target` must hold, or null: it must not exist) the
 * server refuses the update when the ref moved; the caller checks that the push is a fast-forward of `lease`. A push
 * the server refuses resolves `{ ok: false }` with the reason; any other failure (network, no such remote) throws.
 */
export async function pushRef(
  root: string,
  o: { remote: string; source: string; target: string; lease?: string | null; env?: Record<string, string> },
): Promise<PushRefResult> {
  assertRemote(o.remote);
  assertBranchRef(o.source);
  assertBranchRef(o.target);
  if (typeof o.lease === 'string') assertSha(o.lease);
  const lease = o.lease === undefined ? [] : [`--force-with-lease=${o.target}:${o.lease ?? ''}`];
  const args = ['push', '--quiet', '--no-verify', ...lease, '--', o.remote, `${o.source}:${o.target}`];
  try {
    await git(root, args, undefined, o.env);
    return { ok: true };
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    const refusal = pushRefusal(err.stderr);
    if (!refusal) throw err;
    return { ok: false, reason: refusal, message: refusalMessage(err.stderr) };
  }
}

/** The reason in git's stderr for a refused push, or null when the push failed for another reason. */
export function pushRefusal(stderr: string): PushRefusal | null {
  if (/\[remote rejected\]/.test(stderr)) {
    // GitHub refuses a token without `contents: write` on the ref with a hook-like message.
    return /permission|not allowed to push|403/i.test(stderr) ? 'forbidden' : 'rejected';
  }
  if (/\[rejected\]/.test(stderr)) return 'non-fast-forward';
  if (
    /error: 40[13]\b|returned error: 40[13]\b|Permission to \S+ denied|Authentication failed|HTTP 40[13]\b/.test(stderr)
  )
    return 'forbidden';
  return null;
}

/** What the server said about a refused push: its `remote:` lines and git's `!` lines, on one line, at most 600 chars. */
function refusalMessage(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => /^(remote:|!|error:|fatal:)/.test(l) && !/^error: failed to push some refs/.test(l))
    .map((l) => l.replace(/^remote:\s*/, ''))
    .filter(Boolean);
  const text = (lines.length ? lines : [stderr.trim()]).join(' ').replace(/\s+/g, ' ');
  return text.length > 600 ? `${text.slice(0, 599)}…` : text;
}

function assertSha(sha: string): void {
  if (!SHA.test(sha)) throw new InternalError(`not a commit id: ${JSON.stringify(sha)}`);
}

/** A remote name, URL or path: never read as an option, one word. */
function assertRemote(remote: string): void {
  if (!remote || remote.startsWith('-') || /[\s\0-\x1f]/.test(remote))
    throw new InternalError(`not a git remote: ${JSON.stringify(remote)}`);
}

/** A full branch ref git accepts (`git check-ref-format` rules, checked here without a process). */
function assertBranchRef(ref: string): void {
  const name = ref.slice('refs/heads/'.length);
  const ok =
    ref.startsWith('refs/heads/') &&
    name.length > 0 &&
    !/[\0-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\/|^\/|\/$|\.$|\.lock(\/|$)|(^|\/)\./.test(name) &&
    name !== '@';
  if (!ok) throw new InternalError(`not a branch ref: ${JSON.stringify(ref)}`);
}
