import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { proveCommentOnly } from '@orchestrate/repo';
import { parseReport, runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';

const MATH = `export function add(a: number, b: number): number {
  return a + b;
}

export function divide(dividend: number, divisor: number): number {
  if (divisor === 0) throw new RangeError('division by zero');
  return dividend / divisor;
}

/** Squares a number. */
export function square(x: number): number {
  return x * x;
}

function internalHelper(): void {}

export class Store {
  private items: string[] = [];

  add(item: string): void {
    this.items.push(item);
  }

  private clear(): void {
    this.items = [];
  }
}
`;

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

function branchOf(report: Record<string, any>): string {
  expect(report.branch).toMatch(/^orchestrate\//);
  return report.branch as string;
}

describe('offline docstring run', () => {
  it('documents exported declarations on a run branch, comment-only, without touching the user tree', async () => {
    repo = makeRepo({ 'src/math.ts': MATH, 'README.md': '# demo\n' });
    repo.write('src/math.ts', `${MATH}\n// user's uncommitted edit\n`);
    repo.git('add', 'src/math.ts');
    repo.write('README.md', '# demo, edited but not staged\n');
    const before = repo.snapshot();

    const result = await runCli(['-C', repo.dir, '--json', 'add docstrings to the exported functions and classes']);
    expect(result.exitCode).toBe(0);
    const report = parseReport(result.stdout);
    expect(repo.snapshot()).toBe(before);
    expect(repo.read('src/math.ts')).toContain("// user's uncommitted edit");

    const branch = branchOf(report);
    const committed = repo.git('show', `${branch}:src/math.ts`);
    const original = repo.git('show', 'HEAD:src/math.ts');
    expect(proveCommentOnly('src/math.ts', original, committed).ok).toBe(true);
    expect(committed).toMatch(/\/\*\*\n \* .+\n \*\n \* @param a - .+\n \* @param b - .+\n \* @returns .+\n \*\/\nexport function add/);
    expect(committed).toMatch(/@param dividend[\s\S]*@throws[\s\S]*export function divide/);
    expect(committed).toContain('/** Squares a number. */\nexport function square');
    expect(committed.match(/\/\*\*/g)?.length).toBe(5); // add, divide, square (existing), Store, Store.add
    expect(committed).toMatch(/ {2}\/\*\*\n {3}\* .+\n {3}\*\n {3}\* @param item - .+\n {3}\*\/\n {2}add\(item/);
    expect(committed).not.toMatch(/\*\/\n\s*function internalHelper/);
    expect(committed).not.toMatch(/\*\/\n\s*private clear/);

    expect(report).toMatchObject({ engine: 'offline', status: 'completed', task: expect.any(String) });
    expect(report.jobs).toEqual({ total: 4, succeeded: 4, failed: 0, skipped: 0 });
    expect(report.usage).toEqual({});
    expect(report.costUsd).toBe(0);
    expect(report.items.map((i: any) => i.symbol).sort()).toEqual(['Store', 'Store.add', 'add', 'divide']);
    for (const item of report.items) expect(item).toMatchObject({ kind: 'docstring', file: 'src/math.ts', status: 'succeeded', model: 'offline', error: null });

    const onDisk = JSON.parse(readFileSync(path.join(repo.dir, '.orchestrate', 'runs', report.id, 'report.json'), 'utf8'));
    expect(onDisk).toEqual(report);
    expect(readFileSync(path.join(repo.dir, '.git', 'info', 'exclude'), 'utf8')).toContain('/.orchestrate/');
    expect(repo.git('status', '--porcelain')).not.toContain('.orchestrate');

    expect(report.commits).toHaveLength(1);
    const message = repo.git('log', '-1', '--format=%B', branch);
    expect(message).toContain(`Orchestrate-Run: ${report.id}`);
    expect(message).toMatch(/Orchestrate-Jobs: 4/);
    expect(message).toMatch(/Orchestrate-Cost-USD: 0\.000000/);
    expect(repo.git('rev-parse', `${branch}~1`).trim()).toBe(repo.git('rev-parse', 'HEAD').trim());
    expect(repo.git('worktree', 'list')).not.toContain(report.id);
  });

  it('prints a human summary that says how to look at, merge and delete the branch', async () => {
    repo = makeRepo({ 'src/a.ts': 'export function parseConfig(text: string): object {\n  return JSON.parse(text);\n}\n' });
    const result = await runCli(['-C', repo.dir, 'add docstrings']);
    expect(result.exitCode).toBe(0);
    const branch = /branch: (orchestrate\/\S+)/.exec(result.stdout)?.[1];
    expect(branch).toBeDefined();
    expect(result.stdout).toContain(`git merge ${branch}`);
    expect(result.stdout).toContain(`git branch -D ${branch}`);
    expect(result.stdout).toContain(`git log -p`);
    expect(result.stderr).toContain('orchestrate: work');
  });

  it('keeps CRLF line endings and a BOM, and indents like the surrounding code', async () => {
    const crlf = '\uFEFFnamespace_marker();\r\nexport class A {\r\n    run(x: number): number {\r\n        return x;\r\n    }\r\n}\r\n';
    repo = makeRepo({ 'src/win.ts': crlf });
    const result = await runCli(['-C', repo.dir, '--json', 'document everything']);
    expect(result.exitCode).toBe(0);
    const branch = branchOf(parseReport(result.stdout));
    const out = repo.git('show', `${branch}:src/win.ts`);
    expect(out.startsWith('\uFEFF')).toBe(true);
    expect(out.replace(/\r\n/g, '')).not.toContain('\n');
    expect(out).toContain('\r\n    /**\r\n     * ');
    expect(proveCommentOnly('src/win.ts', crlf, out).ok).toBe(true);
  });

  it('dry run shows the plan and jobs and creates nothing', async () => {
    repo = makeRepo({ 'src/a.ts': 'export function a(): number {\n  return 1;\n}\n' });
    const before = repo.snapshot();
    const result = await runCli(['-C', repo.dir, '--dry-run', '--json', 'add docstrings']);
    expect(result.exitCode).toBe(0);
    const report = parseReport(result.stdout);
    expect(report.status).toBe('dry-run');
    expect(report.jobs.total).toBe(1);
    expect(report.branch).toBeNull();
    expect(repo.git('branch', '--list', 'orchestrate/*').trim()).toBe('');
    expect(repo.snapshot()).toBe(before);
  });

  it('reports nothing to do when everything is documented', async () => {
    repo = makeRepo({ 'src/a.ts': '/** One. */\nexport function a(): number {\n  return 1;\n}\n' });
    const result = await runCli(['-C', repo.dir, '--json', 'add docstrings']);
    expect(result.exitCode).toBe(0);
    expect(parseReport(result.stdout)).toMatchObject({ status: 'nothing-to-do', branch: null });
  });

  it('limits the run to the paths the task names', async () => {
    repo = makeRepo({
      'src/math.ts': 'export function a(): number {\n  return 1;\n}\n',
      'src/other.ts': 'export function b(): number {\n  return 2;\n}\n',
    });
    const result = await runCli(['-C', repo.dir, '--json', 'add JSDoc to every exported function in src/math.ts']);
    expect(result.exitCode).toBe(0);
    const report = parseReport(result.stdout);
    expect(report.items.map((i: any) => i.file)).toEqual(['src/math.ts']);
  });
});
