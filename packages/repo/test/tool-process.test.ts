import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runTool, type ToolRun } from '../src/index.js';

const node = process.execPath;
const cleanups: string[] = [];
afterEach(() => {
  for (const d of cleanups.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Whether process `pid` still runs (a zombie nobody reaped yet does not: it is dead). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
}

/** Whether `pid` is gone, asked until it is (a SIGKILL is delivered asynchronously) or 100 times. */
async function ended(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (!running(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

/**
 * A tool script that starts a grandchild sharing its stdout and stderr (it sleeps for an hour and writes its pid to
 * `pidFile`), then runs `then`.
 */
function withGrandchild(pidFile: string, then: string): string {
  const file = JSON.stringify(pidFile);
  const sleeper = `require("fs").writeFileSync(${file}, String(process.pid)); setTimeout(() => {}, 3600e3)`;
  return [
    `require("child_process").spawn(process.execPath, ["-e", ${JSON.stringify(sleeper)}], { stdio: "inherit" });`,
    `const wait = () => { try { require("fs").readFileSync(${file}); } catch { return setTimeout(wait, 5); }`,
    `${then} };`,
    'wait();',
  ].join('\n');
}

/** A run of `node -e script` in `cwd`. */
function nodeTool(script: string, options: Partial<Omit<ToolRun, 'command' | 'args'>> = {}) {
  const { cwd = tmpdir(), timeoutMs = 30_000, maxOutputBytes = 1000, input } = options;
  return runTool({ command: node, args: ['-e', script], cwd, input, timeoutMs, maxOutputBytes });
}

describe('runTool through execa', () => {
  it('hands stdin to the tool and its stdout back byte for byte, final newline included', async () => {
    const script = 'process.stdin.pipe(process.stdout)';
    const text = 'héllo ✓\nwörld\n\n';
    const result = await nodeTool(script, { input: text });
    expect(result).toMatchObject({ exitCode: 0, signal: null, stdout: text, timedOut: false, truncated: false });
    expect(result.spawnError).toBeNull();
  });

  it('counts the output cap in bytes, not characters', async () => {
    // 60 three-byte characters are 180 bytes: over a cap of 100 bytes, though only 60 characters.
    const result = await nodeTool('process.stdout.write("✓".repeat(60))', { maxOutputBytes: 100 });
    expect(result.truncated).toBe(true);
  });

  it('keeps the first 64 KB of stderr and does not fail a tool for printing much there', async () => {
    const script = 'process.stderr.write("e".repeat(200000)); process.stdout.write("ok")';
    const result = await nodeTool(script);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'ok', truncated: false, timedOut: false });
    expect(result.stderr.length).toBe(64 * 1024);
  });

  it('on its timeout kills the whole process group: what the tool started does not keep the run waiting', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tool-process-'));
    cleanups.push(dir);
    const pidFile = path.join(dir, 'pid');
    const hangs = 'setInterval(() => {}, 1000)';
    const result = await nodeTool(withGrandchild(pidFile, hangs), { cwd: dir, timeoutMs: 1500 });
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
    expect(await ended(Number(readFileSync(pidFile, 'utf8')))).toBe(true);
  });

  it('a tool that exits while something it started holds its pipes open is done when it exits', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tool-process-'));
    cleanups.push(dir);
    const pidFile = path.join(dir, 'pid');
    const exits = 'process.stdout.write("done"); process.exit(0)';
    const result = await nodeTool(withGrandchild(pidFile, exits), { cwd: dir, timeoutMs: 600_000 });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'done', timedOut: false });
    expect(await ended(Number(readFileSync(pidFile, 'utf8')))).toBe(true);
  });
});
