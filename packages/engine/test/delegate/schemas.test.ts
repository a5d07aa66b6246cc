// Every tool's output, from real offline runs, parses with its schema: plan, start_run, run_status, run_result,
// cancel_run, run, review, list_runs, apply_run and undo_run. One repository for the file.
import { afterAll, describe, expect, it } from 'vitest';
import { RunManager } from '../../src/delegate/run-manager.js';
import { DELEGATE_TOOLS } from '../../src/delegate/schemas.js';
import { makeRepo } from '../../../../test/helpers/repo.js';

const MATH = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
const repo = makeRepo({ 'src/math.ts': MATH, 'src/hostile\u001b[2J.ts': 'export const x = 1;\n' });
const m = new RunManager({ roots: [repo.dir], env: {}, defaults: { engine: 'offline' } });
afterAll(async () => {
  await m.close();
  repo.cleanup();
});

type Tools = typeof DELEGATE_TOOLS;
/** The output parsed with the tool's own schema (a mismatch throws). */
const parse = <K extends keyof Tools>(tool: K, out: unknown) =>
  DELEGATE_TOOLS[tool].output.parse(out) as ReturnType<Tools[K]['output']['parse']>;

describe('tool outputs of real runs parse with their schemas', () => {
  it('plan, run, status, result, cancel, list, apply, undo, review', async () => {
    const before = repo.snapshot();
    const plan = parse('plan', await m.plan({ task: 'add docstrings to src/' }));
    expect(plan.jobs.total).toBeGreaterThan(0);
    expect(plan.summary).toMatch(/^Dry run \S+ \(offline engine\)/);
    expect(plan.summary).not.toContain('\u001b');
    expect(repo.snapshot()).toBe(before);

    const run = parse('run', await m.run({ task: 'add docstrings to src/math.ts', waitSec: 120 }));
    expect(run).toMatchObject({ finished: true, status: 'completed' });
    parse('run_status', await m.status({ runId: run.runId }));
    parse('run_result', await m.result({ runId: run.runId }));
    parse('cancel_run', await m.cancel({ runId: run.runId }));
    const start = parse('start_run', await m.start({ task: 'add docstrings to src/math.ts' }));
    parse('run_result', await m.result({ runId: start.runId, waitSec: 120 }));

    const list = parse('list_runs', await m.list({ limit: 5 }));
    expect(list.runs.map((r) => r.id)).toEqual(expect.arrayContaining([run.runId, start.runId]));

    const applied = parse('apply_run', await m.apply({ runId: run.runId }));
    expect(applied).toMatchObject({ runId: run.runId, into: 'main', fastForward: true });
    expect(applied.summary).toContain('fast-forwarded into main');
    const undone = parse('undo_run', await m.undo({ runId: start.runId }));
    expect(undone).toMatchObject({ deletedBranch: true });

    repo.write('src/math.ts', `${MATH}export function   sub(a: number, b: number) { return a - b }\n`);
    const review = parse('review', await m.review({ workingTree: true }));
    expect(review.reviewed.label).toContain('working tree');
    expect(review.summary).toMatch(/^Review \S+ of /);
  });
});
