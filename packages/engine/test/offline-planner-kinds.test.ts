import { describe, expect, it } from 'vitest';
import { planOffline as planWith } from '@orchestrate/agents';
import { KIND_PLANNING } from '@orchestrate/jobs';

/** The offline planner over the registry's kinds, as the engine runs it. */
const planOffline = (task: string, known: (p: string) => boolean) => planWith(task, known, KIND_PLANNING);

const PATHS = ['src', 'src/x.ts', 'src/parser', 'lib', 'lib/util.ts'];
const known = (p: string) => PATHS.includes(p) || p === '**/util.ts';

/** The plan's steps as `kind/variant`, with their paths and changedSince. */
function steps(task: string) {
  const plan = planOffline(task, known);
  return plan.steps.map((s) => ({
    kind: `${s.kind}/${s.variant ?? '-'}`,
    paths: s.paths,
    changedSince: s.changedSince,
  }));
}

describe('offline planner: one plain phrasing per kind', () => {
  it.each([
    ['add docstrings', 'docstring/-', []],
    ['add JSDoc to src/parser', 'docstring/-', ['src/parser']],
    ['format the code', 'reformat/format', []],
    ['reformat src/', 'reformat/format', ['src']],
    ['run prettier on lib/util.ts', 'reformat/format', ['lib/util.ts']],
    ['add unit tests for src/x.ts', 'boilerplate/tests', ['src/x.ts']],
    ['write tests for lib/', 'boilerplate/tests', ['lib']],
    ['write specs for src/parser', 'boilerplate/tests', ['src/parser']],
    ['add return types', 'boilerplate/types', []],
    ['add return types to src/', 'boilerplate/types', ['src']],
    ['add type annotations to lib/util.ts', 'boilerplate/types', ['lib/util.ts']],
    ['implement the stubs', 'boilerplate/bodies', []],
    ['fill in the stub functions in src/x.ts', 'boilerplate/bodies', ['src/x.ts']],
    ['convert var to let/const', 'reformat/conventions', []],
    ['convert var to let/const in src/parser', 'reformat/conventions', ['src/parser']],
  ] as const)('%j → %s in %j', (task, kind, paths) => {
    expect(steps(task)).toEqual([{ kind, paths: [...paths], changedSince: null }]);
  });

  it('a convention step carries the task as its instructions (workers need the convention)', () => {
    const [step] = planOffline('convert var to let/const', known).steps;
    expect(step!.instructions).toBe('convert var to let/const');
    expect(planOffline('format the code', known).steps[0]!.instructions).toBe('');
  });
});

describe('offline planner: review', () => {
  it.each([
    ['review the last commit', 'HEAD~1'],
    ['review HEAD', 'HEAD~1'],
    ['review the last 3 commits', 'HEAD~3'],
    ['review my changes', null],
    ['audit src/parser', null],
  ] as const)('%j → review since %s', (task, since) => {
    const plan = steps(task);
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({ kind: 'review/-', changedSince: since });
  });

  it('review wins alone over edit kinds in the same phrase', () => {
    expect(steps('review and document src/x.ts')).toEqual([
      { kind: 'review/-', paths: ['src/x.ts'], changedSince: null },
    ]);
  });
});

describe('offline planner: mixed and refused tasks', () => {
  it('a task naming two kinds gives two steps over the same paths', () => {
    const plan = steps('document the public API of src/parser and add tests for it');
    expect(plan.map((s) => s.kind).sort()).toEqual(['boilerplate/tests', 'docstring/-']);
    for (const s of plan) expect(s.paths).toEqual(['src/parser']);
    expect(
      planOffline('document the public API of src/parser and add tests for it', known).steps.every(
        (s) => s.exportedOnly,
      ),
    ).toBe(true);
  });

  it('only edit steps and review have changedSince set by the phrase', () => {
    for (const task of ['add docstrings', 'format the code', 'add unit tests for src/x.ts', 'implement the stubs']) {
      expect(planOffline(task, known).steps.every((s) => s.changedSince === null)).toBe(true);
    }
  });

  it.each([
    'make the tests pass',
    'fix the failing tests',
    'fix the failing unit tests',
    'repair broken specs',
    'migrate to Rust',
  ])('%j is not a job the offline engine can do', (task) => {
    const plan = planOffline(task, known);
    expect(plan.steps).toEqual([]);
    expect(plan.unsupported).toEqual(expect.any(String));
  });

  it('a path the repository does not have is kept, so code drops the step instead of widening it to everything', () => {
    expect(steps('add unit tests for src/missing.ts')).toEqual([
      { kind: 'boilerplate/tests', paths: ['src/missing.ts'], changedSince: null },
    ]);
    expect(steps('convert var to let/const')).toEqual([
      { kind: 'reformat/conventions', paths: [], changedSince: null },
    ]);
  });

  it('a bare file name names that file wherever it lies', () => {
    expect(steps('add unit tests for util.ts')).toEqual([
      { kind: 'boilerplate/tests', paths: ['**/util.ts'], changedSince: null },
    ]);
  });
});
