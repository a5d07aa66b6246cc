// Self-escalation survives kill -9: a run killed after the worker escalated a job (its answer journaled) and before
// the verifier model's answer resumes straight on the verifier's model, without paying the worker's call again.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeReply, type FakeRequest } from '../fake/openai-server.js';
import { CLI, parseReport, runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { docStep, fakeEnv } from './openai-script.js';

const NANO = 'gpt-5.4-nano';
const MINI = 'gpt-5.4-mini';
const FILE = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';

/** Answers the planner, the worker (nano escalates `add`, mini documents it) and the verifier (accepts). */
function answer(req: FakeRequest): FakeReply {
  const props = (req.schema?.properties ?? {}) as Record<string, any>;
  if (props.steps) return { json: { steps: [docStep()], unsupported: null } };
  if (props.rejections) return { json: { rejections: [] } };
  return {
    json: {
      summary: `Adds two numbers (${req.model}).`,
      a: 'The first.',
      b: 'The second.',
      returns: 'The sum.',
      ...(props.escalate ? { escalate: 'too-complex' } : {}),
    },
  };
}

const isWorker = (req: FakeRequest) => Boolean(req.schema?.properties?.summary);

/** Runs the CLI until the server gets the first mini worker request, then kills it with SIGKILL. */
function runUntilMini(repo: TempRepo, env: Record<string, string>, arrived: Promise<void>): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [CLI, '-C', repo.dir, '--json', '--engine', 'openai', 'add docstrings to src/math.ts'],
      { env: { ...process.env, ...env, OPENAI_AGENTS_DISABLE_TRACING: '1' }, stdio: ['ignore', 'ignore', 'ignore'] },
    );
    void arrived.then(() => child.kill('SIGKILL'));
    child.on('close', (_code, signal) => resolve(signal));
  });
}

describe('openai engine: self-escalation and resume', () => {
  it('a run killed between the escalation and the verifier model call resumes without paying the nano call again', async ({
    onTestFinished,
  }) => {
    const repo = makeRepo({ 'src/math.ts': FILE, 'agents.config.ts': "export default { planning: 'model' };\n" });
    let onMini: () => void = () => {};
    const arrived = new Promise<void>((resolve) => (onMini = resolve));
    let killing = true;
    const server = await startFakeOpenAI(async (req) => {
      if (killing && isWorker(req) && req.model === MINI) {
        killing = false;
        onMini();
        // Never answered in time: the process is killed while it waits.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      return answer(req);
    });
    onTestFinished(async () => {
      await server.close();
      repo.cleanup();
    });
    expect(await runUntilMini(repo, fakeEnv(server), arrived)).toBe('SIGKILL');
    // The grant was journaled before the mini call: the resumed process counts it against its cap from the start.
    const runs = path.join(repo.dir, '.orchestrate', 'runs');
    const journal = readFileSync(path.join(runs, readdirSync(runs)[0]!, 'journal.jsonl'), 'utf8');
    const grants = journal.split('\n').filter((l) => l.includes('"t":"escalation"'));
    expect(grants.map((l) => JSON.parse(l).reason)).toEqual(['too-complex']);
    const workersBefore = server.log.filter((e) => isWorker(e.request)).map((e) => e.request.model);
    expect(workersBefore).toEqual([NANO, MINI]);

    const resumed = await runCli(['-C', repo.dir, 'resume', '--json'], fakeEnv(server));
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const report = parseReport(resumed.stdout);
    // The nano answer came from the journal: the only new worker request is the mini one.
    const workers = server.log.filter((e) => isWorker(e.request)).map((e) => e.request.model);
    expect(workers).toEqual([NANO, MINI, MINI]);
    expect(report.replayedCalls).toBeGreaterThanOrEqual(1);
    expect(report.jobs).toEqual({ total: 1, succeeded: 1, failed: 0, skipped: 0 });
    expect(report.escalations).toEqual({ total: 1, ignored: 0, byKind: { docstring: { 'too-complex': 1 } } });
    expect(report.items[0].attempts).toEqual([
      { model: NANO, rejected: null, escalated: 'too-complex' },
      { model: MINI, rejected: null },
    ]);
    expect(repo.git('show', `${report.branch}:src/math.ts`)).toContain(`Adds two numbers (${MINI}).`);
  });
});
