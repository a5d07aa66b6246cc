// ensureCommits and pushRunBranch on real repositories: a bare "origin" with a shallow or full clone of it (as a CI
// checkout is), and a loopback HTTP server standing in for a git host that refuses the token. The token reaches git
// only through the environment: never an argument (a wrapper around git logs every argv), never a config file.
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureCommits, pushRunBranch } from '../../src/index.js';
import { IDENTITY, tempRepos, type TempRepo } from '../../../../test/helpers/repo.js';

const repos = tempRepos(afterEach);
const TOKEN = 'ghs_TestToken0123456789abcdefABCDEF';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
const auth = { token: TOKEN, serverUrl: 'https://github.com' };

/** git in `cwd`, stdout trimmed. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

/** A commit on the current branch of `repo` that writes `file`; returns its id. */
function commit(repo: string, file: string, text: string): string {
  writeFileSync(path.join(repo, file), text);
  git(repo, 'add', '-A');
  git(repo, ...IDENTITY, 'commit', '--quiet', '-m', `write ${file}`);
  return git(repo, 'rev-parse', 'HEAD');
}

/** A bare origin made from a work repository: main (A, B) and feature (A, C). */
function origin(): { work: TempRepo; bare: string; a: string; b: string; c: string } {
  const work = repos.make({ 'a.txt': 'a\n' });
  const a = git(work.dir, 'rev-parse', 'HEAD');
  const b = commit(work.dir, 'b.txt', 'b\n');
  git(work.dir, 'checkout', '--quiet', '-b', 'feature', a);
  const c = commit(work.dir, 'c.txt', 'c\n');
  git(work.dir, 'checkout', '--quiet', 'main');
  const holder = repos.make({}, { git: false, prefix: 'orch-origin-' });
  const bare = path.join(holder.dir, 'origin.git');
  git(holder.dir, 'clone', '--quiet', '--bare', work.dir, bare);
  git(bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  return { work, bare, a, b, c };
}

/** A clone of `bare` (depth 1 of main when `shallow`, as actions/checkout makes it). */
function cloneOf(bare: string, shallow = false): string {
  const holder = repos.make({}, { git: false, prefix: 'orch-clone-' });
  const dir = path.join(holder.dir, 'clone');
  const source = shallow ? `file://${bare}` : bare;
  git(holder.dir, 'clone', '--quiet', ...(shallow ? ['--depth=1'] : []), source, dir);
  return dir;
}

/** A run branch `orchestrate/<runId>` in `clone`, one commit on top of `base`; returns its tip. */
function runBranchOn(clone: string, runId: string, base: string): string {
  git(clone, 'checkout', '--quiet', '-b', `orchestrate/${runId}`, base);
  const tip = commit(clone, `${runId}.txt`, `${runId}\n`);
  git(clone, 'checkout', '--quiet', '--detach');
  return tip;
}

/** Every file under `dir` whose bytes hold `needle`. */
function filesHolding(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) found.push(...filesHolding(file, needle));
    else if (readFileSync(file).includes(needle)) found.push(file);
  }
  return found;
}

/** Runs `fn` with a `git` first on PATH that logs its arguments (one invocation a line) before running the real git. */
async function loggingArgv<T>(fn: () => Promise<T>): Promise<{ result: T; argv: string }> {
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const bin = repos.make({}, { git: false, prefix: 'orch-bin-' }).dir;
  const log = path.join(bin, 'argv.log');
  writeFileSync(log, '');
  writeFileSync(path.join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(path.join(bin, 'git'), 0o755);
  const saved = process.env.PATH;
  process.env.PATH = `${bin}${path.delimiter}${saved ?? ''}`;
  try {
    const result = await fn();
    return { result, argv: readFileSync(log, 'utf8') };
  } finally {
    process.env.PATH = saved;
  }
}

describe('ensureCommits', () => {
  it('fetches the commits a depth-1 clone lacks, by id, in one call; a second call fetches nothing', async () => {
    const { bare, a, b, c } = origin();
    const clone = cloneOf(bare, true);
    expect(git(clone, 'rev-parse', '--is-shallow-repository')).toBe('true');
    expect(await ensureCommits({ cwd: clone, commits: [b] })).toEqual({ fetched: [] });
    const { result, argv } = await loggingArgv(() => ensureCommits({ cwd: clone, commits: [c, a, c], auth }));
    expect(result).toEqual({ fetched: [c, a] });
    // The merge base and the head are there: the PR's diff can be computed without more history.
    expect(git(clone, 'diff', '--name-only', a, c)).toBe('c.txt');
    expect(argv).toMatch(/fetch .*--depth=1/);
    expect(argv).not.toContain(TOKEN);
    expect(argv).not.toContain(BASIC);
    expect(filesHolding(path.join(clone, '.git'), TOKEN)).toEqual([]);
    expect(filesHolding(path.join(clone, '.git'), BASIC)).toEqual([]);
    expect(await ensureCommits({ cwd: clone, commits: [a, b, c] })).toEqual({ fetched: [] });
  });

  it('a commit the origin does not have is E_SHALLOW_CLONE naming it; the others of the call are still fetched', async () => {
    const { work, bare, c } = origin();
    git(work.dir, 'checkout', '--quiet', '-b', 'later', 'main');
    const unknown = commit(work.dir, 'd.txt', 'only in the work repository\n');
    const clone = cloneOf(bare, true);
    const err = await ensureCommits({ cwd: clone, commits: [c, unknown] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_SHALLOW_CLONE' });
    expect((err as Error).message).toContain(unknown.slice(0, 12));
    expect((err as Error).message).not.toContain(c.slice(0, 12));
    expect(git(clone, 'cat-file', '-t', c)).toBe('commit');
  });

  it('refuses what is not a commit id before running git (a ref or an option could be fetched instead)', async () => {
    const { bare } = origin();
    const clone = cloneOf(bare, true);
    for (const bad of ['main', '--upload-pack=touch x', 'abc'])
      await expect(ensureCommits({ cwd: clone, commits: [bad] })).rejects.toMatchObject({ code: 'E_INTERNAL' });
  });
});

describe('pushRunBranch', () => {
  it('fast-forwards the head branch with a lease on the commit the run started from; the token is in no argv or config', async () => {
    const { bare, c } = origin();
    const clone = cloneOf(bare);
    const tip = runBranchOn(clone, 'run1', c);
    const { result, argv } = await loggingArgv(() =>
      pushRunBranch({ cwd: clone, runId: 'run1', to: 'refs/heads/feature', lease: c, auth }),
    );
    expect(result).toEqual({ ok: true, ref: 'refs/heads/feature', sha: tip });
    expect(git(bare, 'rev-parse', 'refs/heads/feature')).toBe(tip);
    expect(argv).toMatch(/push .*--force-with-lease=refs\/heads\/feature:/);
    for (const secret of [TOKEN, BASIC]) {
      expect(argv).not.toContain(secret);
      expect(filesHolding(path.join(clone, '.git'), secret)).toEqual([]);
      expect(filesHolding(bare, secret)).toEqual([]);
    }
  });

  it('works from a depth-1 checkout as CI makes it: the head fetched by id, the run branch on it pushed back', async () => {
    const { bare, c } = origin();
    const clone = cloneOf(bare, true);
    expect(await ensureCommits({ cwd: clone, commits: [c] })).toEqual({ fetched: [c] });
    const tip = runBranchOn(clone, 'shallow1', c);
    expect(await pushRunBranch({ cwd: clone, runId: 'shallow1', to: 'refs/heads/feature', lease: c })).toEqual({
      ok: true,
      ref: 'refs/heads/feature',
      sha: tip,
    });
    expect(git(bare, 'rev-parse', 'refs/heads/feature')).toBe(tip);
  });

  it('a head branch that moved since the run started is refused by the lease and left as it is', async () => {
    const { work, bare, c } = origin();
    const clone = cloneOf(bare);
    runBranchOn(clone, 'run2', c);
    git(work.dir, 'checkout', '--quiet', 'feature');
    const moved = commit(work.dir, 'e.txt', 'pushed by someone else\n');
    git(work.dir, 'push', '--quiet', bare, 'feature');
    const result = await pushRunBranch({ cwd: clone, runId: 'run2', to: 'refs/heads/feature', lease: c });
    expect(result).toMatchObject({ ok: false, reason: 'non-fast-forward' });
    expect(!result.ok && result.message).toMatch(/stale info|rejected/);
    expect(git(bare, 'rev-parse', 'refs/heads/feature')).toBe(moved);
  });

  it('a run branch that does not descend from the lease is refused before any push (a lease would force it)', async () => {
    const { bare, b, c } = origin();
    const clone = cloneOf(bare);
    runBranchOn(clone, 'run3', b);
    const { result, argv } = await loggingArgv(() =>
      pushRunBranch({ cwd: clone, runId: 'run3', to: 'refs/heads/feature', lease: c }),
    );
    expect(result).toMatchObject({ ok: false, reason: 'non-fast-forward' });
    expect(argv).not.toMatch(/(^|\n)\S*\s*push /);
    expect(git(bare, 'rev-parse', 'refs/heads/feature')).toBe(c);
  });

  it('lease null creates a new branch, and refuses another commit once it exists; without a lease git refuses a non-fast-forward', async () => {
    const { bare, b, c } = origin();
    const clone = cloneOf(bare);
    const tip = runBranchOn(clone, 'run4', c);
    const to = 'refs/heads/orchestrate/run4';
    expect(await pushRunBranch({ cwd: clone, runId: 'run4', to, lease: null })).toEqual({
      ok: true,
      ref: to,
      sha: tip,
    });
    expect(git(bare, 'rev-parse', to)).toBe(tip);
    // Pushed again it changes nothing (git: up to date); another run's branch is refused.
    expect(await pushRunBranch({ cwd: clone, runId: 'run4', to, lease: null })).toMatchObject({ ok: true });
    runBranchOn(clone, 'run4b', c);
    expect(await pushRunBranch({ cwd: clone, runId: 'run4b', to, lease: null })).toMatchObject({
      ok: false,
      reason: 'non-fast-forward',
    });
    expect(git(bare, 'rev-parse', to)).toBe(tip);
    runBranchOn(clone, 'run5', b);
    expect(await pushRunBranch({ cwd: clone, runId: 'run5', to: 'refs/heads/feature' })).toMatchObject({
      ok: false,
      reason: 'non-fast-forward',
    });
    expect(git(bare, 'rev-parse', 'refs/heads/feature')).toBe(c);
  });

  it('a branch the server protects (a pre-receive hook) is `rejected`, with what the server said', async () => {
    const { bare, c } = origin();
    const hook = path.join(bare, 'hooks', 'pre-receive');
    writeFileSync(
      hook,
      '#!/bin/sh\nwhile read old new ref; do\n  [ "$ref" = refs/heads/feature ] && { echo "GH006: Protected branch update failed for $ref." >&2; exit 1; }\ndone\nexit 0\n',
    );
    chmodSync(hook, 0o755);
    const clone = cloneOf(bare);
    runBranchOn(clone, 'run6', c);
    const result = await pushRunBranch({ cwd: clone, runId: 'run6', to: 'refs/heads/feature', lease: c });
    expect(result).toMatchObject({ ok: false, reason: 'rejected' });
    expect(!result.ok && result.message).toContain('GH006: Protected branch update failed for refs/heads/feature.');
    expect(git(bare, 'rev-parse', 'refs/heads/feature')).toBe(c);
  });

  it('over HTTP the token goes as one basic-auth header (checkout’s persisted one is reset); a 403 is `forbidden`', async () => {
    const seen: IncomingMessage['rawHeaders'][] = [];
    const server = createServer((req, res) => {
      seen.push(req.rawHeaders);
      res
        .writeHead(403, { 'content-type': 'text/plain' })
        .end('Permission to owner/repo.git denied to github-actions[bot].');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const url = `http://127.0.0.1:${port}`;
    const saved = { NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
    process.env.NO_PROXY = process.env.no_proxy = '127.0.0.1';
    try {
      const { bare, c } = origin();
      const clone = cloneOf(bare);
      runBranchOn(clone, 'run7', c);
      git(clone, 'remote', 'set-url', 'origin', `${url}/owner/repo.git`);
      git(clone, 'config', `http.${url}/.extraheader`, 'AUTHORIZATION: basic cGVyc2lzdGVkOmJ5LWNoZWNrb3V0');
      const { result, argv } = await loggingArgv(() =>
        pushRunBranch({
          cwd: clone,
          runId: 'run7',
          to: 'refs/heads/feature',
          lease: c,
          auth: { token: TOKEN, serverUrl: url },
        }),
      );
      expect(result).toMatchObject({ ok: false, reason: 'forbidden' });
      expect(seen.length).toBeGreaterThan(0);
      const authorization = (raw: string[]) =>
        raw.filter((_, i) => i % 2 === 1 && /^authorization$/i.test(raw[i - 1]!));
      for (const raw of seen) expect(authorization(raw)).toEqual([`basic ${BASIC}`]);
      expect(argv).not.toContain(TOKEN);
      expect(argv).not.toContain(BASIC);
      expect(filesHolding(path.join(clone, '.git'), BASIC)).toEqual([]);
    } finally {
      Object.assign(process.env, saved);
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
