// End-to-end (offline engine): "review my changes" reviews the working tree too (issue #12 §8) — staged, unstaged and
// untracked changes — read-only (the user's index and files stay byte for byte), and says which range it reviewed, for
// `orchestrate review` and for the task form.
import { afterEach, describe, expect, it } from 'vitest';
import { parseReport, runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { snapshotUserTree } from '../helpers/user-tree.js';

const CLEAN = 'export function one(n: number): number {\n  return n + 1;\n}\n';
const IDENTITY = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com'];

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

/** A repository with two commits, then uncommitted work: an unstaged edit, a staged edit and an untracked file, each with a `==`. */
function repoWithWork(): TempRepo {
  const r = makeRepo({
    'src/a.ts': CLEAN,
    'src/b.ts': CLEAN.replace('one', 'two'),
    'src/c.ts': CLEAN.replace('one', 'three'),
  });
  r.write('src/c.ts', `${CLEAN.replace('one', 'three')}export const committed = (v: number): boolean => v == 3;\n`);
  r.git('add', '-A');
  r.git(...IDENTITY, 'commit', '--quiet', '-m', 'committed change');
  r.write('src/a.ts', `${CLEAN}export const unstaged = (v: number): boolean => v == 1;\n`);
  r.write('src/b.ts', `${CLEAN.replace('one', 'two')}export const staged = (v: number): boolean => v == 2;\n`);
  r.git('add', 'src/b.ts');
  r.write('src/new.ts', 'export const untracked = (v: number): boolean => v == 4;\n');
  return r;
}

const files = (report: Record<string, any>) =>
  [...new Set(report.annotations.map((a: { file: string }) => a.file))].sort();

describe('reviewing uncommitted changes', () => {
  it('`orchestrate review` includes the working tree, reports the range, leaves the index and files untouched', async () => {
    repo = repoWithWork();
    const head = repo.git('rev-parse', 'HEAD').trim();
    const before = snapshotUserTree(repo.dir);
    const snapshot = repo.snapshot();
    const result = await runCli(['review', '-C', repo.dir, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = parseReport(result.stdout);
    expect(report.reviewed).toMatchObject({
      base: head,
      head,
      workingTree: true,
      files: 3,
      label: `${head.slice(0, 7)}..working tree`,
    });
    expect(files(report)).toEqual(['src/a.ts', 'src/b.ts', 'src/new.ts']);
    expect(repo.snapshot()).toBe(snapshot);
    expect(snapshotUserTree(repo.dir)).toEqual(before);

    const text = await runCli(['review', '-C', repo.dir]);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain(`reviewed ${head.slice(0, 7)}..working tree (3 files)`);
    expect(text.stdout).toContain('src/new.ts');
    expect(repo.snapshot()).toBe(snapshot);
  });

  it('an explicit range reviews commits only, and says so', async () => {
    repo = repoWithWork();
    const head = repo.git('rev-parse', 'HEAD').trim();
    const parent = repo.git('rev-parse', 'HEAD~1').trim();
    const result = await runCli(['review', 'HEAD~1..HEAD', '-C', repo.dir, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = parseReport(result.stdout);
    expect(report.reviewed).toMatchObject({
      base: parent,
      head,
      workingTree: false,
      files: 1,
      label: `${parent.slice(0, 7)}..${head.slice(0, 7)}`,
    });
    expect(files(report)).toEqual(['src/c.ts']);
  });

  it('the task form ("review my changes") reviews the working tree and prints the range', async () => {
    repo = repoWithWork();
    const head = repo.git('rev-parse', 'HEAD').trim();
    const snapshot = repo.snapshot();
    const result = await runCli(['-C', repo.dir, '--json', 'review my changes']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = parseReport(result.stdout);
    expect(report.reviewed).toMatchObject({ workingTree: true, label: `${head.slice(0, 7)}..working tree` });
    expect(files(report)).toEqual(['src/a.ts', 'src/b.ts', 'src/new.ts']);
    const text = await runCli(['-C', repo.dir, 'review my changes']);
    expect(text.stdout).toContain(`reviewed ${head.slice(0, 7)}..working tree (3 files)`);
    expect(repo.snapshot()).toBe(snapshot);
  });
});
