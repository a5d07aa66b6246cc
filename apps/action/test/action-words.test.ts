// The engine's real errors, as the action reports them: no CLI flag or environment variable the action does not read
// (`--engine`, "set OPENAI_API_KEY"), but the inputs to set, in the step's failure and in what is posted on the PR.
import { afterEach, describe, expect, it } from 'vitest';
import { type ErrorCode } from '@orchestrate/core';
import { runTask } from '@orchestrate/engine';
import { actionMessage } from '../src/action-words.js';
import { failureMessage } from '../src/dispatch.js';
import { makeRepo, type TempRepo } from '../../../test/helpers/repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

/** The coded error `runTask` throws for this task and engine, with no key in its environment. */
async function engineError(task: string, engine: 'openai' | 'offline') {
  repo = makeRepo({ 'src/math.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n' });
  const err = await runTask({
    cwd: repo.dir,
    task,
    engine,
    env: { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined },
  }).then(
    () => null,
    (e: unknown) => e as Error & { code: ErrorCode },
  );
  expect(err).not.toBeNull();
  return err!;
}

const CLI = /--engine|Set it,|set OPENAI_API_KEY|OPENAI_BASE_URL|api\.baseURL/;

describe("the engine's errors in the action's words", () => {
  it('E_NO_API_KEY names the openai-api-key input (the key is never read from the environment)', async () => {
    const err = await engineError('add docstrings to src/math.ts', 'openai');
    expect(err.code).toBe('E_NO_API_KEY');
    expect(actionMessage(err)).not.toMatch(CLI);
    expect(actionMessage(err)).toContain('no `openai-api-key` input');
    const failure = failureMessage(err, { version: '1.2.3' });
    expect(failure).not.toMatch(CLI);
    expect(failure).toMatch(/^\[E_NO_API_KEY\] The openai engine needs an API key/);
    expect(failure).toContain('`openai-api-key: ${{ secrets.OPENAI_API_KEY }}`');
    expect(failure).toContain('`engine: offline`');
  });

  it('E_OFFLINE_UNSUPPORTED keeps what the rules can do and says which inputs enable a model', async () => {
    const err = await engineError('rewrite everything in rust', 'offline');
    expect(err.code).toBe('E_OFFLINE_UNSUPPORTED');
    const message = actionMessage(err);
    expect(message).not.toMatch(CLI);
    expect(message).toContain('add docstrings');
    expect(message).toMatch(
      /enable a model: pass `openai-api-key: \$\{\{ secrets\.OPENAI_API_KEY \}\}`.*`engine: openai`/,
    );
  });

  it('leaves other messages alone', () => {
    expect(actionMessage({ code: 'E_BUDGET', message: 'The budget is too small.' })).toBe('The budget is too small.');
  });
});
