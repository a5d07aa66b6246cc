// runTask() in process, offline engine: docstrings, test skeletons, return types, stubs, formatting, a mixed task.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { proveCommentOnly, proveFormattingOnly } from '@orchestrate/repo';
import { runEngine, runOutcome, type EngineError } from '../../../test/helpers/engine.js';
import { makeRepo, type TempRepo } from '../../../test/helpers/repo.js';

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

    const { report } = await runEngine({ cwd: repo.dir, task: 'add docstrings to the exported functions and classes' });
    expect(repo.snapshot()).toBe(before);
    expect(repo.read('src/math.ts')).toContain("// user's uncommitted edit");

    const branch = branchOf(report);
    const committed = repo.git('show', `${branch}:src/math.ts`);
    const original = repo.git('show', 'HEAD:src/math.ts');
    expect(proveCommentOnly('src/math.ts', original, committed).ok).toBe(true);
    expect(committed).toMatch(
      /\/\*\*\n \* .+\n \*\n \* @param a - .+\n \* @param b - .+\n \* @returns .+\n \*\/\nexport function add/,
    );
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
    for (const item of report.items)
      expect(item).toMatchObject({
        kind: 'docstring',
        file: 'src/math.ts',
        status: 'succeeded',
        model: 'offline',
        error: null,
      });

    const onDisk = JSON.parse(
      readFileSync(path.join(repo.dir, '.orchestrate', 'runs', report.id, 'report.json'), 'utf8'),
    );
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

  it('keeps CRLF line endings and a BOM, and indents like the surrounding code', async () => {
    const crlf =
      '\uFEFFnamespace_marker();\r\nexport class A {\r\n    run(x: number): number {\r\n        return x;\r\n    }\r\n}\r\n';
    repo = makeRepo({ 'src/win.ts': crlf });
    const { report } = await runEngine({ cwd: repo.dir, task: 'document everything' });
    expect(report.status).toBe('completed');
    const branch = branchOf(report);
    const out = repo.git('show', `${branch}:src/win.ts`);
    expect(out.startsWith('\uFEFF')).toBe(true);
    expect(out.replace(/\r\n/g, '')).not.toContain('\n');
    expect(out).toContain('\r\n    /**\r\n     * ');
    expect(proveCommentOnly('src/win.ts', crlf, out).ok).toBe(true);
  });

  it('dry run shows the plan and jobs and creates nothing', async () => {
    repo = makeRepo({ 'src/a.ts': 'export function a(): number {\n  return 1;\n}\n' });
    const before = repo.snapshot();
    const { report } = await runEngine({ cwd: repo.dir, dryRun: true, task: 'add docstrings' });
    expect(report.status).toBe('dry-run');
    expect(report.jobs.total).toBe(1);
    expect(report.branch).toBeNull();
    expect(repo.git('branch', '--list', 'orchestrate/*').trim()).toBe('');
    expect(repo.snapshot()).toBe(before);
  });

  it('reports nothing to do when everything is documented', async () => {
    repo = makeRepo({ 'src/a.ts': '/** One. */\nexport function a(): number {\n  return 1;\n}\n' });
    const { report } = await runEngine({ cwd: repo.dir, task: 'add docstrings' });
    expect(report).toMatchObject({ status: 'nothing-to-do', branch: null });
  });

  it('limits the run to the paths the task names', async () => {
    repo = makeRepo({
      'src/math.ts': 'export function a(): number {\n  return 1;\n}\n',
      'src/other.ts': 'export function b(): number {\n  return 2;\n}\n',
    });
    const { report } = await runEngine({ cwd: repo.dir, task: 'add JSDoc to every exported function in src/math.ts' });
    expect(report.status).toBe('completed');
    expect(report.items.map((i: any) => i.file)).toEqual(['src/math.ts']);
  });
});

/** Runs the engine offline in process; checks the user's tree is untouched and returns the report or the error. */
async function run(r: TempRepo, task: string): Promise<{ report: Record<string, any>; error: EngineError | null }> {
  const before = r.snapshot();
  const { report, error } = await runOutcome({ cwd: r.dir, task });
  expect(r.snapshot()).toBe(before);
  expect(r.git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  return { report: report ?? { error }, error };
}

/** `A\tpath` / `M\tpath` lines between `from` and `to`. */
const diffNames = (r: TempRepo, from: string, to: string) =>
  r.git('diff', '--name-status', from, to).trim().split('\n').filter(Boolean).sort();
const orchestrateBranches = (r: TempRepo) => r.git('branch', '--list', 'orchestrate/*').trim();

/** The file an import specifier in `testFile` points at, without its extension. */
const resolveImport = (testFile: string, spec: string) =>
  path.posix.join(path.posix.dirname(testFile), spec).replace(/\.(js|ts)$/, '');
const importOf = (text: string) => /^import (.+) from '(\.{1,2}\/[^']+)';$/m.exec(text);

describe('offline unit-test skeletons', () => {
  it('mirrors the sources under an existing test/ folder, one it.todo per exported function, warns the tests were not run', async () => {
    repo = makeRepo({
      'src/math.ts':
        'export function add(a: number, b: number): number {\n  return a + b;\n}\n\nexport const twice = (x: number): number => x * 2;\n\nfunction hidden(): number {\n  return 1;\n}\n',
      'src/strings.ts':
        "import { add } from './math.js';\n\nexport function pad(s: string, n: number): string {\n  return s.padStart(add(n, 0));\n}\n",
      'test/existing.test.ts': 'export {};\n',
    });
    const { report, error } = await run(repo, 'add unit tests for src/math.ts');
    expect(error).toBeNull();
    expect(report).toMatchObject({ status: 'completed', engine: 'offline', usage: {} });
    expect(report.items).toEqual([
      expect.objectContaining({ kind: 'boilerplate', file: 'src/math.ts', status: 'succeeded' }),
    ]);
    expect(report.warnings.some((w: string) => /not run/.test(w) && /vitest/.test(w))).toBe(true);
    expect(diffNames(repo, 'HEAD', report.branch)).toEqual(['A\ttest/math.test.ts']);
    const text = repo.git('show', `${report.branch}:test/math.test.ts`);
    expect(text.match(/it\.todo\(/g)).toHaveLength(2);
    expect(text).toMatch(/describe\(add\b/);
    expect(text).toMatch(/describe\(twice\b/);
    expect(text).not.toContain('hidden');
    // The repository writes `.js` in relative imports (src/strings.ts), so the test does too.
    expect(importOf(text)?.slice(1)).toEqual(['{ add, twice }', '../src/math.js']);
    expect(resolveImport('test/math.test.ts', importOf(text)![2]!)).toBe('src/math');
    expect(report.commits).toHaveLength(1);
  });

  it('puts the tests next to the sources when the repository does, imports a default export by its name', async () => {
    repo = makeRepo({
      'src/lib/math.ts':
        'export function add(a: number, b: number): number {\n  return a + b;\n}\n\nexport default function main(): void {}\n',
      'src/lib/text.ts':
        'function upper(s: string): string {\n  return s.toUpperCase();\n}\n\nexport { upper as shout };\n',
      'src/lib/types.ts': 'export interface Point {\n  x: number;\n}\n',
      'src/lib/old.test.ts': 'export {};\n',
    });
    const { report, error } = await run(repo, 'add unit tests for src/lib');
    expect(error).toBeNull();
    expect(report.items.map((i: any) => [i.file, i.status]).sort()).toEqual([
      ['src/lib/math.ts', 'succeeded'],
      ['src/lib/text.ts', 'succeeded'],
    ]);
    expect(diffNames(repo, 'HEAD', report.branch)).toEqual(['A\tsrc/lib/math.test.ts', 'A\tsrc/lib/text.test.ts']);
    const math = repo.git('show', `${report.branch}:src/lib/math.test.ts`);
    expect(importOf(math)?.slice(1)).toEqual(['main, { add }', './math']);
    expect(math.match(/it\.todo\(/g)).toHaveLength(2);
    const text = repo.git('show', `${report.branch}:src/lib/text.test.ts`);
    expect(importOf(text)?.slice(1)).toEqual(['{ shout as upper }', './text']);
  });

  it('writes a skeleton that typechecks under NodeNext with noUnusedLocals (an `.js` import, nothing unused)', async () => {
    repo = makeRepo({
      'package.json': '{ "type": "module" }\n',
      'tsconfig.json':
        '{ "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true, "noUnusedLocals": true, "noEmit": true } }\n',
      'src/math.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
      'src/index.ts': "export { add } from './math.js';\n",
      'test/existing.test.ts': 'export {};\n',
    });
    const { report, error } = await run(repo, 'add unit tests for src/math.ts');
    expect(error).toBeNull();
    expect(report.items[0]).toMatchObject({ status: 'succeeded', error: null });
    expect(importOf(repo.git('show', `${report.branch}:test/math.test.ts`))?.[2]).toBe('../src/math.js');
  });

  it('stops when the task names a file the repository does not have (never widens to the whole repository)', async () => {
    repo = makeRepo({ 'src/math.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n' });
    const { report } = await run(repo, 'add unit tests for src/mathh.ts');
    expect(report.error.code).toBe('E_PATH_NOT_FOUND');
    expect(report.error.message).toContain('did you mean src/math.ts?');
  });

  it('runs the generated tests when the runner is installed (no warning)', async () => {
    repo = makeRepo({
      'package.json': '{ "type": "module", "devDependencies": { "vitest": "*" } }\n',
      '.gitignore': 'node_modules\n',
      'src/math.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
      'test/existing.test.ts': 'export {};\n',
    });
    // The monorepo's own vitest stands in for the repository's installation.
    const vitest = path.resolve(
      path.dirname(fileURLToPath(import.meta.url)),
      '..',
      '..',
      '..',
      'node_modules',
      'vitest',
    );
    mkdirSync(path.join(repo.dir, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(vitest, path.join(repo.dir, 'node_modules', 'vitest'));
    symlinkSync(path.join(vitest, 'vitest.mjs'), path.join(repo.dir, 'node_modules', '.bin', 'vitest'));
    const { report, error } = await run(repo, 'add unit tests for src/math.ts');
    expect(error).toBeNull();
    expect(report.items[0]).toMatchObject({ status: 'succeeded' });
    expect(report.warnings.filter((w: string) => /not run/.test(w))).toEqual([]);
    expect(diffNames(repo, 'HEAD', report.branch)).toEqual(['A\ttest/math.test.ts']);
  });
});

describe('offline return types from inference', () => {
  it('commits the inferred types and leaves an `any` for a model, saying so', async () => {
    const UTIL = [
      'export function add(a: number, b: number) {\n  return a + b;\n}\n',
      'export async function greet(name: string) {\n  return `hi ${name}`;\n}\n',
      "export function isString(v: unknown) {\n  return typeof v === 'string';\n}\n",
      'export function parse(text: string) {\n  return JSON.parse(text);\n}\n',
      'export const double = (x: number) => x * 2;\n',
      'export function typed(a: number): number {\n  return a;\n}\n',
    ].join('\n');
    repo = makeRepo({ 'src/util.ts': UTIL, 'README.md': '# r\n' });
    const { report } = await run(repo, 'add return types to src/');
    // The engine's rule: a job left for a model is not done, so the run has failures (the CLI exits 1).
    expect(report.status).toBe('completed-with-failures');
    expect(report.usage).toEqual({});
    const byName = Object.fromEntries(report.items.map((i: any) => [i.symbol, i]));
    expect(Object.keys(byName).sort()).toEqual(['add', 'double', 'greet', 'isString', 'parse']);
    for (const name of ['add', 'double', 'greet', 'isString']) expect(byName[name].status).toBe('succeeded');
    expect(byName.parse.status).toBe('skipped');
    expect(byName.parse.error).toMatch(/needs a model/);
    expect(byName.parse.error).toMatch(/\bany\b/);
    expect(report.jobs).toEqual({ total: 5, succeeded: 4, failed: 0, skipped: 1 });

    expect(diffNames(repo, 'HEAD', report.branch)).toEqual(['M\tsrc/util.ts']);
    const out = repo.git('show', `${report.branch}:src/util.ts`);
    expect(out).toContain('export function add(a: number, b: number): number {');
    expect(out).toContain('export async function greet(name: string): Promise<string> {');
    expect(out).toContain('export function isString(v: unknown): v is string {');
    expect(out).toContain('export const double = (x: number): number => x * 2;');
    expect(out).toContain('export function parse(text: string) {');
    expect(out).toContain('export function typed(a: number): number {');
    // Only annotations were added: without return annotations both texts are the same.
    const strip = (t: string) => t.replace(/\): (number|Promise<string>|v is string) (?=\{|=>)/g, ') ');
    expect(strip(out)).toBe(strip(UTIL));
  });
});

describe('offline stub bodies', () => {
  it('skips every stub with a needs-a-model reason, commits nothing (completed-with-failures: exit 1)', async () => {
    repo = makeRepo({
      'src/stubs.ts':
        "export function area(w: number, h: number): number {\n  throw new Error('not implemented');\n}\n\nexport function label(): string {\n  throw new Error('Not implemented');\n}\n\nexport function done(): number {\n  return 1;\n}\n",
    });
    const { report } = await run(repo, 'implement the stubs');
    expect(report).toMatchObject({ status: 'completed-with-failures', branch: null, commits: [], usage: {} });
    expect(report.jobs).toEqual({ total: 2, succeeded: 0, failed: 0, skipped: 2 });
    expect(report.items.map((i: any) => i.symbol).sort()).toEqual(['area', 'label']);
    for (const item of report.items) expect(item.error).toMatch(/needs a model/);
    expect(orchestrateBranches(repo)).toBe('');
  });
});

/** Text with all whitespace, quotes, semicolons and trailing commas gone: what formatting may change. */
const tokensOf = (s: string) =>
  s
    .replace(/\s+/g, '')
    .replace(/["';]/g, '')
    .replace(/,(?=[)\]}])/g, '');

describe('offline formatting', () => {
  const MESSY =
    'export function add(a:number,b:number):number{return a+b}\nconst s = "hello";\nexport const t = "it\'s" + s\n';

  it("follows the repository's .prettierrc, leaves .prettierignore'd files alone, proves formatting only, calls no model", async () => {
    repo = makeRepo({
      'src/a.ts': MESSY,
      'src/ignored.ts': 'export   const   x   =   "keep"\n',
      'src/clean.ts': "export const y = 'ok'\n",
      '.prettierrc': '{ "singleQuote": true, "semi": false }\n',
      '.prettierignore': 'src/ignored.ts\n',
    });
    const { report, error } = await run(repo, 'format the code');
    expect(error).toBeNull();
    expect(report).toMatchObject({ status: 'completed', usage: {}, costUsd: 0 });
    expect(report.items.every((i: any) => i.kind === 'reformat' && i.model === 'offline')).toBe(true);
    expect(diffNames(repo, 'HEAD', report.branch)).toEqual(['M\tsrc/a.ts']);
    const before = repo.git('show', 'HEAD:src/a.ts');
    const after = repo.git('show', `${report.branch}:src/a.ts`);
    expect(after).toBe(
      "export function add(a: number, b: number): number {\n  return a + b\n}\nconst s = 'hello'\nexport const t = \"it's\" + s\n",
    );
    expect(proveFormattingOnly('src/a.ts', before, after)).toEqual({ ok: true });
    expect(tokensOf(after)).toBe(tokensOf(before));
    expect(repo.git('show', `${report.branch}:src/ignored.ts`)).toBe('export   const   x   =   "keep"\n');
  });

  it("uses prettier's defaults without a config", async () => {
    repo = makeRepo({ 'src/a.ts': "export const a = { x: 'one', y: 2 }\nexport function f ( ) { return a }\n" });
    const { report, error } = await run(repo, 'format the code');
    expect(error).toBeNull();
    expect(report.usage).toEqual({});
    const after = repo.git('show', `${report.branch}:src/a.ts`);
    expect(after).toBe('export const a = { x: "one", y: 2 };\nexport function f() {\n  return a;\n}\n');
    expect(proveFormattingOnly('src/a.ts', repo.git('show', 'HEAD:src/a.ts'), after)).toEqual({ ok: true });
  });
});

describe('a mixed task', () => {
  it('documents src/parser and writes its tests: two steps, two commits, both scoped to src/parser', async () => {
    repo = makeRepo({
      'src/parser/lexer.ts':
        'export function tokenize(input: string): string[] {\n  return input.split(/\\s+/).filter(Boolean);\n}\n',
      'src/parser/parse.ts':
        "import { tokenize } from './lexer.js';\n\nexport function parse(input: string): number {\n  return tokenize(input).length;\n}\n\nexport interface Node {\n  kind: string;\n}\n",
      'src/other/util.ts': 'export function other(x: number): number {\n  return x;\n}\n',
      'test/existing.test.ts': 'export {};\n',
    });
    const { report, error } = await run(repo, 'document the public API of src/parser and add tests for it');
    expect(error).toBeNull();
    const steps = report.plan.steps.map((s: any) => `${s.kind}/${s.variant}`).sort();
    expect(steps).toEqual(['boilerplate/tests', 'docstring/null']);
    for (const s of report.plan.steps) expect(s.selector.paths).toEqual(['src/parser']);
    expect(report.items.every((i: any) => i.file.startsWith('src/parser/') && i.status === 'succeeded')).toBe(true);
    expect(report.commits).toHaveLength(2);
    expect(repo.git('rev-list', '--count', `HEAD..${report.branch}`).trim()).toBe('2');

    const byStep = Object.fromEntries(
      report.plan.steps.map((s: any) => [s.kind, report.commits.find((c: any) => c.stepId === s.id).sha]),
    );
    expect(diffNames(repo, `${byStep.docstring}~1`, byStep.docstring)).toEqual([
      'M\tsrc/parser/lexer.ts',
      'M\tsrc/parser/parse.ts',
    ]);
    expect(diffNames(repo, `${byStep.boilerplate}~1`, byStep.boilerplate)).toEqual([
      'A\ttest/parser/lexer.test.ts',
      'A\ttest/parser/parse.test.ts',
    ]);
    for (const file of ['src/parser/lexer.ts', 'src/parser/parse.ts']) {
      expect(
        proveCommentOnly(file, repo.git('show', `HEAD:${file}`), repo.git('show', `${report.branch}:${file}`)).ok,
      ).toBe(true);
    }
    const test = repo.git('show', `${report.branch}:test/parser/parse.test.ts`);
    expect(resolveImport('test/parser/parse.test.ts', importOf(test)![2]!)).toBe('src/parser/parse');
    expect(repo.git('diff', 'HEAD', report.branch, '--', 'src/other')).toBe('');
  });
});
