// planning: auto — the rules plan a task they map with nothing left for a model to read (no planner call); `model`
// always asks the model; `rules` never does (a task they cannot map is unsupported, with a hint to use the model).
import { describe, expect, it } from 'vitest';
import { resolveConfig, UsageLedger } from '@orchestrate/core';
import { rulesMapTask, type ModelClient, type PlannerOutput, type StructuredCall } from '@orchestrate/agents';
import { KIND_PLANNING } from '@orchestrate/jobs';
import { indexFiles } from '@orchestrate/repo';
import { makePlan, whoPlans } from '../src/plan.js';
import { matchesSomething } from '../src/plan-check.js';

const files = indexFiles([
  { path: 'src/math.ts', text: 'export function add(a: number, b: number): number {\n  return a + b;\n}\n' },
  { path: 'src/api/users.ts', text: 'export function getUser(id: string): string {\n  return id;\n}\n' },
]);
const known = (p: string) => matchesSomething(files, p);
const mapped = (task: string) => rulesMapTask(task, known, KIND_PLANNING);

const modelStep: PlannerOutput['steps'][number] = {
  ...{ kind: 'docstring', variant: null, changedSince: null, paths: ['src/api'], declarationKinds: [], names: [] },
  ...{ exportedOnly: false, includeDocumented: false, instructions: '' },
};

/** A planner client that counts its calls and answers one docstring step over src/api. */
function planner() {
  const calls: StructuredCall<unknown>[] = [];
  const client: ModelClient = {
    async call<T>(request: StructuredCall<T>) {
      calls.push(request as StructuredCall<unknown>);
      return {
        output: { steps: [modelStep], unsupported: null } as T,
        usage: { requests: 1, inputTokens: 10, cachedInputTokens: 0, outputTokens: 5 },
        model: request.model,
      };
    },
  };
  return { client, calls };
}

describe('rulesMapTask: the rules map a plain phrasing, nothing more', () => {
  it.each([
    'Add a JSDoc comment to every exported function in src/math.ts',
    'add docstrings to every exported function',
    'add docstrings to src/api',
    'document the exported functions in math.ts',
    'Add TSDoc to all public functions and interfaces under src/',
    'format src/math.ts',
  ])('%j is mapped', (task) => {
    expect(mapped(task)).toEqual({ mapped: true, leftover: [] });
  });

  it.each([
    ['write docstrings explaining the retry logic in src/api', ['explaining', 'retry', 'logic']],
    ['document the `add` function in src/math.ts', ['add']],
    ['add docstrings to src/nope.ts', ['src/nope.ts']],
    ['rename getUser to fetchUser', []],
    ['review the changes and add docstrings', []],
  ])('%j is not (leftover %j)', (task, leftover) => {
    expect(mapped(task)).toEqual({ mapped: false, leftover });
  });
});

describe('makePlan with a model at hand', () => {
  const ledger = () => new UsageLedger(resolveConfig({}).prices, null);
  const plan = async (task: string, planning: 'auto' | 'model' | 'rules') => {
    const config = resolveConfig({ planning });
    const { client, calls } = planner();
    const out = await makePlan({ task, files, config, client, ledger: ledger() });
    return { plan: out, calls: calls.length, who: whoPlans(task, files, config, client) };
  };

  it('auto: a task the rules map is planned by them, with no planner call (plan.source rules)', async () => {
    const r = await plan('Add a JSDoc comment to every exported function in src/math.ts', 'auto');
    expect(r).toMatchObject({ calls: 0, who: 'rules', plan: { source: 'rules' } });
    expect(r.plan.steps).toHaveLength(1);
    expect(r.plan.steps[0]).toMatchObject({
      kind: 'docstring',
      selector: { paths: ['src/math.ts'], exportedOnly: true },
    });
  });

  it('auto: a task with words the rules cannot read asks the planner model', async () => {
    const r = await plan('write docstrings that explain the error handling in src/api', 'auto');
    expect(r).toMatchObject({ calls: 1, who: 'model', plan: { source: 'gpt-5.4' } });
  });

  it('model: always asks the planner model', async () => {
    const r = await plan('add docstrings to src/math.ts', 'model');
    expect(r).toMatchObject({ calls: 1, who: 'model', plan: { source: 'gpt-5.4' } });
  });

  it('rules: never asks; a task they cannot map is unsupported, with a hint to use --planning model', async () => {
    const r = await plan('write docstrings that explain the error handling in src/api', 'rules');
    expect(r).toMatchObject({ calls: 0, who: 'rules', plan: { source: 'rules' } });
    const err = await plan('rename getUser to fetchUser', 'rules').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_OFFLINE_UNSUPPORTED' });
    expect((err as Error).message).toContain('--planning model');
  });

  it('the offline engine (no client) plans with its rules whatever planning says', () => {
    expect(whoPlans('add docstrings', files, { planning: 'model' }, null)).toBe('offline');
  });
});
