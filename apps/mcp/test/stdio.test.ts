// `orchestrate mcp` end to end: the real CLI command as a child process, the SDK's own client over stdio, the run
// manager running real runs on temp repositories against the wire-level fake OpenAI server. One server for the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { DELEGATE_TOOLS } from '@orchestrate/engine';
import { startFakeOpenAI, type FakeServer } from '../../../test/fake/openai-server.js';
import { docStep, MATH_TS, onePerCall, scripted } from '../../../test/e2e/openai-script.js';
import { CLI } from '../../../test/helpers/cli.js';
import { makeRepo, type TempRepo } from '../../../test/helpers/repo.js';

type Result = Awaited<ReturnType<Client['callTool']>>;
type Out = Record<string, any>;

/**
 * More declarations than calls in flight, so a cancel lands mid-run. They share one file, so verification starts after
 * the last worker; one job per verifier call (`verifyBatchSize: 1`) leaves jobs unverified when the first is done.
 */
const MANY = Array.from(
  { length: 8 },
  (_, i) => `export function f${i}(x: number): number {\n  return x + ${i};\n}\n`,
).join('\n');
const ISSUES = 'export function load(x: any): number {\n  console.log(x);\n  if (x == 1) return 1;\n  return 2;\n}\n';

let root: string;
let repo: TempRepo;
let slow: TempRepo;
let reviewed: TempRepo;
let plain: TempRepo;
let outside: TempRepo;
let fake: FakeServer;
let delayMs = 0;
let client: Client;
const before: Record<string, string> = {};

beforeAll(async () => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'orch-mcp-root-')));
  repo = makeRepo(onePerCall({ 'src/math.ts': MATH_TS }), { parent: root });
  const config = 'export default { concurrency: 1, verifyBatchSize: 1 };\n';
  slow = makeRepo(onePerCall({ 'src/many.ts': MANY, 'agents.config.ts': config }), {
    parent: root,
  });
  reviewed = makeRepo({ 'src/ok.ts': 'export const ok = 1;\n' }, { parent: root });
  reviewed.write('src/load.ts', ISSUES);
  reviewed.commit('add load');
  plain = makeRepo({ 'notes.txt': 'not a repository\n' }, { parent: root, git: false });
  outside = makeRepo({ 'src/a.ts': 'export const a = 1;\n' });
  for (const r of [repo, slow, reviewed]) before[r.dir] = r.snapshot();
  // The planner plans `src` (not the script's default src/math.ts), so every repository's run has jobs.
  fake = await startFakeOpenAI(scripted({ steps: [docStep({ paths: ['src'] })] }), { latency: () => delayMs });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OPENAI_')) env[k] = v;
  Object.assign(env, { OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: fake.url, OPENAI_AGENTS_DISABLE_TRACING: '1' });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', '--root', root],
    cwd: tmpdir(),
    env,
    stderr: 'pipe',
  });
  client = new Client({ name: 'stdio-test', version: '1' });
  await client.connect(transport);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await fake?.close();
  for (const r of [repo, slow, reviewed, plain, outside]) r?.cleanup();
  if (root) rmSync(root, { recursive: true, force: true });
});

const call = (name: string, args: Out, options: Parameters<Client['callTool']>[2] = {}): Promise<Result> =>
  client.callTool({ name, arguments: args }, undefined, { timeout: 180_000, ...options });
const ok = (res: Result): Out => {
  if (res.isError) throw new Error(`tool error: ${JSON.stringify(res.content)}`);
  expect(JSON.parse((res.content as Array<{ text: string }>)[0]!.text)).toEqual(res.structuredContent);
  return res.structuredContent as Out;
};
const errorCode = (res: Result): unknown => (res._meta?.['orchestrate/error'] as Out | undefined)?.code;

describe('orchestrate mcp over stdio', () => {
  it('lists the tools with their input and output schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(DELEGATE_TOOLS).sort());
    expect(tools.every((t) => t.outputSchema?.type === 'object' && t.inputSchema.type === 'object')).toBe(true);
  });

  it('plans without changing anything', async () => {
    const out = ok(await call('plan', { task: 'add docstrings to src/math.ts', cwd: repo.dir }));
    expect(out.summary).toEqual(expect.any(String));
    expect(out.jobs.total).toBeGreaterThan(0);
    expect(out.jobs.listed.map((j: Out) => j.symbol)).toContain('add');
  });

  it('start_run → run_status → run_result: the work is committed on the run branch', async () => {
    const started = ok(await call('start_run', { task: 'add docstrings to src/math.ts', cwd: repo.dir }));
    expect(started).toMatchObject({ state: 'running', branch: `orchestrate/${started.runId}` });
    const status = ok(await call('run_status', { runId: started.runId, cwd: repo.dir, events: 200 }));
    expect(status.runId).toBe(started.runId);
    expect(status.events[0]?.type).toBe('run.started');
    const seqs = status.events.map((e: Out) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const result = ok(await call('run_result', { runId: started.runId, cwd: repo.dir, waitSec: 120 }));
    expect(result).toMatchObject({ finished: true, status: 'completed', runId: started.runId });
    expect(result.commits.length).toBeGreaterThan(0);
    expect(result.commits[0].files).toContain('src/math.ts');
    expect(repo.git('branch', '--list', started.branch).trim()).not.toBe('');
    const after = ok(await call('run_status', { runId: started.runId, cwd: repo.dir, sinceSeq: status.nextSeq }));
    expect(after).toMatchObject({ finished: true, state: 'completed' });
    expect(after.jobs.done).toBe(after.jobs.total);
  });

  it('run: blocks to the end and sends at least two increasing progress notifications', async () => {
    delayMs = 700;
    const seen: Array<{ progress: number }> = [];
    try {
      const res = await call(
        'run',
        { task: 'add docstrings to src/math.ts', cwd: repo.dir, waitSec: 120 },
        { onprogress: (p) => seen.push(p), resetTimeoutOnProgress: true },
      );
      expect(ok(res)).toMatchObject({ finished: true, status: 'completed' });
    } finally {
      delayMs = 0;
    }
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.progress).toBeGreaterThan(seen[i - 1]!.progress);
  });

  it('cancel_run stops a run gracefully; start_run with resume finishes it', async () => {
    delayMs = 600;
    let started: Out;
    try {
      started = ok(await call('start_run', { task: 'add docstrings to src/many.ts', cwd: slow.dir, concurrency: 1 }));
      // Until a job is done or the run ended: a run that ends early (a failed plan) fails here with its error.
      let status: Out = {};
      await expect
        .poll(
          async () => {
            status = ok(await call('run_status', { runId: started.runId, cwd: slow.dir }));
            return status.jobs.done > 0 || status.finished;
          },
          { timeout: 30_000, interval: 200 },
        )
        .toBe(true);
      expect({ finished: status.finished, error: status.error }).toEqual({ finished: false, error: null });
      const cancelled = ok(await call('cancel_run', { runId: started.runId, cwd: slow.dir, waitSec: 60 }));
      expect(cancelled).toMatchObject({ runId: started.runId, state: 'interrupted', resumable: true });
      expect(cancelled.commits.length).toBeGreaterThan(0);
      const stopped = ok(await call('run_result', { runId: started.runId, cwd: slow.dir }));
      expect(stopped).toMatchObject({ finished: true, status: 'interrupted' });
      expect(stopped.jobs.succeeded).toBeGreaterThan(0);
      expect(stopped.jobs.succeeded).toBeLessThan(stopped.jobs.total);
    } finally {
      delayMs = 0;
    }
    const resumed = ok(await call('start_run', { task: 'ignored', cwd: slow.dir, resume: started.runId }));
    expect(resumed.runId).toBe(started.runId);
    const result = ok(await call('run_result', { runId: started.runId, cwd: slow.dir, waitSec: 120 }));
    expect(result).toMatchObject({ finished: true, status: 'completed' });
    expect(result.jobs).toMatchObject({ total: 8, succeeded: 8 });
    const file = slow.git('show', `${started.branch}:src/many.ts`);
    for (let i = 0; i < 8; i++) expect(file).toContain(`Documented f${i} for the tests.`);
  });

  it('reviews a range and returns its findings', async () => {
    const out = ok(await call('review', { cwd: reviewed.dir, range: 'HEAD~1..HEAD', engine: 'offline' }));
    expect(out.reviewed.files).toBe(1);
    expect(out.counts.error + out.counts.warning + out.counts.note).toBeGreaterThan(0);
    expect(out.annotations.every((a: Out) => a.file === 'src/load.ts')).toBe(true);
  });

  it('answers a folder that is no repository with E_NOT_GIT_REPO, one outside the roots with E_OUTSIDE_ROOTS', async () => {
    const notRepo = await call('plan', { task: 'add docstrings', cwd: plain.dir });
    expect(notRepo.isError).toBe(true);
    expect(notRepo.structuredContent).toBeUndefined();
    expect(errorCode(notRepo)).toBe('E_NOT_GIT_REPO');
    const out = await call('start_run', { task: 'add docstrings', cwd: outside.dir });
    expect(out.isError).toBe(true);
    expect(errorCode(out)).toBe('E_OUTSIDE_ROOTS');
    expect((out.content as Array<{ text: string }>)[0]!.text).toMatch(
      /^orchestrate error \[E_OUTSIDE_ROOTS\]: .*--root/,
    );
  });

  it("leaves the user's working tree, index and branch as they were", () => {
    for (const r of [repo, slow, reviewed]) expect(r.snapshot()).toBe(before[r.dir]);
  });
});
