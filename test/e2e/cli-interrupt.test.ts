// End-to-end: a --json run always ends with one JSON document on stdout, even when a second Ctrl-C aborts it while
// model calls are in flight (issue #12, section 3). The fake server holds every worker call until the test ends.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fake/openai-server.js';
import { CLI } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { fakeEnv, MATH_TS, onePerCall, roleOf, scripted } from './openai-script.js';

let repo: TempRepo | undefined;
let server: FakeServer | undefined;
let release: () => void = () => {};
afterEach(async () => {
  release();
  await server?.close();
  repo?.cleanup();
  server = undefined;
  repo = undefined;
});

/** Runs the CLI with `args`, sends Ctrl-C twice once a held worker call is in flight; its exit code and stdout. */
async function interruptTwice(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const held = new Promise<void>((resolve) => (release = resolve));
  const answer = scripted();
  let workerCalls = 0;
  server = await startFakeOpenAI(async (req) => {
    if (roleOf(req) === 'worker') {
      workerCalls++;
      await held;
    }
    return answer(req);
  });
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...fakeEnv(server), OPENAI_AGENTS_DISABLE_TRACING: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let sent = 0;
  const poll = setInterval(() => {
    if (sent === 0 && workerCalls > 0) {
      sent = 1;
      child.kill('SIGINT');
    } else if (sent === 1 && stderr.includes('orchestrate: stopping')) {
      sent = 2;
      child.kill('SIGINT');
    }
  }, 20);
  const code = await exited;
  clearInterval(poll);
  return { code, stdout, stderr };
}

describe('Ctrl-C twice with --json', () => {
  it('`orchestrate review --json` too ends with the E_INTERRUPTED document and exits 130', async () => {
    repo = makeRepo(onePerCall({ 'src/math.ts': MATH_TS }));
    repo.write('src/math.ts', `${MATH_TS}export const same = (v: number): boolean => v == 1;\n`);
    const { code, stdout, stderr } = await interruptTwice(['review', '-C', repo.dir, '--json', '--engine', 'openai']);
    expect(code, stderr).toBe(130);
    expect((JSON.parse(stdout) as { error: { code: string } }).error.code).toBe('E_INTERRUPTED');
  });

  it('prints the E_INTERRUPTED error naming the run and how to resume it, and exits 130', async () => {
    repo = makeRepo(onePerCall({ 'src/math.ts': MATH_TS }));
    const held = new Promise<void>((resolve) => (release = resolve));
    const answer = scripted();
    let workerCalls = 0;
    server = await startFakeOpenAI(async (req) => {
      if (roleOf(req) === 'worker') {
        workerCalls++;
        await held;
      }
      return answer(req);
    });
    const child = spawn(
      process.execPath,
      [CLI, '-C', repo.dir, '--json', '--engine', 'openai', 'add docstrings to src/math.ts'],
      {
        env: { ...process.env, ...fakeEnv(server), OPENAI_AGENTS_DISABLE_TRACING: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Each signal is sent once the CLI has shown it is where the test needs it: no timing.
    let sent = 0;
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (sent === 0 && workerCalls > 0 && /orchestrate: \d+ jobs/.test(stderr)) {
          sent = 1;
          child.kill('SIGINT');
        } else if (sent === 1 && stderr.includes('orchestrate: stopping')) {
          sent = 2;
          child.kill('SIGINT');
          resolve();
        }
      });
      // The worker call may arrive after the "jobs" line: look again when it does.
      const poll = setInterval(() => {
        if (sent === 0 && workerCalls > 0 && /orchestrate: \d+ jobs/.test(stderr)) {
          sent = 1;
          child.kill('SIGINT');
        }
        if (sent === 2) clearInterval(poll);
      }, 20);
    });
    const code = await exited;
    expect(code, stderr).toBe(130);
    const doc = JSON.parse(stdout) as { error: { code: string; message: string; runId: string; resume: string } };
    expect(doc.error.code).toBe('E_INTERRUPTED');
    expect(doc.error.runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(doc.error.resume).toBe(`orchestrate resume ${doc.error.runId}`);
  });
});
