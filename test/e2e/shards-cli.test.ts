// `orchestrate plan --shards N` and `orchestrate run --plan … --shard i/N --out dir` through the real CLI: the plan
// file on stdout, bundles, usage errors, and a shard killed mid-way then finished by the same command, paying nothing
// twice (the fake OpenAI server's log against the journal).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseJournal, type AnswerRecord } from '../../packages/engine/src/runs/journal-format.js';
import { callKey } from '../../packages/engine/src/runs/journal.js';
import { startFakeOpenAI, type FakeLogEntry, type FakeServer } from '../fake/openai-server.js';
import { CLI, runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { docStep, fakeEnv, inputText, roleOf, scripted, verifierSymbols } from './openai-script.js';

const fn = (file: number, i: number) =>
  `export function f${file}_${i}(x: number): number {\n  return x * ${i + 1};\n}\n`;
const FILES: Record<string, string> = {
  'agents.config.ts': 'export default { concurrency: 2, verifyBatchSize: 2, packing: { maxJobs: 1 } };\n',
};
for (let f = 0; f < 6; f++) FILES[`src/m${f}.ts`] = [0, 1, 2].map((i) => fn(f, i)).join('\n');
const TASK = 'add docstrings to src/';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
const servers: FakeServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

function setUp(): { repo: TempRepo; dir: string } {
  const repo = makeRepo(FILES);
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'orch-shards-')));
  cleanups.push(
    () => repo.cleanup(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  return { repo, dir };
}

/** The journal keys (without the occurrence) a served request could have had, for each validation mode. */
function keysOf(e: FakeLogEntry): string[] {
  const body = e.request.body as Record<string, any>;
  const base = {
    role: roleOf(e.request),
    model: e.request.model,
    instructions: String(body.instructions ?? ''),
    input: inputText(e.request),
  };
  const maxOutputTokens = Number(body.max_output_tokens ?? body.max_tokens ?? body.max_completion_tokens);
  return (['whole', 'parts'] as const).map((validate) =>
    callKey({ ...base, validate, maxOutputTokens, schema: undefined as never, cacheKey: '' }),
  );
}

let arrivals = 0;
async function startServer(): Promise<FakeServer> {
  const answer = scripted({ steps: [docStep({ paths: ['src/'] })] });
  arrivals = 0;
  const server = await startFakeOpenAI(
    (req) => {
      arrivals++;
      return answer(req);
    },
    { latency: () => 150 },
  );
  servers.push(server);
  return server;
}

describe('orchestrate plan / run --shard', () => {
  it('plan --json prints the plan file it writes; run --shard writes a bundle', async () => {
    const { repo, dir } = setUp();
    const planFile = path.join(dir, 'plan.json');
    const planned = await runCli(['plan', TASK, '--shards', '3', '-C', repo.dir, '--out', planFile, '--json']);
    expect(planned.exitCode, planned.stderr).toBe(0);
    const plan = JSON.parse(planned.stdout) as Record<string, any>;
    expect(JSON.parse(readFileSync(planFile, 'utf8'))).toEqual(plan);
    expect(plan.matrix.include).toEqual([{ shard: '1/3' }, { shard: '2/3' }, { shard: '3/3' }]);
    const out = path.join(dir, 'shard-2');
    const ran = await runCli(['run', '--plan', planFile, '--shard', '2/3', '--out', out, '-C', repo.dir, '--json']);
    expect(ran.exitCode, ran.stderr).toBe(0);
    const { bundle, report, how } = JSON.parse(ran.stdout) as Record<string, any>;
    expect(how).toBe('new');
    expect(report.jobs.total).toBe(plan.shards[1].jobs);
    expect(JSON.parse(readFileSync(path.join(out, 'bundle.json'), 'utf8'))).toEqual(bundle);
    expect(existsSync(path.join(out, bundle.steps[0].patch))).toBe(true);
  });

  it('refuses --shard 0/3, 4/3, x, and a shard count the plan does not have, with E_USAGE (exit 2)', async () => {
    const { repo, dir } = setUp();
    const planFile = path.join(dir, 'plan.json');
    expect((await runCli(['plan', TASK, '--shards', '3', '-C', repo.dir, '--out', planFile])).exitCode).toBe(0);
    for (const shard of ['0/3', '4/3', 'x', '1/4']) {
      const r = await runCli(['run', '--plan', planFile, '--shard', shard, '--out', dir, '-C', repo.dir, '--json']);
      expect(r.exitCode, shard).toBe(2);
      expect(JSON.parse(r.stdout).error.code, shard).toBe('E_USAGE');
    }
    for (const shards of ['0', '257', 'two']) {
      const r = await runCli(['plan', TASK, '--shards', shards, '-C', repo.dir, '--out', planFile, '--json']);
      expect(r.exitCode, shards).toBe(2);
      expect(JSON.parse(r.stdout).error.code, shards).toBe('E_USAGE');
    }
  });

  const finishers = [
    { by: 'the same command', resume: false },
    { by: '`orchestrate resume <id>` (its saved plan), then the same command for the bundle', resume: true },
  ];
  for (const { by, resume } of finishers) {
    it(`a shard killed mid-way (SIGKILL) is finished by ${by}, paying nothing twice`, async () => {
      const { repo, dir } = setUp();
      const server = await startServer();
      const env = fakeEnv(server);
      const planFile = path.join(dir, 'plan.json');
      const planned = await runCli(
        ['plan', TASK, '--shards', '2', '-C', repo.dir, '--out', planFile, '--engine', 'openai'],
        env,
      );
      expect(planned.exitCode, planned.stderr).toBe(0);
      const afterPlan = server.log.length;
      const out = path.join(dir, 'shard-1');
      const args = [
        'run',
        '--plan',
        planFile,
        '--shard',
        '1/2',
        '--out',
        out,
        '-C',
        repo.dir,
        '--json',
        '--engine',
        'openai',
      ];
      const killed = await new Promise<NodeJS.Signals | null>((resolve) => {
        const child = spawn(process.execPath, [CLI, ...args], {
          env: { ...process.env, ...env, OPENAI_AGENTS_DISABLE_TRACING: '1' },
          stdio: ['ignore', 'ignore', 'ignore'],
        });
        const start = arrivals;
        const watch = setInterval(() => {
          if (arrivals - start < 4) return;
          clearInterval(watch);
          child.kill('SIGKILL');
        }, 5);
        child.on('close', (_code, signal) => {
          clearInterval(watch);
          resolve(signal);
        });
      });
      expect(killed).toBe('SIGKILL');
      expect(existsSync(path.join(out, 'bundle.json'))).toBe(false);
      const servedBefore = server.log.length;

      const runId = `shard-${(JSON.parse(readFileSync(planFile, 'utf8')) as { planId: string }).planId.slice(0, 10)}-1of2`;
      if (resume) {
        const r = await runCli(['-C', repo.dir, 'resume', runId, '--json'], env);
        expect(r.exitCode, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout).jobs.total).toBe(9);
      }
      const resumed = await runCli(args, env);
      expect(resumed.exitCode, resumed.stderr).toBe(0);
      const { report, bundle, how } = JSON.parse(resumed.stdout) as Record<string, any>;
      expect(how).toBe(resume ? 'finished' : 'resumed');
      expect(report.id).toBe(runId);
      expect(report.status).toBe('completed');
      expect(report.jobs.succeeded).toBe(9);
      expect(bundle.steps).toHaveLength(1);
      // No planner call in a shard run.
      expect(server.log.slice(afterPlan).filter((e) => roleOf(e.request) === 'planner')).toEqual([]);
      // Paid twice: a request served after the resume whose answer the first process had received (the same call
      // again), or a verdict asked again for a job the first process had judged.
      const journal = readFileSync(path.join(repo.dir, '.orchestrate', 'runs', report.id, 'journal.jsonl'), 'utf8');
      const records = parseJournal(journal);
      const resumedAt = records.findIndex((r) => r.t === 'phase' && r.phase === 'resumed');
      expect(resumedAt).toBeGreaterThan(0);
      const before = records.slice(0, resumedAt);
      const received = new Set(
        before.filter((r): r is AnswerRecord => r.t === 'answer').map((r) => r.key.split('#')[0]!),
      );
      expect(received.size).toBeGreaterThan(0);
      const judged = new Set(before.flatMap((r) => (r.t === 'verdict' && r.symbol ? [r.symbol] : [])));
      const after = server.log.slice(servedBefore).filter((e) => e.status === 200);
      const twiceCalls = after.filter((e) => keysOf(e).some((k) => received.has(k)));
      const twiceVerdicts = after
        .filter((e) => roleOf(e.request) === 'verifier')
        .flatMap((e) => Object.values(verifierSymbols(e.request)))
        .filter((sym) => judged.has(sym));
      // The keys match the log (else the check above would be empty for nothing): the first process's answers are in it.
      const answeredBefore = server.log
        .slice(afterPlan, servedBefore)
        .filter((e) => keysOf(e).some((k) => received.has(k)));
      expect(answeredBefore.length).toBe(received.size);
      expect(twiceCalls).toEqual([]);
      expect(twiceVerdicts).toEqual([]);
      expect(report.replayedCalls + report.replayedVerdicts).toBeGreaterThan(0);
    }, 120_000);
  }
});
