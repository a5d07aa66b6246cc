import { describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeRequest, type FakeReply } from '../fake/openai-server.js';
import { paramFields } from '../fake/doc-fields.js';
import { parseReport, runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';
import { docStep, servedUsage } from './openai-script.js';

const FIVE = Array.from(
  { length: 5 },
  (_, i) => `export function g${i}(v: number): number {\n  return v * ${i};\n}\n`,
).join('\n');

describe('rate limits', () => {
  it('a 429 storm with retry-after slows the run down, and it still completes with exact usage', async () => {
    const repo = makeRepo({
      'src/g.ts': FIVE,
      'agents.config.ts': 'export default { packing: { maxJobs: 1 }, concurrency: 4 };\n',
    });
    let workerCalls = 0;
    const server = await startFakeOpenAI((req: FakeRequest): FakeReply => {
      const props = (req.schema?.properties ?? {}) as Record<string, any>;
      if (props.steps) return { json: { steps: [{ ...docStep(), paths: ['src/g.ts'] }], unsupported: null } };
      if (props.rejections) return { json: { rejections: [] } };
      // The first four worker requests are rate limited; the SDK retries them after retry-after-ms.
      if (++workerCalls <= 4)
        return {
          status: 429,
          headers: { 'retry-after-ms': '30' },
          body: { error: { message: 'Rate limit reached', type: 'requests' } },
        };
      const params = paramFields(req.schema, (k) => `The ${k}.`);
      return { json: { summary: 'Scales a value.', ...params, returns: 'The scaled value.' } };
    });
    try {
      const result = await runCli(['-C', repo.dir, '--json', '--engine', 'openai', 'add docstrings to src/g.ts'], {
        OPENAI_API_KEY: 'k',
        OPENAI_BASE_URL: server.url,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const report = parseReport(result.stdout);
      expect(report.jobs).toEqual({ total: 5, succeeded: 5, failed: 0, skipped: 0 });
      expect(report.throttling['gpt-5.4-nano'].throttled).toBeGreaterThanOrEqual(1);
      expect(report.throttling['gpt-5.4-nano'].minConcurrency).toBeLessThan(4);
      expect(result.stderr).toContain('throttled');
      expect(server.log.filter((e) => e.status === 429).length).toBe(4);
      for (const [model, u] of Object.entries(servedUsage(server))) expect(report.usage[model]).toMatchObject(u);
    } finally {
      await server.close();
      repo.cleanup();
    }
  });
});
