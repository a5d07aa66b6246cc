import { describe, expect, it } from 'vitest';
import { pathWordsInTask, pathsInTask, planOffline as planWith } from '@orchestrate/agents';
import { KIND_PLANNING } from '@orchestrate/jobs';

/** The offline planner over the registry's kinds, as the engine runs it. */
const planOffline = (task: string, known: (p: string) => boolean) => planWith(task, known, KIND_PLANNING);

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
    expect(pathsInTask('docs for src/api/, lib/util.ts and nope/missing.ts', known)).toEqual([
      'src/api',
      'lib/util.ts',
    ]);
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

describe('words of a task that name paths', () => {
  const words = (task: string) => pathWordsInTask(task).map((w) => `${w.path}${w.certain ? '' : '?'}`);

  it('finds files, directories and globs, without punctuation, ./ or :line suffixes', () => {
    expect(words('document src/api/, ./lib/util.ts:12 and (test/x.test.ts). Also `src/**/*.ts` and math.ts')).toEqual([
      'src/api',
      'lib/util.ts',
      'test/x.test.ts',
      'src/**/*.ts',
      'math.ts',
    ]);
  });

  it('a slash word without a sign of a path is only a maybe (origin/main, foo/bar)', () => {
    expect(words('review since origin/main in foo/bar')).toEqual(['origin/main?', 'foo/bar?']);
  });

  it.each([
    'add docstrings, e.g. to the parser (v1.2 style, like node.js and next.js)',
    'convert var to let/const and promise chains to async/await, and/or CommonJS/ESM',
    'see https://example.com/docs/guide.ts and www.example.com/a.ts',
    'use the types of @types/node and ~/notes.ts',
    'review HEAD~1 and write tests/specs',
  ])('%j names no path', (task) => {
    expect(words(task)).toEqual([]);
  });
});
