// runTask() in process (offline engine): `cwd` on a folder inside a larger repository scopes the run to that folder
// (issue #12 §8): only its files are indexed, planned and edited, paths stay repository-relative, and the summary says so.
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { formatRunOutput, runEngine } from '../../../test/helpers/engine.js';
import { makeRepo, type TempRepo } from '../../../test/helpers/repo.js';

const fn = (name: string) => `export function ${name}(n: number): number {\n  return n + 1;\n}\n`;

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

const changed = (r: TempRepo, branch: string) =>
  r.git('diff', '--name-only', 'HEAD', branch).trim().split('\n').filter(Boolean).sort();

describe('runTask: cwd inside a repository (-C <dir>)', () => {
  it('documents only the files under <dir>; a path in the task is read relative to <dir>; the summary names the scope', async () => {
    repo = makeRepo({
      'src/root.ts': fn('root'),
      'packages/api/src/a.ts': fn('a'),
      'packages/api/lib/b.ts': fn('b'),
      'packages/web/src/c.ts': fn('c'),
    });
    const dir = path.join(repo.dir, 'packages', 'api');
    const { report } = await runEngine({ cwd: dir, task: 'add docstrings' });
    expect(report.status).toBe('completed');
    expect(report.scope).toBe('packages/api');
    expect(report.items.map((i: { file: string }) => i.file).sort()).toEqual([
      'packages/api/lib/b.ts',
      'packages/api/src/a.ts',
    ]);
    expect(changed(repo, report.branch)).toEqual(['packages/api/lib/b.ts', 'packages/api/src/a.ts']);

    const named = await runEngine({ cwd: dir, task: 'add docstrings to src/' });
    expect(named.report.status).toBe('completed');
    const summary = await formatRunOutput(named.report as never, false);
    expect(summary).toContain('scope: packages/api/');
    const branch = /branch: (orchestrate\/\S+)/.exec(summary)?.[1];
    expect(branch).toBeDefined();
    expect(changed(repo, branch!)).toEqual(['packages/api/src/a.ts']);
  });

  it('at the repository root the run is not scoped', async () => {
    repo = makeRepo({ 'src/root.ts': fn('root'), 'packages/api/src/a.ts': fn('a') });
    const { report } = await runEngine({ cwd: repo.dir, task: 'add docstrings' });
    expect(report.status).toBe('completed');
    expect(report.scope).toBeUndefined();
    expect(changed(repo, report.branch)).toEqual(['packages/api/src/a.ts', 'src/root.ts']);
  });
});

describe('-C <dir> with a review', () => {
  it('reviews and counts only the changed files under <dir>', async () => {
    repo = makeRepo({ 'src/root.ts': fn('root'), 'packages/api/src/a.ts': fn('a') });
    repo.write('src/root.ts', `${fn('root')}export const r = (v: number): boolean => v == 1;\n`);
    repo.write('packages/api/src/a.ts', `${fn('a')}export const s = (v: number): boolean => v == 2;\n`);
    const { report } = await runEngine({
      cwd: path.join(repo.dir, 'packages', 'api'),
      task: 'review the current branch',
      review: { base: null, head: null },
    });
    expect(report.status).toBe('completed');
    expect([...new Set(report.annotations.map((a: { file: string }) => a.file))]).toEqual(['packages/api/src/a.ts']);
    expect(report.reviewed).toMatchObject({ workingTree: true, files: 1 });
  });
});
