import { describe, expect, it } from 'vitest';
import { pathsInTask, planOffline } from '../src/index.js';

const known = (p: string) => ['src', 'src/math.ts', 'src/api', 'lib/util.ts'].includes(p);

describe('offline planner', () => {
  it.each([
    'add docstrings',
    'Add JSDoc comments to the public API',
    'document the exported functions in src/math.ts',
    'write TSDoc for src/api/',
  ])('maps %j to one docstring step', (task) => {
    const plan = planOffline(task, known);
    expect(plan.unsupported).toBeNull();
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]!.kind).toBe('docstring');
  });

  it('reads exported-only, kinds and paths from the task', () => {
    const [step] = planOffline('Add a JSDoc comment to every exported function in src/math.ts', known).steps;
    expect(step).toMatchObject({ exportedOnly: true, paths: ['src/math.ts'], includeDocumented: false });
    expect(step!.declarationKinds).toEqual(['function', 'arrow-function']);
  });

  it('a class implies its methods and accessors', () => {
    const [step] = planOffline('document the classes', known).steps;
    expect(step!.declarationKinds).toEqual(['class', 'method', 'accessor']);
  });

  it('refuses a task it cannot map', () => {
    expect(planOffline('migrate the project to Rust', known).steps).toEqual([]);
  });

  it('keeps only paths the repository has', () => {
    expect(pathsInTask('docs for src/api/, lib/util.ts and nope/missing.ts', known)).toEqual(['src/api', 'lib/util.ts']);
  });
});

describe('rewriting existing docs', () => {
  it.each([
    ['rewrite the docs in src/api', true],
    ['update all existing doc comments', true],
    ['improve the JSDoc of the parser', true],
    ['add docstrings to the public API', false],
    ['document everything', false],
  ])('%j asks to rewrite: %s', (task, expected) => {
    expect(planOffline(task, known).steps[0]!.includeDocumented).toBe(expected);
  });
});
