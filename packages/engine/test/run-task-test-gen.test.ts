// Generated tests follow the repository (its runner, layout and style), the typecheck gate sees the repository's own
// types, and the commit subject says what was added: runTask() in process, offline and against the fake.
import { mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runEngine } from '../../../test/helpers/engine.js';
import { makeRepo, type TempRepo } from '../../../test/helpers/repo.js';
import { engineKinds, fileAt, item, MONOREPO, step } from '../../../test/e2e/kinds-script.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

const AVA_PKG = JSON.stringify(
  { name: 'ava-repo', private: true, type: 'module', scripts: { test: 'ava' }, devDependencies: { ava: '^6.0.0' } },
  null,
  '\t',
);
const TAB_MATH =
  "import { round } from './round.js'\n\nexport function add(a: number, b: number): number {\n\treturn round(a + b)\n}\n\nexport const twice = (n: number): number => {\n\treturn add(n, n)\n}\n";
const TAB_ROUND = 'export function round(n: number): number {\n\treturn Math.round(n)\n}\n';

describe('generated tests in the repository runner and style', () => {
  it('an ava repository with tabs and no semicolons gets an ava test file in its own style, and a subject that says so', async () => {
    repo = makeRepo({
      'package.json': AVA_PKG,
      'src/math.ts': TAB_MATH,
      'src/round.ts': TAB_ROUND,
      'test/round.ts':
        "import test from 'ava'\nimport { round } from '../src/round.js'\n\ntest('rounds', (t) => {\n\tt.is(round(1.4), 1)\n})\n",
    });
    const { report } = await runEngine({ cwd: repo.dir, task: 'add unit tests for src/math.ts' });
    expect(report.status).toBe('completed');
    expect(repo.git('diff', '--name-status', 'HEAD', report.branch).trim()).toBe('A\ttest/math.ts');
    const text = fileAt(repo, report.branch, 'test/math.ts');
    expect(text.split('\n').slice(0, 2)).toEqual([
      "import test from 'ava'",
      "import { add, twice } from '../src/math.js'",
    ]);
    expect(text).toContain('test.todo(`${add.name} works`)\n');
    expect(text).not.toMatch(/vitest|describe\(|;$|^ {2}/m);
    expect(report.commits.map((c: { message: string }) => c.message)).toEqual([
      'test: add unit tests for 2 functions in src/math.ts',
    ]);
    expect(report.warnings.some((w: string) => /ava is not installed/.test(w))).toBe(true);
  });

  it(
    "a model-written ava case passes the typecheck gate while ava is not installed (its `t` is the runner's, not the test's fault)",
    { timeout: 150_000 },
    async ({ onTestFinished }) => {
      const run = await engineKinds(
        {
          files: {
            'package.json': AVA_PKG,
            'src/math.ts': TAB_MATH,
            'src/round.ts': TAB_ROUND,
            'test/round.ts': "import test from 'ava'\n\ntest('x', (t) => {\n\tt.pass()\n})\n",
          },
          script: {
            steps: [step({ kind: 'boilerplate', variant: 'tests', paths: ['src/math.ts'] })],
            worker: () => ({ tests: [{ functionName: 'add', cases: [{ name: 'adds', code: 't.is(add(1, 2), 3)' }] }] }),
          },
          task: 'write unit tests for src/math.ts',
        },
        onTestFinished,
      );
      expect(
        item(run.report!, '(file)', 'src/math.ts').attempts.map((a: { rejected: string | null }) => a.rejected),
      ).toEqual([null]);
      expect(run.error).toBeNull();
      expect(fileAt(run.repo, run.report!.branch, 'test/math.ts')).toContain(
        "test('add: adds', async (t) => {\n\tt.is(add(1, 2), 3)\n})\n",
      );
    },
  );
});

describe("the typecheck gate sees the repository's types", () => {
  it(
    "a node:test file passes with the repository's (pnpm-linked) @types/node; one with a real type error is rejected",
    { timeout: 150_000 },
    async ({ onTestFinished }) => {
      const run = await engineKinds(
        {
          files: {
            'package.json': JSON.stringify({
              name: 'node-repo',
              private: true,
              type: 'module',
              scripts: { test: 'node --test' },
            }),
            'tsconfig.json': JSON.stringify({
              compilerOptions: {
                strict: true,
                target: 'ES2022',
                module: 'NodeNext',
                moduleResolution: 'NodeNext',
                noEmit: true,
              },
            }),
            '.gitignore': 'node_modules\n',
            'src/math.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
            'src/other.ts': 'export function sub(a: number, b: number): number {\n  return a - b;\n}\n',
          },
          // As pnpm lays it out: node_modules/@types/node is a symlink into the store.
          prepare: (r) => {
            mkdirSync(path.join(r.dir, 'node_modules', '@types'), { recursive: true });
            symlinkSync(
              realpathSync(path.join(MONOREPO, 'node_modules', '@types', 'node')),
              path.join(r.dir, 'node_modules', '@types', 'node'),
              'dir',
            );
          },
          script: {
            steps: [step({ kind: 'boilerplate', variant: 'tests', paths: ['src'] })],
            worker: (input) =>
              input.includes('File: src/math.ts')
                ? {
                    tests: [
                      {
                        functionName: 'add',
                        cases: [{ name: 'adds two numbers', code: 'assert.equal(add(2, 3), 5);' }],
                      },
                    ],
                  }
                : {
                    tests: [
                      {
                        functionName: 'sub',
                        cases: [{ name: 'takes a string', code: "assert.equal(sub(3, '1'), 2);" }],
                      },
                    ],
                  },
          },
          task: 'write unit tests for src',
        },
        onTestFinished,
      );
      const { report } = run;
      expect(run.error).toBeNull();
      expect(report!.status).toBe('completed-with-failures');
      const math = item(report!, '(file)', 'src/math.ts');
      expect(math.status, JSON.stringify(math.attempts)).toBe('succeeded');
      const other = item(report!, '(file)', 'src/other.ts');
      expect(other.status).toBe('failed');
      expect(other.error).toMatch(/typecheck gate .*TS2345/);
      expect(other.error).not.toMatch(/TS2591|node:test/);
      const text = fileAt(run.repo, report!.branch, 'test/math.test.ts');
      expect(text).toMatch(/^import \{ describe, it \} from 'node:test';\nimport assert from 'node:assert\/strict';\n/);
      expect(report!.commits.map((c: { message: string }) => c.message)).toEqual([
        'test: add unit tests for 1 function in src/math.ts',
      ]);
    },
  );
});
