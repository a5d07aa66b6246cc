// Runs the real CLI as a child process and measures it from outside: wall time, and CPU and peak RSS of the process
// tree from GNU time when it works here.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The real CLI's entry point. */
export const CLI = path.join(ROOT, 'apps', 'cli', 'bin', 'orchestrate.js');

/** GNU time with -v works here (it reports the CPU and peak RSS of the process it waited for, children included). */
export const TIME = (() => {
  if (!existsSync('/usr/bin/time')) return null;
  const probe = spawnSync('/usr/bin/time', ['-v', 'true'], { encoding: 'utf8' });
  return probe.status === 0 && /Maximum resident set size/.test(probe.stderr) ? '/usr/bin/time' : null;
})();

export interface Measured {
  exitCode: number;
  stdout: string;
  stderr: string;
  wallMs: number;
  startedAt: number;
  cpuMs: number | null;
  peakRssMb: number | null;
}

/**
 * CPU ms (user + system, its waited-for children included) that the CLI's node process has used so far, from /proc;
 * null where there is no /proc. `pid` is the spawned process: under GNU time, node is its only child.
 */
export function cpuSoFar(pid: number): number | null {
  try {
    let node = pid;
    if (TIME) {
      const child = Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]);
      if (!Number.isInteger(child) || child <= 0) return null;
      node = child;
    }
    // The fields after the command name (which is in parentheses and may hold spaces): utime is the 12th of them.
    const stat = readFileSync(`/proc/${node}/stat`, 'utf8');
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const ticks = fields[11]! + fields[12]! + fields[13]! + fields[14]!;
    return Number.isFinite(ticks) ? Math.round((ticks * 1000) / CLOCK_TICKS) : null;
  } catch {
    return null;
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const CLOCK_TICKS = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return r.status === 0 && Number.isFinite(n) && n > 0 ? n : 100;
})();

/** Runs the real CLI (under `/usr/bin/time -v` when it works) and measures it from outside; `onSpawn` gets its pid. */
export function runCliMeasured(
  args: string[],
  env: Record<string, string | undefined>,
  onSpawn?: (pid: number) => void,
): Promise<Measured> {
  // BENCH_NODE_FLAGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) go to the CLI's node, for profiling a scenario.
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const [cmd, argv] = TIME
    ? [TIME, ['-v', process.execPath, ...flags, CLI, ...args]]
    : [process.execPath, [...flags, CLI, ...args]];
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, OPENAI_AGENTS_DISABLE_TRACING: '1', ...env }))
    if (v !== undefined) childEnv[k] = v;
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
    if (child.pid !== undefined) onSpawn?.(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - startedAt;
      let stderr = Buffer.concat(err).toString('utf8');
      let cpuMs: number | null = null;
      let peakRssMb: number | null = null;
      if (TIME) {
        const at = stderr.lastIndexOf('\tCommand being timed:');
        const stats = at >= 0 ? stderr.slice(at) : '';
        stderr = at >= 0 ? stderr.slice(0, at).replace(/Command exited with non-zero status \d+\n$/, '') : stderr;
        const field = (name: string) => Number(new RegExp(`${name}[^:]*: ([\\d.]+)`).exec(stats)?.[1] ?? NaN);
        const user = field('User time');
        const sys = field('System time');
        const rss = field('Maximum resident set size');
        if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = Math.round((user + sys) * 1000);
        if (Number.isFinite(rss)) peakRssMb = Math.round(rss / 1024);
      }
      resolve({
        exitCode: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr,
        wallMs,
        startedAt,
        cpuMs,
        peakRssMb,
      });
    });
  });
}
