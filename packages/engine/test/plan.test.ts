import { kindContextFor } from '@orchestrate/jobs';
import { describe, expect, it } from 'vitest';
import { indexFiles } from '@orchestrate/repo';
import { expandPlan, normalizePlan } from '../src/plan.js';

const files = indexFiles([
  {
    path: 'src/math.ts',
    text: 'export function add(a: number, b: number): number {\n  return a + b;\n}\nfunction hidden(): void {}\n',
  },
  {
    path: 'src/api/users.ts',
    text: 'export interface User {\n  id: string;\n}\nexport function getUser(id: string): User {\n  return { id };\n}\n',
  },
]);

const kinds = kindContextFor(files);

const step = {
  kind: 'docstring' as const,
  variant: null,
  changedSince: null,
  paths: [],
  declarationKinds: [],
  names: [],
  exportedOnly: false,
  includeDocumented: false,
  instructions: '',
};

describe('plan normalisation and expansion', () => {
  it('expands selectors into one job per target, deterministically', () => {
    const plan = normalizePlan({ steps: [{ ...step, exportedOnly: true }], unsupported: null }, 'task', files, 'test');
    expect(expandPlan(plan, kinds).map((t) => t.job.id)).toEqual([
      'step-1:src/math.ts#add',
      'step-1:src/api/users.ts#User',
      'step-1:src/api/users.ts#getUser',
    ]);
  });

  it('drops paths that match nothing, with a warning; a step left with none is dropped, not widened', () => {
    const plan = normalizePlan(
      {
        steps: [
          { ...step, paths: ['lib/nowhere', 'src/api'] },
          { ...step, paths: ['lib/nowhere'] },
        ],
        unsupported: null,
      },
      'document src/api',
      files,
      'test',
    );
    expect(plan.steps.map((s) => [s.id, s.selector.paths])).toEqual([['step-1', ['src/api']]]);
    expect(plan.warnings.join('\n')).toContain('lib/nowhere');
    expect(expandPlan(plan, kinds).every((t) => t.job.file === 'src/api/users.ts')).toBe(true);
  });

  it('accepts globs and directories', () => {
    const plan = normalizePlan(
      {
        steps: [
          { ...step, paths: ['src/**/*.ts'] },
          { ...step, paths: ['src/api/'] },
        ],
        unsupported: null,
      },
      't',
      files,
      'test',
    );
    expect(plan.steps[0]!.selector.paths).toEqual(['src/**/*.ts']);
    expect(plan.steps[1]!.selector.paths).toEqual(['src/api/']);
  });

  it('a target claimed by an earlier step is not given to a later one', () => {
    const plan = normalizePlan(
      { steps: [step, { ...step, paths: ['src/api'] }], unsupported: null },
      't',
      files,
      'test',
    );
    const jobs = expandPlan(plan, kinds);
    expect(jobs.filter((t) => t.job.symbol === 'getUser')).toHaveLength(1);
    expect(jobs.find((t) => t.job.symbol === 'getUser')!.job.stepId).toBe('step-1');
  });

  it('ignores names the repository does not have', () => {
    const plan = normalizePlan(
      { steps: [{ ...step, names: ['add', 'ghost'] }], unsupported: null },
      't',
      files,
      'test',
    );
    expect(plan.steps[0]!.selector.names).toEqual(['add']);
    expect(expandPlan(plan, kinds).map((t) => t.job.symbol)).toEqual(['add']);
  });
});

describe('code decides what the planner may widen', () => {
  it('keeps existing docs unless the task itself asks to rewrite them', () => {
    const out = { steps: [{ ...step, includeDocumented: true }], unsupported: null };
    expect(normalizePlan(out, 'add docstrings', files, 'm').steps[0]!.selector.missingDocsOnly).toBe(true);
    expect(normalizePlan(out, 'rewrite the docs', files, 'm').steps[0]!.selector.missingDocsOnly).toBe(false);
  });
});
