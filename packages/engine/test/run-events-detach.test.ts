// A detached batch run (`--batch --detach`) ends with its jobs waiting for their batch: every job that started still
// ends once, as in every other ending, so a consumer of the events (exec --json, run_status) sees no job left open.
import { describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeRequest, type FakeReply } from '../../../test/fake/openai-server.js';
import { docStep, scripted } from '../../../test/e2e/openai-script.js';
import { fakeModelEnv, runEngine } from '../../../test/helpers/engine.js';
import { makeRepo } from '../../../test/helpers/repo.js';

const THREE = [0, 1, 2].map((i) => `export function h${i}(n: number): number {\n  return n - ${i};\n}\n`).join('\n');

describe('run events of a detached batch run', () => {
  it('ends every started job once, skipped while it waits for its batch', async () => {
    const repo = makeRepo({ 'src/h.ts': THREE, 'agents.config.ts': 'export default { api: { batchPollMs: 20 } };\n' });
    const answer = scripted({ steps: [docStep({ paths: ['src/h.ts'] })] });
    const server = await startFakeOpenAI((req: FakeRequest): FakeReply => answer(req), { batchPolls: 2 });
    try {
      const { report, events } = await runEngine({
        cwd: repo.dir,
        task: 'add docstrings to src/h.ts',
        engine: 'openai',
        batch: true,
        detach: true,
        env: fakeModelEnv(server),
      });
      expect(report.status).toBe('detached');
      const ends = events.filter((e) => e.type === 'job-end');
      const ids = ends.map((e) => (e.type === 'job-end' ? e.job.id : ''));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(report.items.map((i: { id: string }) => i.id).sort());
      for (const e of events) if (e.type === 'job-start') expect(ids).toContain(e.job.id);
      expect(events.at(-1)?.type).toBe('done');
    } finally {
      await server.close();
      repo.cleanup();
    }
  });
});
