// The planner's answer is data: every field is checked in code; what does not resolve is dropped with a warning.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, UsageLedger } from '@orchestrate/core';
import type { ModelClient, PlannerOutput, StructuredCall } from '@orchestrate/agents';
import { kindContextFor } from '@orchestrate/jobs';
import { indexFiles } from '@orchestrate/repo';
import { expandPlan, makePlan, normalizePlan, resolvePlanRefs } from '../src/plan.js';

const files = indexFiles([
  { path: 'src/math.ts', text: 'export function add(a: number, b: number): number {\n  return a + b;\n}\n' },
  { path: 'src/api/users.ts', text: 'export function getUser(id: string): string {\n  return id;\n}\n' },
]);
const kinds = kindContextFor(files);
type Step = PlannerOutput['steps'][number];
const step: Step = {
  kind: 'docstring',
  variant: null,
  changedSince: null,
  paths: [],
  declarationKinds: [],
  names: [],
  exportedOnly: false,
  includeDocumented: false,
  instructions: '',
};
const plan = (steps: Step[], task = 'add docstrings') =>
  normalizePlan({ steps, unsupported: null }, task, files, 'test');

describe('normalizePlan: fields that do not resolve are dropped with a warning', () => {
  it('a changedSince that is not a ref (a sentence, control characters) becomes null with a warning', () => {
    const p = plan([
      { ...step, changedSince: 'the last release, probably' },
      { ...step, kind: 'review', changedSince: 'HEAD\u0007~1' },
      { ...step, kind: 'custom', changedSince: '--output=/tmp/x' },
    ]);
    expect(p.steps.map((s) => s.selector.changedSince)).toEqual([null, null, null]);
    expect(p.warnings.filter((w) => /changedSince/.test(w))).toHaveLength(3);
    expect(p.warnings.join('\n')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
  });

  it('a step whose paths all fail to resolve is dropped, never widened to the whole repository', () => {
    const p = plan(
      [
        { ...step, paths: ['src/nope.ts'] },
        { ...step, kind: 'boilerplate', variant: 'tests', paths: ['src/math.ts', 'src/ghost.ts'] },
      ],
      'add tests for src/math.ts',
    );
    expect(p.steps.map((s) => s.id)).toEqual(['step-2']);
    expect(p.steps[0]!.selector.paths).toEqual(['src/math.ts']);
    expect(p.warnings.join('\n')).toMatch(/step-1.*dropped/);
    expect(p.warnings.join('\n')).toContain('src/ghost.ts');
  });

  it('paths outside the repository, with control characters, or oversized are dropped', () => {
    const p = plan([
      {
        ...step,
        paths: ['../outside.ts', '/etc/passwd', 'src/\u0000math.ts', `src/${'x'.repeat(5000)}`, 'src/math.ts'],
      },
    ]);
    expect(p.steps[0]!.selector.paths).toEqual(['src/math.ts']);
    expect(p.warnings.join('\n')).not.toContain('\u0000');
  });

  it('a step whose names all fail to resolve is dropped (an empty list would mean every declaration)', () => {
    const p = plan([
      { ...step, names: ['ghost'] },
      { ...step, names: ['add', 'phantom'] },
    ]);
    expect(p.steps.map((s) => s.id)).toEqual(['step-2']);
    expect(p.steps[0]!.selector.names).toEqual(['add']);
  });

  it('a variant that does not fit its kind is replaced, with a warning; a kind without variants gets null', () => {
    const p = plan(
      [
        { ...step, kind: 'boilerplate', variant: 'format', paths: ['src/math.ts'] },
        { ...step, variant: 'tests' },
      ],
      'add unit tests',
    );
    expect(p.steps.map((s) => s.variant)).toEqual(['tests', null]);
    expect(p.warnings.filter((w) => /variant/.test(w))).toHaveLength(2);
  });

  it('an unknown kind or declaration kind is dropped, with a warning', () => {
    const p = plan([
      { ...step, kind: 'delete-everything' as Step['kind'] },
      { ...step, declarationKinds: ['function', 'module' as Step['declarationKinds'][number]] },
    ]);
    expect(p.steps.map((s) => s.id)).toEqual(['step-2']);
    expect(p.steps[0]!.selector.declarationKinds).toEqual(['function']);
    expect(p.warnings.join('\n')).toMatch(/delete-everything/);
  });

  it('instructions lose control and bidi characters and are cut to size, with a warning', () => {
    const p = plan([{ ...step, instructions: `be brief\u0000\u202e\u0007 please\n${'y'.repeat(3000)}` }]);
    const text = p.steps[0]!.instructions;
    expect(text.startsWith('be brief please\n')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(p.warnings.filter((w) => /instructions/.test(w)).length).toBeGreaterThan(0);
  });

  it('fields of the wrong type are treated as absent (an answer that skipped its schema)', () => {
    const bad = {
      ...step,
      paths: 'src/math.ts',
      names: null,
      exportedOnly: 'yes',
      instructions: 42,
    } as unknown as Step;
    const p = plan([bad]);
    expect(p.steps[0]!.selector).toMatchObject({ paths: [], names: [], exportedOnly: false });
    expect(p.steps[0]!.instructions).toBe('');
  });

  it('duplicate steps (same kind, variant, selector) are merged into one, with a warning', () => {
    const p = plan([
      { ...step, paths: ['src/math.ts', 'src/api'], instructions: 'be brief' },
      { ...step, paths: ['src/api', 'src/math.ts'], instructions: 'mention units' },
      { ...step, paths: ['src/math.ts', 'src/api'], instructions: 'be brief' },
    ]);
    expect(p.steps).toHaveLength(1);
    expect(p.steps[0]!.instructions).toBe('be brief\nmention units');
    expect(p.warnings.filter((w) => /merged/.test(w))).toHaveLength(2);
    expect(expandPlan(p, kinds)).toHaveLength(2);
  });
});

describe('resolvePlanRefs: a planner ref that names no commit is dropped', () => {
  it('keeps refs that resolve and drops the rest, with a warning', async () => {
    const p = plan([
      { ...step, kind: 'review', changedSince: 'HEAD~1' },
      { ...step, kind: 'review', changedSince: 'v9.9.9', paths: ['src'] },
    ]);
    await resolvePlanRefs(p, 'review the code', async (ref) => ref === 'HEAD~1');
    expect(p.steps.map((s) => s.selector.changedSince)).toEqual(['HEAD~1', null]);
    expect(p.warnings.join('\n')).toMatch(/v9\.9\.9/);
  });

  it("a ref the user wrote in the task that does not exist is the user's mistake: E_USAGE", async () => {
    const p = plan([{ ...step, kind: 'review', changedSince: 'v9.9.9' }]);
    await expect(resolvePlanRefs(p, 'review the changes since v9.9.9', async () => false)).rejects.toMatchObject({
      code: 'E_USAGE',
    });
  });
});

describe('makePlan: a task naming a path the repository lacks stops before any call', () => {
  let root: string;
  // The planner model's answers are under test: planning auto would let the rules plan a task they map.
  const config = resolveConfig({ planning: 'model' });
  const ledger = () => new UsageLedger(config.prices, null);
  beforeAll(() => {
    root = realpathSync(mkdtempSync(path.join(tmpdir(), 'plan-answers-')));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
    git('init', '--quiet', '--initial-branch=main');
    mkdirSync(path.join(root, 'src/api'), { recursive: true });
    writeFileSync(path.join(root, 'src/math.ts'), 'export const x = 1;\n');
    writeFileSync(path.join(root, 'src/api/users.ts'), 'export const y = 1;\n');
    writeFileSync(path.join(root, 'src/data.json'), '{}\n');
    git('add', '-A');
    git('-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '--quiet', '-m', 'init');
    writeFileSync(path.join(root, 'src/draft.ts'), 'export const z = 1;\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A planner client that counts its calls and answers `answer`. */
  function planner(answer: PlannerOutput) {
    const calls: StructuredCall<unknown>[] = [];
    const client: ModelClient = {
      async call<T>(request: StructuredCall<T>) {
        calls.push(request as StructuredCall<unknown>);
        return {
          output: answer as T,
          usage: { requests: 1, inputTokens: 10, cachedInputTokens: 0, outputTokens: 5 },
          model: request.model,
        };
      },
    };
    return { client, calls };
  }

  it.each([
    ['add unit tests for src/nope.ts', 'src/nope.ts'],
    ['add docstrings to lib/', 'lib'],
    ['document src/api/nothing', 'src/api/nothing'],
  ])('offline: %j is E_PATH_NOT_FOUND naming %s', async (task, missing) => {
    const err = await makePlan({ task, files, config, client: null, ledger: ledger(), root }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_PATH_NOT_FOUND', userFacing: true });
    expect((err as { paths: string[] }).paths).toEqual([missing]);
  });

  it('openai: the planner is never called for a task naming a missing path', async () => {
    const { client, calls } = planner({ steps: [step], unsupported: null });
    await expect(
      makePlan({ task: 'add docstrings to src/nope.ts', files, config, client, ledger: ledger(), root }),
    ).rejects.toMatchObject({ code: 'E_PATH_NOT_FOUND' });
    expect(calls).toHaveLength(0);
  });

  it.each([
    'add docstrings, e.g. to the parser (v1.2 style, like node.js does)',
    'convert var to let/const and promise chains to async/await',
    'add docstrings to src/data.json',
    'review the changes since origin/main',
    'add docstrings to src/math.ts and src/api/',
    'see https://example.com/docs/guide.ts for the style',
  ])('%j names no missing path', async (task) => {
    const { client } = planner({ steps: [{ ...step, paths: ['src/math.ts'] }], unsupported: null });
    await expect(makePlan({ task, files, config, client, ledger: ledger(), root })).resolves.toMatchObject({
      source: expect.any(String),
    });
  });

  it('a file only in the working tree is named as not committed', async () => {
    const err = await makePlan({
      task: 'add docstrings to src/draft.ts',
      files,
      config,
      client: null,
      ledger: ledger(),
      root,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_PATH_NOT_FOUND' });
    expect(String((err as Error).message)).toMatch(/commit/);
  });

  it('openai: a changedSince that names no commit is dropped with a warning and the plan goes on', async () => {
    const { client } = planner({
      steps: [
        { ...step, kind: 'review', changedSince: 'release-candidate' },
        { ...step, paths: ['src/math.ts'], changedSince: 'HEAD' },
      ],
      unsupported: null,
    });
    const p = await makePlan({ task: 'review and document', files, config, client, ledger: ledger(), root });
    expect(p.steps.map((s) => s.selector.changedSince)).toEqual([null, 'HEAD']);
    expect(p.warnings.join('\n')).toContain('release-candidate');
  });

  it('openai: when every step is dropped the run has nothing to do', async () => {
    const { client } = planner({ steps: [{ ...step, paths: ['src/ghost.ts'] }], unsupported: null });
    await expect(
      makePlan({ task: 'add docstrings', files, config, client, ledger: ledger(), root }),
    ).rejects.toMatchObject({ code: 'E_NOTHING_TO_DO' });
  });
});
