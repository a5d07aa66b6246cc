// cancel_run on the openai engine mid-run (the fake server answers with latency, one call at a time): the verified work
// is committed on the run's branch, the run ends interrupted and resumable, and start({ resume }) completes it.
import { describe, expect, it, onTestFinished } from 'vitest';
import { RunManager } from '../../src/delegate/run-manager.js';
import { CancelOutput, ResultOutput } from '../../src/delegate/schemas.js';
import { startFakeOpenAI } from '../../../../test/fake/openai-server.js';
import { latencyHook } from '../../../../test/fake/latency.js';
import { docStep, fakeEnv, scripted } from '../../../../test/e2e/openai-script.js';
import { makeRepo } from '../../../../test/helpers/repo.js';

const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
const SOURCE = NAMES.map((n) => `export function ${n}(x: number): number {\n  return x + 1;\n}\n`).join('\n');
const CONFIG = 'export default { packing: { maxJobs: 1 }, verifyBatchSize: 1, concurrency: 1 };\n';

describe('RunManager: cancel mid-run, then resume', () => {
  it('commits the verified work, ends interrupted and resumable; resume completes the run', async () => {
    const repo = makeRepo({ 'src/many.ts': SOURCE, 'agents.config.ts': CONFIG });
    const server = await startFakeOpenAI(scripted({ steps: [docStep({ paths: ['src/many.ts'] })] }), {
      latency: latencyHook({ firstTokenMs: 60, tokensPerSecond: 100_000 }),
    });
    const m = new RunManager({ roots: [repo.dir], env: fakeEnv(server), graceMs: 5_000 });
    onTestFinished(async () => {
      await m.close();
      await server.close();
      repo.cleanup();
    });
    const before = repo.snapshot();
    const started = await m.start({ task: 'add docstrings to src/many.ts', engine: 'openai' });
    // Stop once the first job is verified: the rest are still to be worked.
    const controller = new AbortController();
    await m.wait(started.runId, {
      timeoutMs: 120_000,
      signal: controller.signal,
      onProgress: (state, line) => {
        if (line.type === 'job.verified' || state.done > 0) controller.abort();
      },
    });
    const cancelled = CancelOutput.parse(await m.cancel({ runId: started.runId, waitSec: 120 }));
    expect(cancelled).toMatchObject({
      state: 'interrupted',
      resumable: true,
      resume: `orchestrate resume ${started.runId}`,
    });
    expect(cancelled.commits.length).toBeGreaterThan(0);
    expect(cancelled.summary).toContain(`resume: "${started.runId}"`);

    const stopped = ResultOutput.parse(await m.result({ runId: started.runId }));
    expect(stopped).toMatchObject({ finished: true, status: 'interrupted' });
    expect(stopped.jobs.succeeded).toBeGreaterThan(0);
    expect(stopped.jobs.succeeded).toBeLessThan(NAMES.length);
    expect(stopped.next.apply).toBeNull();
    const onBranch = repo
      .git('log', '--format=%H', `${stopped.baseCommit}..${started.branch}`)
      .split('\n')
      .filter(Boolean);
    expect(onBranch).toEqual(stopped.commits.map((c) => c.sha).reverse());
    expect(repo.snapshot()).toBe(before);

    const resumed = await m.start({ resume: started.runId, task: 'ignored on resume' });
    expect(resumed.runId).toBe(started.runId);
    expect(resumed.summary).toContain('resumed');
    const done = ResultOutput.parse(await m.result({ runId: started.runId, waitSec: 120 }));
    expect(done).toMatchObject({ finished: true, status: 'completed', error: null });
    expect(done.jobs).toMatchObject({ total: NAMES.length, succeeded: NAMES.length });
    const file = repo.git('show', `${started.branch}:src/many.ts`);
    for (const name of NAMES) expect(file).toContain(`Documented ${name} for the tests.`);
    expect(repo.snapshot()).toBe(before);
  });
});
