// The planner's answer is data, not orders: runTask() in process against the wire-level fake: a planner field that
// does not resolve is dropped with a warning and the run goes on; a task naming a missing path stops before any call.
import { describe, it } from 'vitest';
import { runOutcome } from '../../../test/helpers/engine.js';
import { makeRepo } from '../../../test/helpers/repo.js';
import { MATH_TS, docStep, engineScenario, served } from '../../../test/e2e/openai-script.js';

describe.concurrent("runTask: the planner's answer is data", () => {
  it('a changedSince holding a sentence is dropped with a warning; the run completes', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await engineScenario(
      { script: { steps: [docStep({ changedSince: 'the last release, probably' })] } },
      onTestFinished,
    );
    expect(run.error).toBeNull();
    expect(run.report!.status).toBe('completed');
    expect(run.report!.jobs.succeeded).toBe(3);
    expect(run.report!.plan.steps[0].selector.changedSince).toBeNull();
    expect(run.report!.warnings.join('\n')).toMatch(/changedSince "?the last release, probably"?.*not a git ref/);
  });
  it("a ref-shaped changedSince that names no commit is dropped too (never E_USAGE for the model's words)", async ({
    expect,
    onTestFinished,
  }) => {
    const run = await engineScenario(
      { script: { steps: [docStep({ changedSince: 'release-2023.1' })] } },
      onTestFinished,
    );
    expect(run.error).toBeNull();
    expect(run.report!.jobs.succeeded).toBe(3);
    expect(run.report!.plan.steps[0].selector.changedSince).toBeNull();
    expect(run.report!.warnings.join('\n')).toContain('release-2023.1');
  });
  it('a step whose paths all miss is dropped, never widened: nothing to do, no worker call', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await engineScenario(
      {
        files: { 'src/math.ts': MATH_TS, 'src/other.ts': MATH_TS },
        task: 'add docstrings',
        script: { steps: [docStep({ paths: ['src/nope.ts'] })] },
      },
      onTestFinished,
    );
    expect(run.error!.code).toBe('E_NOTHING_TO_DO');
    expect(run.error!.message).toContain('src/nope.ts');
    expect(served(run.server, 'worker')).toHaveLength(0);
  });
  it('duplicate steps are merged: one step, the jobs once', async ({ expect, onTestFinished }) => {
    const run = await engineScenario(
      { script: { steps: [docStep(), docStep({ paths: ['./src/math.ts'] }), docStep()] } },
      onTestFinished,
    );
    expect(run.error).toBeNull();
    expect(run.report!.plan.steps.map((s: { id: string }) => s.id)).toEqual(['step-1']);
    expect(run.report!.jobs.total).toBe(3);
    expect(run.report!.warnings.join('\n')).toMatch(
      /step-2: the same work as step-1[^]*step-3: the same work as step-1/,
    );
  });
  it('openai: a task naming a path the repository lacks stops before the planner call (zero requests)', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await engineScenario({ task: 'add docstrings to src/nope.ts' }, onTestFinished);
    expect(run.error!.code).toBe('E_PATH_NOT_FOUND');
    expect(run.error!.message).toContain('src/nope.ts');
    expect(run.server.log).toHaveLength(0);
  });
  it('offline: "add unit tests for src/nope.ts" stops with the path named, and nothing is written', async ({
    expect,
    onTestFinished,
  }) => {
    const repo = makeRepo({ 'src/math.ts': MATH_TS, 'config/settings.json': '{}\n' });
    onTestFinished(() => repo.cleanup());
    const before = repo.snapshot();
    const result = await runOutcome({ cwd: repo.dir, engine: 'offline', task: 'add unit tests for src/nope.ts' });
    expect(result.error!.code).toBe('E_PATH_NOT_FOUND');
    expect(result.error!.message).toContain('src/nope.ts');
    expect(repo.snapshot()).toBe(before);
    expect(repo.git('branch', '--list', 'orchestrate/*').trim()).toBe('');
    // A path the index does not read (a .json) exists: it is not "not found".
    const task = 'add docstrings to src/math.ts, see config/settings.json';
    const json = await runOutcome({ cwd: repo.dir, engine: 'offline', dryRun: true, task });
    expect(json.error).toBeNull();
  });
});
