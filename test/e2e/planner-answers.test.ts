// The CLI shows a dropped planner field's warning (the planner's answer as data is tested in process:
// packages/engine/test/run-task-planner-answers.test.ts).
import { describe, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';
import { startFakeOpenAI } from '../fake/openai-server.js';
import { MATH_TS, docStep, fakeEnv, onePerCall, scripted } from './openai-script.js';

describe.concurrent("the planner's answer is data", () => {
  it('the summary shows the warning', async ({ expect, onTestFinished }) => {
    const repo = makeRepo(onePerCall({ 'src/math.ts': MATH_TS }));
    const server = await startFakeOpenAI(
      scripted({ steps: [docStep({ changedSince: 'the last release, probably' })] }),
    );
    onTestFinished(async () => {
      await server.close();
      repo.cleanup();
    });
    const result = await runCli(
      ['-C', repo.dir, '--engine', 'openai', '--planning', 'model', '--yes', 'add docstrings to src/math.ts'],
      fakeEnv(server),
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).toContain('the last release, probably');
  });
});
