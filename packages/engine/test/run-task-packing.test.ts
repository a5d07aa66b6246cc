// Packing small jobs into one worker call: runTask() in process against the fake OpenAI server.
import { describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeRequest, type FakeReply } from '../../../test/fake/openai-server.js';
import { fakeModelEnv, runEngine } from '../../../test/helpers/engine.js';
import { makeRepo } from '../../../test/helpers/repo.js';
import { docStep, inputText, servedUsage } from '../../../test/e2e/openai-script.js';
import { docParams, paramFields } from '../../../test/fake/doc-fields.js';

const SIX = Array.from(
  { length: 6 },
  (_, i) => `export function f${i}(x${i}: number): number {\n  return x${i} + ${i};\n}\n`,
).join('\n');

/**
 * Answers from the request's schema: a packed worker call gets one answer per item; items whose parameter is in
 * `broken` miss `summary`.
 */
function handler(broken: Set<string>) {
  return (req: FakeRequest): FakeReply => {
    const props = (req.schema?.properties ?? {}) as Record<string, any>;
    if (props.steps) return { json: { steps: [docStep({ paths: ['src/'] })], unsupported: null } };
    if (props.rejections) return { json: { rejections: [] } };
    const items = props.items?.properties as Record<string, any> | undefined;
    const answer = (key: string, schema: any) => {
      const names = docParams(schema);
      const out: Record<string, unknown> = names.some((n) => broken.has(n)) ? {} : { summary: `Doc for ${key}.` };
      Object.assign(
        out,
        paramFields(schema, (p) => `The ${p}.`),
      );
      if (schema.properties?.returns) out.returns = 'The sum.';
      return out;
    };
    // A job retried alone is one unpacked call.
    if (!items) return { json: answer('single', req.schema) };
    return { json: { items: Object.fromEntries(Object.entries(items).map(([k, s]) => [k, answer(k, s)])) } };
  };
}

describe('packing small jobs into one worker call', () => {
  it('packs jobs of one file into one call, validates each item on its own, and counts usage exactly', async () => {
    const repo = makeRepo({
      'src/math.ts': SIX,
      'agents.config.ts': 'export default { packing: { maxJobs: 4 }, ladder: { escalate: false } };\n',
    });
    const server = await startFakeOpenAI(handler(new Set(['x1'])));
    try {
      const task = 'add docstrings to src/math.ts';
      const { report } = await runEngine({ cwd: repo.dir, engine: 'openai', task, env: fakeModelEnv(server, 'k') });
      const workers = server.log.filter((e) => e.request.schema?.properties?.items);
      // 6 jobs, at most 4 per call: 2 packed calls in the first round; the one broken item is retried alone with the
      // reason (and is broken again: the ladder, here without escalation, is spent).
      expect(workers).toHaveLength(2);
      const retry = server.log.filter(
        (e) => e.request.model === 'gpt-5.4-nano' && !e.request.schema?.properties?.items,
      );
      expect(retry).toHaveLength(1);
      expect(docParams(retry[0]!.request.schema)).toEqual(['x1']);
      expect(inputText(retry[0]!.request)).toContain(
        "A previous attempt was rejected: worker: this item's output failed its schema",
      );
      const firstItems = Object.keys(workers[0]!.request.schema.properties.items.properties);
      expect(firstItems).toEqual(['j1', 'j2', 'j3', 'j4']);
      // Each item's schema names exactly its own function's parameter.
      const params = firstItems.map((k) => docParams(workers[0]!.request.schema.properties.items.properties[k]));
      expect(params).toEqual([['x0'], ['x1'], ['x2'], ['x3']]);
      // The instructions are sent once per call, not once per job.
      expect(inputText(workers[0]!.request).match(/## j\d/g)).toHaveLength(4);
      expect(report.jobs).toEqual({ total: 6, succeeded: 5, failed: 1, skipped: 0 });
      const failed = report.items.find((i: any) => i.status === 'failed');
      expect(failed.symbol).toBe('f1');
      expect(failed.error).toMatch(/schema.*\(after 2 attempts\)$/);
      // Both refusals are faults: the packed item (refused here, the call itself was fine) and the call retried alone.
      expect(report.faults).toEqual({ schemaFailures: 2 });
      const branchFile = repo.git('show', `${report.branch}:src/math.ts`);
      expect(branchFile.match(/\/\*\*/g)).toHaveLength(5);
      expect(branchFile).not.toMatch(/\*\/\nexport function f1\(/);
      // Usage in the report equals what the server served, call for call.
      const served = servedUsage(server);
      for (const [model, u] of Object.entries(served)) expect(report.usage[model]).toMatchObject(u);
      const perJob = report.items.reduce((n: number, i: any) => n + i.tokens.input, 0);
      const total = Object.values(report.usage).reduce((n: number, u: any) => n + u.inputTokens, 0);
      expect(perJob).toBeLessThanOrEqual(total);
    } finally {
      await server.close();
      repo.cleanup();
    }
  });

  it('a dry run counts the worker calls the packing will make, not one per job', async () => {
    const repo = makeRepo({ 'src/math.ts': SIX, 'agents.config.ts': 'export default { packing: { maxJobs: 4 } };\n' });
    const server = await startFakeOpenAI(handler(new Set()));
    try {
      const options = {
        cwd: repo.dir,
        engine: 'openai',
        task: 'add docstrings to src/math.ts',
        env: fakeModelEnv(server, 'k'),
      } as const;
      const dry = (await runEngine({ ...options, dryRun: true })).report;
      expect(dry.estimate.perModel['gpt-5.4-nano'].calls).toBe(2);
      const real = (await runEngine(options)).report;
      expect(real.usage['gpt-5.4-nano'].requests).toBe(dry.estimate.perModel['gpt-5.4-nano'].calls);
      const estimated = dry.estimate.perModel['gpt-5.4-nano'].inputTokens;
      // The o200k estimate of what is sent (the fake counts characters / 4, so only the order of magnitude is compared).
      expect(estimated).toBeGreaterThan(real.usage['gpt-5.4-nano'].inputTokens / 4);
      expect(estimated).toBeLessThan(real.usage['gpt-5.4-nano'].inputTokens * 4);
    } finally {
      await server.close();
      repo.cleanup();
    }
  });

  it('spreads a small run over the concurrency: smaller packs and verifier batches than the configured most', async () => {
    const TWELVE = Array.from(
      { length: 12 },
      (_, i) => `export function g${i}(y${i}: number): number {\n  return y${i} * ${i};\n}\n`,
    ).join('\n');
    const repo = makeRepo({ 'src/g.ts': TWELVE });
    const server = await startFakeOpenAI(handler(new Set()));
    try {
      const options = {
        cwd: repo.dir,
        engine: 'openai',
        concurrency: 2,
        task: 'add docstrings to src/g.ts',
        env: fakeModelEnv(server, 'k'),
      } as const;
      const dry = (await runEngine({ ...options, dryRun: true })).report;
      const report = (await runEngine(options)).report;
      expect(report.jobs).toMatchObject({ total: 12, succeeded: 12 });
      // 12 jobs over 2 slots: 6 a call (the defaults would take all 12 in one call, and one verifier batch).
      const workers = server.log.filter((e) => e.request.schema?.properties?.items);
      expect(workers.map((w) => Object.keys(w.request.schema.properties.items.properties).length)).toEqual([6, 6]);
      const verifiers = server.log.filter((e) => e.request.schema?.properties?.rejections);
      const keys = verifiers.map((v) => v.request.schema.properties.rejections.items.properties.key.enum as string[]);
      expect(keys.map((k) => k.length)).toEqual([6, 6]);
      expect(dry.estimate.perModel['gpt-5.4-nano'].calls).toBe(2);
      expect(dry.estimate.perModel['gpt-5.4-mini'].calls).toBe(2);
    } finally {
      await server.close();
      repo.cleanup();
    }
  });
});
