import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { simpleGit } from 'simple-git';
import { EnvironmentError, GitError } from '@orchestrate/core';

/** What one git process did. */
interface GitResult {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

/** The most output one git command may print (file contents come through `gitBuffer`). */
const MAX_OUTPUT = 1024 * 1024 * 1024;
const NOTHING = Buffer.alloc(0);
/** simple-git's guards that `allowConfig` / `allowEnvironment` do not open (flags, `GIT_CONFIG_PARAMETERS`). */
const OUR_OWN_ARGUMENTS = {
  allowUnsafeConfigEnvCount: true,
  allowUnsafePack: true,
  allowUnsafeExec: true,
  allowAbbreviatedOptions: true,
  allowUnsafeCustomBinary: true,
};

/**
 * git in a session (and so a process group) of its own where `setsid` exists: a terminal's Ctrl-C signals the whole
 * foreground group, and a git killed by it would turn the graceful stop (calls in flight finish, verified work is
 * committed) into a failed git command. simple-git passes no `detached` spawn option (only uid/gid), so the session
 * comes from util-linux's `setsid`, which execs git in place; elsewhere git runs as it is.
 */
const GIT_BINARY: [string] | [string, string] =
  process.platform === 'linux' && ['/usr/bin/setsid', '/bin/setsid'].some((f) => existsSync(f))
    ? ['setsid', 'git']
    : ['git'];

/**
 * Runs one git process through simple-git (`--no-optional-locks`: a read never writes the index) with stdin from
 * `input` or empty, and collects its output. A git that cannot be started, or prints more than `MAX_OUTPUT`, fails
 * with exit code -1. simple-git is set up for a caller whose every argument is its own, not untrusted input:
 * - its guard against unsafe options and variables (`-c core.hooksPath`, `GIT_CONFIG_*`) is opened, and the user's
 *   `GIT_*` variables reach git as they did (the guard would strip them);
 * - it reports a failure without stderr (`merge-base --is-ancestor` exiting 1) as success and never gives the exit
 *   code: the `errors` hook records exit code and stderr and lets every task resolve, and `git()` decides;
 * - it hands `raw()` stdout as text: the `outputHandler` collects the bytes (binary blobs stay intact) and caps them;
 * - it waits 50 ms after a process that printed nothing (most plumbing writes nothing): an empty chunk once its
 *   listeners are attached tells it output came, so it resolves on `close` like any other;
 * - it leaves stdin open without input: an empty Buffer (not '', which it skips) closes it.
 */
async function runGit(
  cwd: string,
  args: string[],
  input: string | undefined,
  env?: Record<string, string>,
): Promise<GitResult> {
  const childEnv: Record<string, string | undefined> = env ? { ...process.env, ...env } : { ...process.env };
  const out: Buffer[] = [];
  let size = 0;
  let failure: string | null = null;
  let ended: { exitCode: number | null; stdErr: Buffer[] } | null = null;
  try {
    const client = simpleGit({
      baseDir: cwd,
      allowConfig: ['*'],
      allowEnvironment: Object.keys(childEnv),
      unsafe: OUR_OWN_ARGUMENTS,
      binary: GIT_BINARY,
      input: () => (input === undefined ? NOTHING : Buffer.from(input)),
      errors: (_error, result) => {
        ended = result;
        return undefined;
      },
    });
    client.env(childEnv);
    client.outputHandler((_command, stdout) => {
      stdout.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_OUTPUT) out.push(chunk);
        else if (!failure) {
          failure = `git printed more than ${MAX_OUTPUT / 1024 / 1024} MB`;
          (stdout as Readable).destroy();
        }
      });
      queueMicrotask(() => stdout.emit('data', NOTHING));
    });
    await client.raw(['--no-optional-locks', ...args]);
  } catch (e) {
    // simple-git refused before starting git (a missing cwd, a guard): git did not run.
    failure ??= `git could not be run: ${e instanceof Error ? e.message : String(e)}`;
  }
  const result = ended as { exitCode: number | null; stdErr: Buffer[] } | null;
  let stderr = result ? Buffer.concat(result.stdErr).toString('utf8') : '';
  // A process that could not be spawned closes with a negative code, its error's stack as stderr.
  if (result && result.exitCode !== null && result.exitCode < 0 && !failure) {
    failure = `git could not be run: ${stderr.split('\n')[0]!.replace(/^Error: /, '')}`;
    stderr = '';
  }
  if (failure) return { exitCode: -1, stdout: NOTHING, stderr: stderr ? `${failure}\n${stderr}` : failure };
  return { exitCode: result?.exitCode ?? -1, stdout: Buffer.concat(out), stderr };
}

/**
 * The error for a failed git command: GitError with command, exit code and stderr, except when git refuses the
 * repository as owned by another user ("dubious ownership", safe.directory): the user fixes that, so it is
 * E_UNSAFE_REPO with the command that marks the directory safe.
 */
export function gitFailure(
  args: readonly string[],
  exitCode: number | undefined,
  stderr: string,
): GitError | EnvironmentError {
  const dubious = /detected dubious ownership in repository at '([^'\n]+)'/.exec(stderr);
  if (!dubious) return new GitError(args, exitCode, stderr);
  const dir = dubious[1]!;
  return new EnvironmentError(
    'E_UNSAFE_REPO',
    `git refuses to work in ${dir}: it belongs to another user than the one running orchestrate ("dubious ownership"). ` +
      `If you trust it, mark it safe with \`git config --global --add safe.directory ${dir}\` (or run orchestrate as its owner), then run again.`,
  );
}

/** Runs git in `cwd`; the git layer's one failure convention: throw `gitFailure` (GitError with command, exit code, stderr). */
export async function git(cwd: string, args: string[], input?: string, env?: Record<string, string>): Promise<string> {
  const result = await runGit(cwd, args, input, { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...env });
  if (result.exitCode !== 0) throw gitFailure(args, result.exitCode, result.stderr);
  return result.stdout.toString('utf8');
}

/** Runs git and returns stdout as raw bytes (for file contents). */
export async function gitBuffer(cwd: string, args: string[], input?: string): Promise<Buffer> {
  const result = await runGit(cwd, args, input, { LC_ALL: 'C' });
  if (result.exitCode !== 0) throw gitFailure(args, result.exitCode, result.stderr);
  return result.stdout;
}
