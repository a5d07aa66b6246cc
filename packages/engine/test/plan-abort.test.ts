// An abort while the planner is answering: the planner's request takes the run's signal, so the run ends at once with
// E_INTERRUPTED (not a failed model call), its journal says interrupted, and resuming it plans again and completes.
import { describe, expect, it, onTestFinished } from 'vitest';
import { startFakeOpenAI, type FakeReply, type FakeRequest } from '../../../test/fake/openai-server.js';
import { MATH_TS, onePerCall, roleOf, scripted } from '../../../test/e2e/openai-script.js';
import { fakeModelEnv, runOutcome } from '../../../test/helpers/engine.js';
import { makeRepo } from '../../../test/helpers/repo.js';
import { readJournal } from '../src/runs/journal.js';
import { journalProgress } from '../src/runs/runs.js';

const TASK = 'add docstrings to src/math.ts';

describe('an abort during planning', () => {
  it('ends the run with E_INTERRUPTED; the journal resumes it', async () => {
    const repo = makeRepo(onePerCall({ 'src/math.ts': MATH_TS }));
    const answer = scripted();
    // The planner's answer is held until the test lets it go: the abort lands while its request is in flight.
    let hold = true;
    let heard!: () => void;
    const asked = new Promise<void>((resolve) => (heard = resolve));
    const server = await startFakeOpenAI((req: FakeRequest): FakeReply => {
      if (hold && roleOf(req) === 'planner') {
        heard();
        return { hang: 'before-headers' };
      }
      return answer(req);
    });
    onTestFinished(async () => {
      await server.close();
      repo.cleanup();
    });
    const before = repo.snapshot();
    const controller = new AbortController();
    void asked.then(() => controller.abort());
    const aborted = await runOutcome({
      cwd: repo.dir,
      task: TASK,
      engine: 'openai',
      planning: 'model',
      env: fakeModelEnv(server),
      signal: controller.signal,
    });
    expect(aborted.report).toBeNull();
    expect(aborted.error).toMatchObject({ code: 'E_INTERRUPTED' });
    const start = aborted.events.find((e) => e.type === 'run-start');
    const runId = start?.type === 'run-start' ? start.runId : '';
    expect(aborted.error!.message).toContain(`orchestrate resume ${runId}`);
    expect(journalProgress(readJournal(repo.dir, runId) ?? []).status).toBe('interrupted');
    expect(repo.snapshot()).toBe(before);

    hold = false;
    const resumed = await runOutcome({ cwd: repo.dir, task: 'ignored', resume: runId, env: fakeModelEnv(server) });
    expect(resumed.error).toBeNull();
    expect(resumed.report).toMatchObject({ id: runId, status: 'completed' });
    expect(resumed.report!.jobs).toMatchObject({ total: 3, succeeded: 3 });
    expect(repo.snapshot()).toBe(before);
  });
});
