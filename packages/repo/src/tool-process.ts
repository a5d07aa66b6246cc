import { spawn } from 'node:child_process';

/** One run of a repository's tool (formatter, test runner, typechecker) in a child process. */
export interface ToolRun {
  /** The executable: an absolute path (the repository's `node_modules/.bin/<tool>`, or `process.execPath`). */
  command: string;
  args: string[];
  cwd: string;
  /** Written to the tool's stdin, then stdin is closed; stdin is empty when absent. */
  input?: string;
  /** The whole process group is killed when this is reached. */
  timeoutMs: number;
  /** Bytes of stdout kept; past it the tool is killed and the run counts as failed (`truncated`). */
  maxOutputBytes: number;
  env?: NodeJS.ProcessEnv;
  /** How reasons name the command (e.g. `prettier --stdin-filepath a.ts`); defaults to command and args. */
  label?: string;
}

/** What a tool run produced. Never thrown: a tool that cannot start, crashes or hangs is a result, not an exception. */
export interface ToolResult {
  label: string;
  /** Null when the process was killed by a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** At most the first 64 KB of stderr. */
  stderr: string;
  timedOut: boolean;
  /** stdout passed `maxOutputBytes` and the tool was killed. */
  truncated: boolean;
  /** Why the process could not be started (`ENOENT`, `EACCES` …), else null. */
  spawnError: string | null;
}

const STDERR_CAP = 64 * 1024;

/**
 * Runs a tool of the repository in its own process group with a timeout and an output cap, and resolves with what
 * happened. The only place orchestrate starts a repository's tool (issue #13 moves this onto execa: one change here).
 */
export function runTool(run: ToolRun): Promise<ToolResult> {
  const label = run.label ?? [run.command, ...run.args].join(' ');
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    let truncated = false;
    let spawnError: string | null = null;
    let child;
    try {
      // detached: its own process group, so a timeout also ends what the tool started (workers, plugins' helpers).
      child = spawn(run.command, run.args, { cwd: run.cwd, env: run.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    } catch (e) {
      resolve({ label, exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, truncated: false, spawnError: String((e as Error).message) });
      return;
    }
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, run.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (truncated) return;
      outBytes += chunk.length;
      if (outBytes > run.maxOutputBytes) {
        truncated = true;
        kill();
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errBytes >= STDERR_CAP) return;
      errBytes += chunk.length;
      err.push(chunk);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e.code ? `${e.code}: ${e.message}` : e.message;
    });
    // A tool that exits without reading its stdin closes the pipe: that is its exit to report, not an EPIPE to throw.
    child.stdin.on('error', () => undefined);
    child.stdin.end(run.input ?? '');
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        label,
        exitCode: code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8').slice(0, STDERR_CAP),
        timedOut,
        truncated,
        spawnError,
      });
    });
  });
}

/** Whether the tool ran to the end and exited 0. */
export function toolSucceeded(result: ToolResult): boolean {
  return result.exitCode === 0 && !result.timedOut && !result.truncated && !result.spawnError;
}

/**
 * A failed run as one reason line for a report: the command, how it ended (exit code, signal, timeout, output cap, could
 * not start) and the first lines of what it printed.
 */
export function describeToolFailure(result: ToolResult, timeoutMs?: number): string {
  const how = result.spawnError
    ? `could not be started (${result.spawnError})`
    : result.timedOut
    ? `timed out${timeoutMs ? ` after ${Math.round(timeoutMs / 1000)} s` : ''} and was killed`
    : result.truncated
    ? 'printed more than its output cap and was killed'
    : result.exitCode === null
    ? `was killed by ${result.signal ?? 'a signal'}`
    : `exited with code ${result.exitCode}`;
  const head = firstLines(result.stderr.trim() || result.stdout.trim());
  return `\`${result.label}\` ${how}${head ? `: ${head}` : ''}`;
}

/** The first `n` non-empty lines of a tool's output, joined by ` | ` and cut to `max` characters. */
export function firstLines(text: string, n = 5, max = 600): string {
  const lines = text
    .split(/\r\n|\n|\r/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim());
  const joined = lines.slice(0, n).join(' | ');
  return joined.length > max ? `${joined.slice(0, max - 1)}…` : joined;
}
