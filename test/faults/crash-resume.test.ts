import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJournal, type AnswerRecord } from '../../packages/engine/src/runs/journal-format.js';
import { callKey } from '../../packages/engine/src/runs/journal.js';
import { startFakeOpenAI, type FakeLogEntry, type FakeServer } from '../fake/openai-server.js';
import { CLI, parseReport, runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { docStep, fakeEnv, inputText, roleOf, scripted, verifierSymbols } from '../e2e/openai-script.js';
import { bytesChanged, snapshotUserTree } from '../helpers/user-tree.js';
import { recordScenario } from './results.js';

// Three files of four functions; one job per worker call and two per verifier call, two calls at a time: a run of
// about fifteen calls, slow enough (each answer takes 150 ms) to be killed in the middle of any phase.
const fn = (file: number, i: number) =>
  `export function f${file}_${i}(x: number): number {\n  return x * ${i + 1};\n}\n`;
const FILES: Record<string, string> = {
  'agents.config.ts': 'export default { concurrency: 2, verifyBatchSize: 2, packing: { maxJobs: 1 } };\n',
};
for (let f = 0; f < 3; f++) FILES[`src/m${f}.ts`] = [0, 1, 2, 3].map((i) => fn(f, i)).join('\n');
const TASK = 'add docstrings to src/';
const LATENCY_MS = 150;

interface Spawned {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI and, when the server has received `atRequest` requests, sends it `signals` (one every 50 ms). */
function runUntil(repo: TempRepo, server: FakeServer, atRequest: number, signals: NodeJS.Signals[]): Promise<Spawned> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '-C', repo.dir, '--json', '--engine', 'openai', TASK], {
      env: { ...process.env, ...fakeEnv(server), OPENAI_AGENTS_DISABLE_TRACING: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const watch = setInterval(() => {
      if (arrivals < atRequest) return;
      clearInterval(watch);
      signals.forEach((s, i) => setTimeout(() => child.kill(s), i * 50));
    }, 5);
    child.on('close', (exitCode, signal) => {
      clearInterval(watch);
      resolve({ exitCode, signal, stdout, stderr });
    });
  });
}

/** Requests the current server has received (answered or not). */
let arrivals = 0;

/**
 * The fake server; `faulty` answers the first try of every 4th request 429 (with retry-after-ms) and of every 7th 503,
 * so the SDK's retry of it gets through (a fault never hits the same call twice: the outcome stays deterministic).
 */
async function startServer(faulty = false): Promise<FakeServer> {
  const answer = scripted({ steps: [docStep({ paths: ['src/'] })] });
  const tried = new Set<string>();
  arrivals = 0;
  return startFakeOpenAI(
    (req) => {
      arrivals++;
      const body = JSON.stringify(req.body);
      const first = !tried.has(body);
      tried.add(body);
      if (faulty && first && arrivals % 4 === 0)
        return { status: 429, headers: { 'retry-after-ms': '100' }, body: { error: { message: 'slow down' } } };
      if (faulty && first && arrivals % 7 === 0) return { status: 503, body: { error: { message: 'overloaded' } } };
      return answer(req);
    },
    { latency: () => LATENCY_MS },
  );
}

const journalOf = (repo: TempRepo, runId: string) =>
  parseJournal(readFileSync(path.join(repo.dir, '.orchestrate', 'runs', runId, 'journal.jsonl'), 'utf8'));

/** The journal key (without its occurrence) a served request could have had, for each role and validation mode. */
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

const runIdOf = (repo: TempRepo) =>
  repo.git('for-each-ref', '--format=%(refname:short)', 'refs/heads/orchestrate/').trim().replace('orchestrate/', '') ||
  null;

describe('crash and resume: a run killed at any moment finishes with nothing paid twice', () => {
  let reference: { tree: string; calls: number; subjects: string };
  const servers: FakeServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('an uninterrupted run (the reference)', async () => {
    const repo = makeRepo(FILES);
    const server = await startServer();
    servers.push(server);
    const result = await runCli(['-C', repo.dir, '--json', '--engine', 'openai', TASK], fakeEnv(server));
    expect(result.exitCode, result.stderr).toBe(0);
    const report = parseReport(result.stdout);
    expect(report.jobs.succeeded).toBe(12);
    reference = {
      tree: repo.git('rev-parse', `${report.branch}^{tree}`).trim(),
      calls: server.log.filter((e) => e.status === 200).length,
      subjects: repo.git('log', '--format=%s', `${report.baseCommit}..${report.branch}`),
    };
    repo.cleanup();
  });

  const scenarios: Array<{ name: string; at: number; signals: NodeJS.Signals[]; faulty?: boolean }> = [
    { name: 'kill -9 during a 429/503 storm, resumed during another', at: 9, signals: ['SIGKILL'], faulty: true },
    { name: 'kill -9 while the planner thinks', at: 1, signals: ['SIGKILL'] },
    { name: 'kill -9 among the first worker calls', at: 3, signals: ['SIGKILL'] },
    { name: 'kill -9 while workers and verifier overlap', at: 11, signals: ['SIGKILL'] },
    { name: 'kill -9 near the end', at: 17, signals: ['SIGKILL'] },
    { name: 'Ctrl-C once (graceful stop), then resume', at: 5, signals: ['SIGINT'] },
    { name: 'Ctrl-C twice (abort at once), then resume', at: 6, signals: ['SIGINT', 'SIGINT'] },
  ];
  for (const sc of scenarios) {
    it(
      sc.name,
      async () => {
        const repo = makeRepo(FILES);
        const before = repo.snapshot();
        const beforeTree = snapshotUserTree(repo.dir);
        const server = await startServer(sc.faulty);
        servers.push(server);
        const crashed = await runUntil(repo, server, sc.at, sc.signals);
        if (sc.signals[0] === 'SIGKILL') expect(crashed.signal).toBe('SIGKILL');
        else expect(crashed.exitCode, crashed.stderr).toBe(130);
        expect(crashed.stderr).not.toContain('internal error');
        expect(repo.snapshot()).toBe(before);
        const servedBefore = server.log.length;
        const runs = repo.git('ls-tree', '--name-only', 'HEAD').trim();
        expect(runs).not.toContain('.orchestrate');

        const resumed = await runCli(['-C', repo.dir, 'resume', '--json'], fakeEnv(server));
        expect(resumed.exitCode, resumed.stderr).toBe(0);
        const report = parseReport(resumed.stdout);
        expect(report.status).toBe('completed');
        expect(report.jobs.succeeded).toBe(12);
        // The same branch an uninterrupted run makes: the same tree and the same commits.
        expect(repo.git('rev-parse', `${report.branch}^{tree}`).trim()).toBe(reference.tree);
        expect(repo.git('log', '--format=%s', `${report.baseCommit}..${report.branch}`)).toBe(reference.subjects);
        expect(repo.snapshot()).toBe(before);

        // Paid twice: a request served after the resume whose answer the first process had already received.
        const records = journalOf(repo, report.id);
        const firstEnd = records.findIndex((r) => r.t === 'phase' && r.phase === 'resumed');
        const received = new Set(
          records
            .slice(0, firstEnd)
            .filter((r): r is AnswerRecord => r.t === 'answer')
            .map((r) => r.key.split('#')[0]!),
        );
        const after = server.log.slice(servedBefore).filter((e) => e.status === 200);
        // …whether the same call again, or a job's verdict asked again in another batch.
        const judged = new Set(
          records.slice(0, firstEnd).flatMap((r) => (r.t === 'verdict' && r.symbol ? [r.symbol] : [])),
        );
        const twiceCalls = after.filter((e) => keysOf(e).some((k) => received.has(k))).length;
        const twiceVerdicts = after
          .filter((e) => roleOf(e.request) === 'verifier')
          .flatMap((e) => Object.values(verifierSymbols(e.request)))
          .filter((sym) => judged.has(sym)).length;
        const paidTwice = twiceCalls + twiceVerdicts;
        expect(paidTwice).toBe(0);
        expect(report.replayedCalls + report.replayedVerdicts).toBeGreaterThanOrEqual(received.size > 0 ? 1 : 0);
        expect(report.replayedVerdicts).toBe(judged.size);
        // Every call the reference made was made once across both processes, or was in flight at the crash.
        expect(after.length + received.size).toBeGreaterThanOrEqual(reference.calls);
        expect(runIdOf(repo)).toBe(report.id);
        const changed = bytesChanged(beforeTree, snapshotUserTree(repo.dir));
        recordScenario({
          suite: 'crash-resume',
          name: sc.name,
          passed: changed === 0 && paidTwice === 0,
          bytesChanged: changed,
          paidTwice,
        });
        expect(changed).toBe(0);
        repo.cleanup();
      },
      60_000,
    );
  }
});

describe('resume never deletes work someone added to the run branch', () => {
  it('refuses with E_USAGE and keeps the commit', async () => {
    const repo = makeRepo({ 'src/a.ts': fn(0, 0) });
    try {
      const done = parseReport(
        (await runCli(['-C', repo.dir, '--json', '--engine', 'offline', 'add docstrings to src/'])).stdout,
      );
      // Make it look interrupted: no report, no end record (as a process killed during its commit leaves it).
      const dir = path.join(repo.dir, '.orchestrate', 'runs', done.id);
      rmSync(path.join(dir, 'report.json'));
      const kept = readFileSync(path.join(dir, 'journal.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l && !l.includes('"t":"end"'));
      writeFileSync(path.join(dir, 'journal.jsonl'), `${kept.join('\n')}\n`);
      repo.git('worktree', 'add', '--quiet', path.join(repo.dir, '..', `wt-${done.id}`), done.branch);
      const wt = path.join(repo.dir, '..', `wt-${done.id}`);
      writeFileSync(path.join(wt, 'NOTES.md'), 'mine\n');
      repo.git('-C', wt, 'add', 'NOTES.md');
      repo.git('-C', wt, '-c', 'user.name=U', '-c', 'user.email=u@example.com', 'commit', '--quiet', '-m', 'my notes');
      repo.git('worktree', 'remove', '--force', wt);
      const tip = repo.git('rev-parse', done.branch).trim();
      const resumed = await runCli(['-C', repo.dir, '--json', 'resume', done.id]);
      expect(resumed.exitCode).toBe(2);
      expect(parseReport(resumed.stdout).error.code).toBe('E_USAGE');
      expect(repo.git('rev-parse', done.branch).trim()).toBe(tip);
    } finally {
      repo.cleanup();
    }
  });
});
