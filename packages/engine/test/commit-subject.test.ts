import { describe, expect, it } from 'vitest';
import type { JobKind, PlanStep, StepVariant } from '@orchestrate/core';
import { emptyOutcome, type JobTarget } from '@orchestrate/jobs';
import { indexFiles } from '@orchestrate/repo';
import { commitSubject } from '../src/commit.js';
import { newJobState, type JobState } from '../src/job/state.js';

/** Verified jobs of one kind and variant over `files` (one job per entry; `covers` is what a test file tests). */
function jobs(kind: JobKind, variant: StepVariant | null, entries: { file: string; covers?: string[] }[]): JobState[] {
  const step: PlanStep = {
    id: 'step-1',
    kind,
    variant,
    selector: {
      paths: [],
      declarationKinds: [],
      names: [],
      exportedOnly: false,
      missingDocsOnly: false,
      changedSince: null,
    },
    instructions: '',
  };
  return entries.map(({ file, covers }, i) => {
    const [index] = indexFiles([{ path: file, text: 'export const a = 1;\n' }]);
    const target: JobTarget = {
      job: { id: `j${i}`, stepId: step.id, kind, file, symbol: 'a', declarationKind: 'arrow-function' },
      step,
      file: index!,
      declaration: null,
      lines: null,
    };
    const state = newJobState(target);
    state.outcome = { ...emptyOutcome(), ...(covers ? { covers } : {}) };
    return state;
  });
}

describe('commitSubject', () => {
  it('says which tests were added: functions, and the file or how many files', () => {
    expect(
      commitSubject('boilerplate', jobs('boilerplate', 'tests', [{ file: 'src/x.ts', covers: ['a', 'b', 'c'] }]), 1),
    ).toBe('test: add unit tests for 3 functions in src/x.ts');
    const two = jobs('boilerplate', 'tests', [
      { file: 'src/x.ts', covers: ['a'] },
      { file: 'src/y.ts', covers: ['b', 'c', 'd'] },
    ]);
    expect(commitSubject('boilerplate', two, 2)).toBe('test: add unit tests for 4 functions in 2 files');
    expect(commitSubject('boilerplate', jobs('boilerplate', 'tests', [{ file: 'src/x.ts', covers: ['a'] }]), 1)).toBe(
      'test: add unit tests for 1 function in src/x.ts',
    );
  });

  it('reads as what was done for every other kind and variant', () => {
    const one = [{ file: 'src/x.ts' }, { file: 'src/x.ts' }];
    const many = [{ file: 'src/x.ts' }, { file: 'src/y.ts' }, { file: 'src/z.ts' }];
    expect(commitSubject('docstring', jobs('docstring', null, one), 1)).toBe(
      'docs: add doc comments to 2 declarations in src/x.ts',
    );
    expect(commitSubject('docstring', jobs('docstring', null, many), 3)).toBe(
      'docs: add doc comments to 3 declarations in 3 files',
    );
    expect(commitSubject('boilerplate', jobs('boilerplate', 'bodies', one), 1)).toBe(
      'feat: implement 2 function bodies in src/x.ts',
    );
    expect(commitSubject('boilerplate', jobs('boilerplate', 'bodies', [{ file: 'a.ts' }]), 1)).toBe(
      'feat: implement 1 function body in a.ts',
    );
    expect(commitSubject('boilerplate', jobs('boilerplate', 'types', many), 3)).toBe(
      'refactor: add type annotations to 3 declarations in 3 files',
    );
    expect(commitSubject('reformat', jobs('reformat', 'format', [{ file: 'src/x.ts' }]), 1)).toBe(
      'style: format src/x.ts',
    );
    expect(commitSubject('reformat', jobs('reformat', 'format', many), 3)).toBe('style: format 3 files');
    expect(commitSubject('reformat', jobs('reformat', 'conventions', one), 1)).toBe(
      'style: apply the code conventions to 2 declarations in src/x.ts',
    );
    expect(commitSubject('custom', jobs('custom', null, one), 1)).toBe(
      'chore: apply the task to 2 targets in src/x.ts',
    );
  });
});
