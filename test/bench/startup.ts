// Start-up as a user feels it: wall time from spawn to exit of `orchestrate --version` and `orchestrate --help`, beside
// a bare `node -e 0` on the same machine at the same moment (the runs interleave, so a busy machine slows all three).
import { spawn } from 'node:child_process';
import { CLI, TIME } from './measure.js';

/** Median wall (and CPU, from GNU time when it works here) of one command over the runs. */
export interface StartupFigure {
  wallMs: number;
  cpuMs: number | null;
  runs: number;
}

/** The start-up figures: `node -e 0`, `orchestrate --version`, `orchestrate --help`. */
export interface Startup {
  nodeMs: StartupFigure;
  versionMs: StartupFigure;
  helpMs: StartupFigure;
}

/** Runs `node <args>` once with its output discarded: wall ms from spawn to exit, and CPU ms of the process tree. */
function once(args: string[]): Promise<{ wallMs: number; cpuMs: number | null }> {
  const [cmd, argv] = TIME ? [TIME, ['-f', '%U %S', process.execPath, ...args]] : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, argv, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, OPENAI_AGENTS_DISABLE_TRACING: '1' },
    });
    const err: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`));
      const m = TIME ? /([\d.]+) ([\d.]+)\s*$/.exec(stderr) : null;
      resolve({ wallMs, cpuMs: m ? Math.round((Number(m[1]) + Number(m[2])) * 1000) : null });
    });
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Measures the three commands `runs` times each, interleaved, after one untimed run of each (the CLI builds its bundles
 * and writes its code caches on a first start). Medians: one slow start on a shared machine does not decide.
 */
export async function measureStartup(runs: number): Promise<Startup> {
  const commands = { nodeMs: ['-e', '0'], versionMs: [CLI, '--version'], helpMs: [CLI, '--help'] } as const;
  const keys = Object.keys(commands) as Array<keyof typeof commands>;
  for (const key of keys) await once([...commands[key]]);
  const seen = Object.fromEntries(
    keys.map((k) => [k, [] as Array<{ wallMs: number; cpuMs: number | null }>]),
  ) as Record<keyof typeof commands, Array<{ wallMs: number; cpuMs: number | null }>>;
  for (let i = 0; i < runs; i++) for (const key of keys) seen[key].push(await once([...commands[key]]));
  const figure = (list: Array<{ wallMs: number; cpuMs: number | null }>): StartupFigure => {
    const cpu = list.map((r) => r.cpuMs).filter((c): c is number => c !== null);
    return {
      wallMs: Math.round(median(list.map((r) => r.wallMs))),
      cpuMs: cpu.length ? Math.round(median(cpu)) : null,
      runs,
    };
  };
  return { nodeMs: figure(seen.nodeMs), versionMs: figure(seen.versionMs), helpMs: figure(seen.helpMs) };
}
