import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, priceUsage } from '@orchestrate/core';
import { startFakeOpenAI, type FakeRequest, type FakeReply } from '../fake/openai-server.js';
import { paramFields } from '../fake/doc-fields.js';
import { CLI, parseReport, runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';
import { docStep, servedUsage } from './openai-script.js';

const THREE = Array.from(
  { length: 3 },
  (_, i) => `export function h${i}(n: number): number {\n  return n - ${i};\n}\n`,
).join('\n');

function handler(req: FakeRequest): FakeReply {
  const props = (req.schema?.properties ?? {}) as Record<string, any>;
  if (props.steps)
    return {
      json: { steps: [{ ...docStep(), paths: ['src/h.ts'] }], unsupported: null },
      usage: { input: 500, output: 100 },
    };
  if (props.rejections) return { json: { rejections: [] }, usage: { input: 300, output: 30 } };
  const items = props.items?.properties as Record<string, any>;
  // Identical item schemas are stated once under `$defs` and referenced.
  const defs = (req.schema?.$defs ?? {}) as Record<string, any>;
  const answer = (ref: any) => {
    const schema = ref.$ref ? defs[String(ref.$ref).split('/').pop()!] : ref;
    return answerFor(schema);
  };
  const answerFor = (schema: any) => ({
    summary: 'Subtracts a constant.',
    ...paramFields(schema, (k) => `The ${k}.`),
    returns: 'The difference.',
  });
  return {
    json: { items: Object.fromEntries(Object.entries(items).map(([k, s]) => [k, answer(s)])) },
    usage: { input: 400, output: 120, cached: 100 },
  };
}

describe('--batch: the OpenAI Batch API', () => {
  it('sends worker and verifier calls as batches, waits for them, commits, and prices them at half the list price', async () => {
    const repo = makeRepo({ 'src/h.ts': THREE, 'agents.config.ts': 'export default { api: { batchPollMs: 20 } };\n' });
    const server = await startFakeOpenAI(handler, { batchPolls: 3 });
    try {
      const result = await runCli(
        [
          '-C',
          repo.dir,
          '--json',
          '--engine',
          'openai',
          '--planning',
          'model',
          '--batch',
          'add docstrings to src/h.ts',
        ],
        {
          OPENAI_API_KEY: 'k',
          OPENAI_BASE_URL: server.url,
        },
      );
      expect(result.exitCode, result.stderr).toBe(0);
      const report = parseReport(result.stdout);
      expect(report.jobs).toEqual({ total: 3, succeeded: 3, failed: 0, skipped: 0 });
      // One batch for the workers (one packed call), one for the verifier; the ids are kept in the report.
      expect(server.batches).toHaveLength(2);
      expect(report.batches).toEqual(server.batches);
      expect(result.stderr).toContain(server.batches[0]);
      expect(repo.git('show', `${report.branch}:src/h.ts`).match(/\/\*\*/g)).toHaveLength(3);
      // Usage is what each batch line's response reported; workers and verifier at 50 %, the live planner at list price.
      const served = servedUsage(server);
      for (const [model, u] of Object.entries(served)) expect(report.usage[model]).toMatchObject(u);
      const price = (model: string) =>
        priceUsage(served[model]!, DEFAULTS.prices[model as keyof typeof DEFAULTS.prices]);
      expect(report.usage['gpt-5.4'].costUsd).toBeCloseTo(price('gpt-5.4'), 9);
      expect(report.usage['gpt-5.4-nano'].costUsd).toBeCloseTo(price('gpt-5.4-nano') / 2, 9);
      expect(report.usage['gpt-5.4-mini'].costUsd).toBeCloseTo(price('gpt-5.4-mini') / 2, 9);
    } finally {
      await server.close();
      repo.cleanup();
    }
  });
});

describe('--batch --detach, then resume', () => {
  it('exits after submitting, and resume collects the same batch without paying twice', async () => {
    const repo = makeRepo({ 'src/h.ts': THREE, 'agents.config.ts': 'export default { api: { batchPollMs: 20 } };\n' });
    const server = await startFakeOpenAI(handler, { batchPolls: 2 });
    const env = { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.url };
    try {
      const before = repo.snapshot();
      const first = await runCli(
        [
          '-C',
          repo.dir,
          '--json',
          '--engine',
          'openai',
          '--planning',
          'model',
          '--batch',
          '--detach',
          'add docstrings to src/h.ts',
        ],
        env,
      );
      expect(first.exitCode, first.stderr).toBe(0);
      const detached = parseReport(first.stdout);
      expect(detached.status).toBe('detached');
      expect(detached.branch).toBeNull();
      expect(server.batches).toHaveLength(1);
      expect(repo.snapshot()).toBe(before);
      const plannerCalls = server.log.filter((e) => e.request.schema?.properties?.steps).length;
      expect(plannerCalls).toBe(1);

      const resumed = await runCli(['resume', detached.id, '-C', repo.dir, '--json', '--engine', 'openai'], env);
      expect(resumed.exitCode, resumed.stderr).toBe(0);
      const report = parseReport(resumed.stdout);
      expect(report.id).toBe(detached.id);
      expect(report.status).toBe('completed');
      expect(report.jobs.succeeded).toBe(3);
      // No new planner call, the worker batch collected (not resubmitted): one more batch only, for the verifier.
      expect(server.log.filter((e) => e.request.schema?.properties?.steps).length).toBe(1);
      expect(server.batches).toHaveLength(2);
      const workerLines = server.log.filter((e) => e.request.schema?.properties?.items);
      expect(workerLines).toHaveLength(1);
      // The report holds the whole run's cost: planner from the first process, workers and verifier from the second.
      for (const [model, u] of Object.entries(servedUsage(server))) expect(report.usage[model]).toMatchObject(u);
      expect(repo.git('show', `${report.branch}:src/h.ts`).match(/\/\*\*/g)).toHaveLength(3);
    } finally {
      await server.close();
      repo.cleanup();
    }
  });

  it('a run killed while it waits for its batch resumes by collecting that batch, not submitting it again', async () => {
    const repo = makeRepo({ 'src/h.ts': THREE, 'agents.config.ts': 'export default { api: { batchPollMs: 20 } };\n' });
    const server = await startFakeOpenAI(handler, { batchPolls: 40 });
    const env = { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.url };
    try {
      const before = repo.snapshot();
      const child = spawn(
        process.execPath,
        [
          CLI,
          '-C',
          repo.dir,
          '--json',
          '--engine',
          'openai',
          '--planning',
          'model',
          '--batch',
          'add docstrings to src/h.ts',
        ],
        {
          env: { ...process.env, ...env, OPENAI_AGENTS_DISABLE_TRACING: '1' },
          stdio: 'ignore',
        },
      );
      const killed = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('close', (_code, signal) => resolve(signal)),
      );
      // Killed once the run has its batch's id on disk (a batch whose creation it never heard back from is a call in flight).
      const saved = () =>
        existsSync(path.join(repo.dir, '.orchestrate', 'runs')) &&
        readdirSync(path.join(repo.dir, '.orchestrate', 'runs')).some((id) =>
          existsSync(path.join(repo.dir, '.orchestrate', 'runs', id, 'batches.json')),
        );
      const watch = setInterval(() => {
        if (saved()) child.kill('SIGKILL');
      }, 5);
      expect(await killed).toBe('SIGKILL');
      clearInterval(watch);
      expect(repo.snapshot()).toBe(before);

      const resumed = await runCli(['resume', '-C', repo.dir, '--json'], env);
      expect(resumed.exitCode, resumed.stderr).toBe(0);
      const report = parseReport(resumed.stdout);
      expect(report.status).toBe('completed');
      expect(report.jobs.succeeded).toBe(3);
      // The worker batch was collected: its requests were sent once; then one batch for the verifier.
      expect(server.log.filter((e) => e.request.schema?.properties?.items)).toHaveLength(1);
      expect(server.batches).toHaveLength(2);
      expect(server.log.filter((e) => e.request.schema?.properties?.steps)).toHaveLength(1);
      expect(repo.git('show', `${report.branch}:src/h.ts`).match(/\/\*\*/g)).toHaveLength(3);
      expect(repo.snapshot()).toBe(before);
    } finally {
      await server.close();
      repo.cleanup();
    }
  });
});
