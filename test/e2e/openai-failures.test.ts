// What the CLI prints and exits with when the openai engine stops a run (the failure paths themselves are tested in
// process: packages/engine/test/run-task-openai-failures.test.ts).
import { describe, it } from 'vitest';
import { MODELS, runBranches, runScenario, served } from './openai-script.js';

const NO_STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe.concurrent('openai engine end to end: failures', () => {
  it.for([
    ['every call (the planner)', () => true],
    ['the worker calls', (model: string) => model === MODELS.worker],
  ] as const)(
    'a 401 on %s stops the run: exit 2, E_MODEL, no stack trace, no branch',
    async ([, when], { expect, onTestFinished }) => {
      const unauthorized = {
        status: 401,
        body: {
          error: {
            message: 'Incorrect API key provided',
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_api_key',
          },
        },
      };
      const run = await runScenario(
        { script: { before: (req) => (when(req.model) ? unauthorized : undefined) } },
        onTestFinished,
      );
      const { repo, server } = run;
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain('E_MODEL');
      expect(run.stderr).not.toMatch(NO_STACK);
      expect(run.stderr).not.toContain('internal error');
      expect(JSON.parse(run.stdout).error.code).toBe('E_MODEL'); // --json: the error as JSON for a calling agent
      expect(runBranches(repo)).toEqual([]);
      expect(repo.snapshot()).toBe(run.before);
      // A rejected key is not retried: at most one request per call that was started.
      expect(server.log.every((e) => e.status === 401 || e.request.model === MODELS.planner)).toBe(true);
      expect(served(server, 'verifier')).toHaveLength(0);
    },
  );
  it('--budget too small for the planner: the budget stops the run (exit 1, E_BUDGET), no call made, nothing created', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await runScenario({ flags: ['--budget', '0.0001'] }, onTestFinished);
    const { repo, server } = run;
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('E_BUDGET');
    expect(run.stderr).not.toMatch(NO_STACK);
    expect(JSON.parse(run.stdout).error.code).toBe('E_BUDGET');
    expect(server.log).toHaveLength(0);
    expect(runBranches(repo)).toEqual([]);
    expect(repo.snapshot()).toBe(run.before);
  });
});
