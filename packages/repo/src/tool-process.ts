import { execa } from 'execa';

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

/** Process groups of tools still running: killed when orchestrate exits (execa's `cleanup` skips detached ones). */
const running = new Set<number>();
let exitHookInstalled = false;

/** SIGKILLs the process group `pid` leads; false when it is gone already. */
export function killProcessGroup(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/** Tracks a tool's process group until `done` settles, so an exiting orchestrate does not leave it running. */
export function trackProcessGroup(pid: number | undefined, done: Promise<unknown>): void {
  if (pid === undefined) return;
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const group of running) killProcessGroup(group);
    });
  }
  running.add(pid);
  void done.finally(() => running.delete(pid));
}

/**
 * Runs a tool of the repository through execa in its own process group (`detached`) with a timeout and an output cap,
 * and resolves with what happened. The only place orchestrate starts a repository's formatter. On the deadline the
 * whole group is SIGKILLed (execa's own `timeout` would end the tool but not what it started, whose open pipes would
 * then keep the run waiting), and execa's `cancelSignal` settles the run as cancelled. stdout is capped by execa's
 * `maxBuffer` (bytes: the output is read as a Buffer and decoded once); stderr only keeps its first 64 KB, as a tool
 * that writes much to stderr is not failed for it.
 */
export async function runTool(run: ToolRun): Promise<ToolResult> {
  const label = run.label ?? [run.command, ...run.args].join(' ');
  const controller = new AbortController();
  let timedOut = false;
  let subprocess: ReturnType<typeof startTool>;
  try {
    subprocess = startTool(run, controller.signal);
  } catch (e) {
    const spawnError = e instanceof Error ? e.message : String(e);
    return { label, exitCode: null, signal: null, stdout: '', stderr: '', timedOut, truncated: false, spawnError };
  }
  const err: Buffer[] = [];
  let errBytes = 0;
  subprocess.stderr?.on('data', (chunk: Buffer) => {
    if (errBytes >= STDERR_CAP) return;
    errBytes += chunk.length;
    err.push(chunk);
  });
  const timer = setTimeout(() => {
    timedOut = true;
    killProcessGroup(subprocess.pid);
    controller.abort();
  }, run.timeoutMs);
  trackProcessGroup(subprocess.pid, subprocess);
  // What the tool started (a worker that outlived it) ends with it: it would hold the pipes open and the run waiting.
  subprocess.once('exit', () => killProcessGroup(subprocess.pid));
  const result = await subprocess;
  clearTimeout(timer);
  const started = result.exitCode !== undefined || result.signal !== undefined || timedOut;
  const cause = result.cause as NodeJS.ErrnoException | undefined;
  const why = cause?.code ? `${cause.code}: ${cause.message}` : (cause?.message ?? result.shortMessage ?? '?');
  return {
    label,
    exitCode: result.exitCode ?? null,
    signal: (result.signal as NodeJS.Signals | undefined) ?? null,
    stdout: bytesToText(result.stdout),
    stderr: Buffer.concat(err).toString('utf8').slice(0, STDERR_CAP),
    timedOut,
    truncated: result.isMaxBuffer === true,
    spawnError: started ? null : why,
  };
}

function bytesToText(bytes: Uint8Array | undefined): string {
  return bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') : '';
}

/** The execa call: stdin from `input`, stdout kept as bytes up to the cap, stderr streamed to `runTool`. */
function startTool(run: ToolRun, cancelSignal: AbortSignal) {
  return execa(run.command, run.args, {
    cwd: run.cwd,
    env: run.env ?? process.env,
    extendEnv: false,
    input: run.input ?? '',
    encoding: 'buffer',
    buffer: { stdout: true, stderr: false },
    maxBuffer: { stdout: run.maxOutputBytes },
    stripFinalNewline: false,
    // Its own process group, so the deadline also ends what the tool started (workers, plugins' helpers).
    detached: true,
    cancelSignal,
    killSignal: 'SIGKILL',
    reject: false,
    windowsHide: true,
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
