// End-to-end: `orchestrate exec --json` on the real CLI. stdout holds only event lines, each valid against the shipped
// JSON Schema (packages/core/schema/run-events.schema.json) and its strict form; the first is run.started (or error)
// and the last run.completed or error; the exit code mirrors the run; the user's tree is untouched.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EventLine } from '@orchestrate/core';
import { startFakeOpenAI } from '../fake/openai-server.js';
import { CLI, runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { docStep, fakeEnv, MATH_TS, onePerCall, roleOf, runBranches, scripted, type Script } from './openai-script.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHIPPED = JSON.parse(
  readFileSync(path.join(ROOT, 'packages', 'core', 'schema', 'run-events.schema.json'), 'utf8'),
) as object;
function compile(schema: object) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}
const shipped = compile(SHIPPED);
const strict = compile(z.toJSONSchema(EventLine, { target: 'draft-2020-12', io: 'output' }) as object);

type Line = Record<string, any> & { type: string; seq: number; run_id: string | null };

/** Parses stdout as event lines and checks what every run's lines must hold. */
function linesOf(stdout: string): Line[] {
  // runCli (execa) strips the last line break; every line in between must be one JSON object.
  const lines = stdout.split('\n').map((text) => JSON.parse(text) as Line);
  for (const line of lines) {
    expect(shipped(line), `${line.type}: ${JSON.stringify(shipped.errors)}`).toBe(true);
    expect(strict(line), `${line.type} (strict): ${JSON.stringify(strict.errors)}`).toBe(true);
  }
  expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i));
  expect(['run.started', 'error']).toContain(lines[0]!.type);
  expect(['run.completed', 'error']).toContain(lines.at(-1)!.type);
  const ids = new Set(lines.map((l) => l.run_id));
  expect(ids.size).toBe(1);
  return lines;
}

/** Whether the engine sends the events issue 15's part 1 adds (run-start's models, job-start's model, ...). */
const fullEvents = (lines: Line[]) => lines[0]!.models !== null;

/** Runs `orchestrate exec --json` on a fresh repository (with the fake server when a script is given). */
async function execRun(
  options: { files?: Record<string, string>; script?: Script; flags?: string[]; task?: string },
  onFinished: (fn: () => void | Promise<void>) => void,
): Promise<{ repo: TempRepo; exitCode: number; lines: Line[]; stderr: string }> {
  const repo = makeRepo(onePerCall(options.files ?? { 'src/math.ts': MATH_TS }));
  const server = options.script ? await startFakeOpenAI(scripted(options.script)) : null;
  onFinished(async () => {
    await server?.close();
    repo.cleanup();
  });
  const before = repo.snapshot();
  // With a server the scripted planner answer is the plan: --planning model (auto would let the rules plan it).
  const engine = server ? ['--engine', 'openai', '--planning', 'model'] : ['--engine', 'offline'];
  const args = ['exec', '--json', '-C', repo.dir, ...engine, ...(options.flags ?? [])];
  const result = await runCli(
    [...args, options.task ?? 'add docstrings to src/math.ts'],
    server ? fakeEnv(server) : {},
  );
  expect(repo.snapshot(), "the user's tree").toBe(before);
  return { repo, exitCode: result.exitCode, lines: linesOf(result.stdout), stderr: result.stderr };
}

describe('orchestrate exec --json', () => {
  it('an offline docstring run: run.started … run.completed, progress on stderr, exit 0', async ({
    onTestFinished,
  }) => {
    // The repository's config runs in process: what it prints must not reach stdout.
    const config = "console.log('hello from the config');\nexport default {};\n";
    const files = { 'src/math.ts': MATH_TS, 'agents.config.ts': config };
    const { repo, exitCode, lines, stderr } = await execRun({ files }, onTestFinished);
    expect(exitCode, stderr).toBe(0);
    expect(stderr).toContain('hello from the config');
    const started = lines[0]!;
    expect(started).toMatchObject({ type: 'run.started', schema: 'orchestrate.events/1', engine: 'offline' });
    expect(started.branch).toBe(`orchestrate/${started.run_id}`);
    const plan = lines.find((l) => l.type === 'plan.completed')!;
    expect(plan).toMatchObject({ source: 'offline', jobs_total: 3, jobs_truncated: false });
    expect(lines.filter((l) => l.type === 'job.completed')).toHaveLength(3);
    const done = lines.at(-1)!;
    expect(done).toMatchObject({ type: 'run.completed', status: 'completed', exit_code: 0, total_cost_usd: 0 });
    expect(done.report_path).toBe(path.join(repo.dir, '.orchestrate', 'runs', started.run_id!, 'report.json'));
    expect(JSON.parse(readFileSync(done.report_path as string, 'utf8')).id).toBe(started.run_id);
    expect(done.commits).toHaveLength(1);
    expect(runBranches(repo)).toEqual([started.branch]);
    if (fullEvents(lines)) {
      const commits = lines
        .filter((l) => l.type === 'commit.created')
        .map(({ sha, step_id, subject, jobs, files }) => ({
          sha,
          step_id,
          subject,
          jobs,
          files,
        }));
      expect(commits).toEqual(done.commits);
    }
    // stdout is only lines; the progress is stderr's.
    expect(stderr).toContain('orchestrate: work');
  });

  it('openai on the fake server: every job started and completed, usage per model, exit 0', async ({
    onTestFinished,
  }) => {
    const { exitCode, lines, stderr } = await execRun({ script: {} }, onTestFinished);
    expect(exitCode, stderr).toBe(0);
    expect(lines[0]).toMatchObject({ engine: 'openai', dirty: false });
    const plan = lines.find((l) => l.type === 'plan.completed')!;
    expect(plan.source).toBe('gpt-5.4');
    expect(plan.steps).toEqual([
      { id: expect.any(String), kind: 'docstring', variant: null, paths: ['src/math.ts'], instructions: '' },
    ]);
    const ended = lines.filter((l) => l.type === 'job.completed');
    expect(ended.map((l) => l.symbol).sort()).toEqual(['add', 'clamp', 'divide']);
    const done = lines.at(-1)!;
    expect(done).toMatchObject({ status: 'completed', exit_code: 0, jobs: { total: 3, succeeded: 3, failed: 0 } });
    expect(Object.keys(done.usage).sort()).toEqual(['gpt-5.4', 'gpt-5.4-mini', 'gpt-5.4-nano']);
    expect(done.total_cost_usd).toBeGreaterThan(0);
    if (fullEvents(lines)) {
      for (const l of ended) expect(l.model).toBe('gpt-5.4-nano');
      expect(lines.filter((l) => l.type === 'job.started').every((l) => l.attempt === 1)).toBe(true);
    }
  });

  it('a budget stop: budget-exceeded and exit 1 (with budget.reached once the engine sends it)', async ({
    onTestFinished,
  }) => {
    const many = Array.from(
      { length: 12 },
      (_, i) => `export function f${i}(x: number): number {\n  return x + ${i};\n}\n`,
    );
    const budget = 0.0714;
    const { exitCode, lines, stderr } = await execRun(
      {
        files: { 'src/math.ts': many.join('\n') },
        flags: ['--budget', String(budget)],
        script: {
          usage: {
            planner: { input: 100, cached: 0, output: 3900 },
            worker: { input: 100, cached: 0, output: 800 },
            // No more output than a verifier call's cap allows (a real API never serves more): 105 for one item.
            verifier: { input: 300, cached: 0, output: 100 },
          },
        },
      },
      onTestFinished,
    );
    expect(exitCode, stderr).toBe(1);
    const done = lines.at(-1)!;
    expect(done).toMatchObject({ type: 'run.completed', status: 'budget-exceeded', exit_code: 1, budget_usd: budget });
    expect(done.total_cost_usd).toBeLessThanOrEqual(budget);
    if (fullEvents(lines)) {
      const reached = lines.filter((l) => l.type === 'budget.reached');
      expect(reached).toHaveLength(1);
      expect(reached[0]!.budget_usd).toBe(budget);
    }
  });

  it('a verifier rejection: job.failed with the reason, completed-with-failures, exit 1', async ({
    onTestFinished,
  }) => {
    const script: Script = { steps: [docStep()], accept: (symbol) => symbol !== 'divide' };
    const { exitCode, lines, stderr } = await execRun({ script }, onTestFinished);
    expect(exitCode, stderr).toBe(1);
    const failed = lines.filter((l) => l.type === 'job.failed');
    expect(failed.map((l) => l.symbol)).toEqual(['divide']);
    expect(failed[0]).toMatchObject({ status: 'failed', file: 'src/math.ts' });
    expect(failed[0]!.reason).toEqual(expect.any(String));
    const done = lines.at(-1)!;
    expect(done).toMatchObject({ status: 'completed-with-failures', exit_code: 1, jobs: { succeeded: 2, failed: 1 } });
  });

  it('not a repository: one error line with no run id, exit 2', async () => {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'orch-test-')));
    try {
      const result = await runCli(['exec', '--json', '-C', dir, 'add docstrings']);
      expect(result.exitCode).toBe(2);
      const lines = linesOf(result.stdout);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ type: 'error', run_id: null, seq: 0, code: 'E_NOT_GIT_REPO', exit_code: 2 });
      expect(result.stderr).toContain('E_NOT_GIT_REPO');
      expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a usage error commander finds is one error line too (--jsonl), exit 2; --schema prints the shipped schema', async () => {
    const bad = await runCli(['exec', '--jsonl', '--budget', 'lots', 'add docstrings']);
    expect(bad.exitCode).toBe(2);
    const [line, ...rest] = linesOf(bad.stdout);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ type: 'error', code: 'E_USAGE', exit_code: 2 });
    expect(line!.message).toContain('--budget');
    const schema = await runCli(['exec', '--schema']);
    expect(schema.exitCode).toBe(0);
    expect(JSON.parse(schema.stdout)).toEqual(SHIPPED);
  });
});

/**
 * Runs exec on the fake server with every worker call held until `release`; `presses` Ctrl-Cs are sent, each once the
 * CLI has shown it is where the test needs it (a worker call in flight, then "stopping"): no timing.
 */
async function interrupted(presses: 1 | 2, onFinished: (fn: () => void | Promise<void>) => void) {
  const repo = makeRepo(onePerCall({ 'src/math.ts': MATH_TS }));
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const answer = scripted();
  let workerCalls = 0;
  const server = await startFakeOpenAI(async (req) => {
    if (roleOf(req) === 'worker') {
      workerCalls++;
      await held;
    }
    return answer(req);
  });
  onFinished(async () => {
    release();
    await server.close();
    repo.cleanup();
  });
  const before = repo.snapshot();
  const args = [CLI, 'exec', '--json', '-C', repo.dir, '--engine', 'openai', 'add docstrings to src/math.ts'];
  const child = spawn(process.execPath, args, {
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
    if (sent === 0 && workerCalls > 0 && stdout.includes('"job.started"')) {
      sent = 1;
      child.kill('SIGINT');
    } else if (sent === 1 && stderr.includes('orchestrate: stopping')) {
      sent = 2;
      if (presses === 2) child.kill('SIGINT');
      else release();
    }
  }, 20);
  const code = await exited;
  clearInterval(poll);
  expect(repo.snapshot(), "the user's tree").toBe(before);
  return { code, stderr, lines: linesOf(stdout.replace(/\n$/, '')) };
}

describe('orchestrate exec --json and Ctrl-C', () => {
  it('once: the lines go on to run.completed (interrupted), exit 130', async ({ onTestFinished }) => {
    const { code, stderr, lines } = await interrupted(1, onTestFinished);
    expect(code, stderr).toBe(130);
    expect(lines.at(-1)).toMatchObject({ type: 'run.completed', status: 'interrupted', exit_code: 130 });
  });

  it('twice: the last line is the E_INTERRUPTED error naming how to resume, exit 130', async ({ onTestFinished }) => {
    const { code, stderr, lines } = await interrupted(2, onTestFinished);
    expect(code, stderr).toBe(130);
    const last = lines.at(-1)!;
    expect(last).toMatchObject({ type: 'error', code: 'E_INTERRUPTED', exit_code: 130 });
    expect(last.resume).toBe(`orchestrate resume ${lines[0]!.run_id}`);
    expect(lines.filter((l) => l.type === 'error')).toHaveLength(1);
  });
});
