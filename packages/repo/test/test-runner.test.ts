import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempRepos } from '../../../test/helpers/repo.js';
import { detectTestRunner, runTestCommand, runTestFile, testFilePathFor, type TestRunnerInfo } from '../src/index.js';

const repos = tempRepos(afterEach);

function makeDir(files: Record<string, string> = {}): string {
  return repos.make(files, { git: false, prefix: 'repo-tests-' }).dir;
}

/** Whether a process runs (a killed orphan may stay a zombie when PID 1 does not reap: that counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z /.test(stat);
}

const PASSING =
  "import test from 'node:test';\nimport assert from 'node:assert';\ntest('adds', () => assert.equal(1 + 1, 2));\n";
const FAILING =
  "import test from 'node:test';\nimport assert from 'node:assert';\ntest('breaks', () => assert.equal(1 + 1, 3, 'MATH IS BROKEN'));\n";

describe('detectTestRunner', () => {
  it('defaults to vitest with a test/ folder when nothing says otherwise', () => {
    expect(detectTestRunner(makeDir(), {}, [])).toEqual({
      name: 'vitest',
      testCommand: null,
      testDir: 'test',
      fileSuffix: '.test.ts',
      installed: false,
    });
    expect(detectTestRunner(makeDir(), null, []).name).toBe('vitest');
  });

  it('reads the runner from scripts.test first and turns it into an npm command', () => {
    const jest = detectTestRunner(
      makeDir(),
      { scripts: { test: 'jest --coverage' }, devDependencies: { vitest: '4.0.0' } },
      [],
    );
    expect(jest).toMatchObject({ name: 'jest', testCommand: ['npm', 'test', '--'] });
    expect(detectTestRunner(makeDir(), { scripts: { test: 'node --test test/' } }, []).name).toBe('node');
    expect(detectTestRunner(makeDir(), { scripts: { test: 'tsx --test src/**/*.test.ts' } }, []).name).toBe('node');
    expect(detectTestRunner(makeDir(), { scripts: { test: 'mocha -r tsx' } }, []).name).toBe('mocha');
  });

  it("ignores npm init's placeholder test script", () => {
    const info = detectTestRunner(makeDir(), { scripts: { test: 'echo "Error: no test specified" && exit 1' } }, []);
    expect(info.testCommand).toBeNull();
  });

  it('falls back to config files, then to dependencies', () => {
    expect(detectTestRunner(makeDir({ 'jest.config.js': '' }), {}, []).name).toBe('jest');
    expect(detectTestRunner(makeDir({ '.mocharc.yml': '' }), { devDependencies: { jest: '1' } }, []).name).toBe(
      'mocha',
    );
    expect(detectTestRunner(makeDir({ 'vitest.config.mts': '' }), {}, []).name).toBe('vitest');
    expect(detectTestRunner(makeDir(), { jest: { preset: 'ts-jest' } }, []).name).toBe('jest');
    expect(detectTestRunner(makeDir(), { devDependencies: { mocha: '10' } }, []).name).toBe('mocha');
  });

  it('says whether the runner is installed in the root node_modules', () => {
    const root = makeDir({ 'node_modules/vitest/package.json': '{}' });
    expect(detectTestRunner(root, { devDependencies: { vitest: '4' } }, []).installed).toBe(true);
    expect(detectTestRunner(root, { devDependencies: { jest: '29' } }, []).installed).toBe(false);
    expect(detectTestRunner(makeDir(), { scripts: { test: 'node --test' } }, []).installed).toBe(true);
  });

  it('finds the test layout and suffix from existing tests', () => {
    const detect = (files: string[]) => detectTestRunner(makeDir(), {}, files);
    expect(detect(['src/a.ts', 'src/a.spec.ts', 'src/b.spec.ts'])).toMatchObject({
      testDir: '',
      fileSuffix: '.spec.ts',
    });
    expect(detect(['src/__tests__/a.test.ts', 'src/x/__tests__/b.test.tsx'])).toMatchObject({
      testDir: '__tests__',
      fileSuffix: '.test.ts',
    });
    expect(detect(['tests/a.test.ts', 'tests/b.test.ts', 'src/c.test.ts'])).toMatchObject({ testDir: 'tests' });
    expect(detect(['packages/x/test/a.test.ts', 'node_modules/y/a.spec.ts', 'node_modules/y/b.spec.ts'])).toMatchObject(
      { testDir: 'test', fileSuffix: '.test.ts' },
    );
  });

  it('knows ava: from the test script, its config file, package.json or the dependencies', () => {
    expect(
      detectTestRunner(makeDir(), { scripts: { test: 'tsc && ava --verbose' }, devDependencies: { vitest: '4' } }, [])
        .name,
    ).toBe('ava');
    expect(detectTestRunner(makeDir({ 'ava.config.mjs': '' }), { devDependencies: { vitest: '4' } }, []).name).toBe(
      'ava',
    );
    expect(detectTestRunner(makeDir(), { ava: { extensions: { ts: 'module' } } }, []).name).toBe('ava');
    expect(detectTestRunner(makeDir(), { devDependencies: { ava: '6' } }, []).name).toBe('ava');
    expect(
      detectTestRunner(makeDir({ 'node_modules/ava/package.json': '{}' }), { devDependencies: { ava: '6' } }, [])
        .installed,
    ).toBe(true);
  });

  it("follows ava's plain test names (test/math.ts), leaving helpers and fixtures out", () => {
    const files = [
      'src/math.ts',
      'test/parse.ts',
      'test/format.ts',
      'test/helpers/setup.ts',
      'test/fixtures/a.ts',
      'test/_util.ts',
      'test/one.test.ts',
    ];
    expect(detectTestRunner(makeDir(), { devDependencies: { ava: '6' } }, files)).toMatchObject({
      name: 'ava',
      testDir: 'test',
      fileSuffix: '.ts',
    });
    // vitest and jest do not run a plain `test/x.ts`: their tests keep a suffix whatever the folder holds.
    expect(detectTestRunner(makeDir(), { devDependencies: { vitest: '4' } }, files)).toMatchObject({
      testDir: 'test',
      fileSuffix: '.test.ts',
    });
  });

  it('walks the disk for tests when no file list is given, skipping node_modules', () => {
    const root = makeDir({
      'spec/a.spec.ts': '',
      'src/a.ts': '',
      'node_modules/z/test/x.test.ts': '',
      'node_modules/z/test/y.test.ts': '',
    });
    expect(detectTestRunner(root, {})).toMatchObject({ testDir: 'spec', fileSuffix: '.spec.ts' });
  });
});

describe('testFilePathFor', () => {
  const info = (testDir: string, fileSuffix: TestRunnerInfo['fileSuffix'] = '.test.ts'): TestRunnerInfo => ({
    name: 'vitest',
    testCommand: null,
    testDir,
    fileSuffix,
    installed: true,
  });

  it('mirrors the source under the test folder, dropping src/ unless the tests keep it', () => {
    expect(testFilePathFor('src/utils/math.ts', info('test'), ['src/utils/math.ts', 'test/other.test.ts'])).toBe(
      'test/utils/math.test.ts',
    );
    expect(testFilePathFor('src/math.ts', info('test'), ['test/src/other.test.ts'])).toBe('test/src/math.test.ts');
    expect(testFilePathFor('lib/a.ts', info('tests', '.spec.ts'), [])).toBe('tests/a.spec.ts');
  });

  it('uses the nearest package that has a test folder (monorepos)', () => {
    const files = [
      'packages/repo/src/git.ts',
      'packages/repo/test/git.test.ts',
      'packages/core/package.json',
      'packages/core/src/x.ts',
    ];
    expect(testFilePathFor('packages/repo/src/edits.ts', info('test'), files)).toBe('packages/repo/test/edits.test.ts');
    expect(testFilePathFor('packages/core/src/x.ts', info('test'), files)).toBe('packages/core/test/x.test.ts');
  });

  it('puts tests next to the source, or in a __tests__ folder beside it', () => {
    expect(testFilePathFor('src/a/b.tsx', info('', '.spec.ts'), [])).toBe('src/a/b.spec.tsx');
    expect(testFilePathFor('index.ts', info(''), [])).toBe('index.test.ts');
    expect(testFilePathFor('src/a/b.ts', info('__tests__'), ['src/x/__tests__/y.test.ts'])).toBe(
      'src/a/__tests__/b.test.ts',
    );
    expect(testFilePathFor('src/a/b.ts', info('__tests__'), ['src/__tests__/y.test.ts'])).toBe(
      'src/__tests__/a/b.test.ts',
    );
  });

  it("names a test like ava's plain test files, never as the source itself", () => {
    const ava = { ...info('test', '.ts'), name: 'ava' as const };
    expect(testFilePathFor('src/math.ts', ava, ['src/math.ts', 'test/parse.ts'])).toBe('test/math.ts');
    expect(testFilePathFor('src/math.ts', ava, ['src/math.ts', 'test/parse.ts', 'test/math.ts'])).toBe(
      'test/math.generated.ts',
    );
    expect(testFilePathFor('src/math.ts', { ...ava, testDir: '' }, ['src/math.ts'])).toBe('src/math.test.ts');
  });

  it('never returns an existing file', () => {
    const files = ['src/a.ts', 'src/a.test.ts', 'src/a.generated.test.ts'];
    expect(testFilePathFor('src/a.ts', info(''), files)).toBe('src/a.generated2.test.ts');
  });
});

describe('runTestFile / runTestCommand', () => {
  it("runs a passing and a failing test with node's own runner", async () => {
    const cwd = makeDir({ 'test/ok.test.mjs': PASSING, 'test/bad.test.mjs': FAILING });
    const ok = await runTestFile('node', cwd, 'test/ok.test.mjs', { timeoutMs: 30_000 });
    expect(ok).toMatchObject({ passed: true, timedOut: false, notRunnable: null });
    expect(ok.durationMs).toBeGreaterThan(0);
    const bad = await runTestFile('node', cwd, 'test/bad.test.mjs', { timeoutMs: 30_000 });
    expect(bad).toMatchObject({ passed: false, timedOut: false, notRunnable: null });
    expect(bad.output).toContain('MATH IS BROKEN');
    expect(bad.output.length).toBeLessThanOrEqual(4096);
  });

  it('kills the whole process tree at the timeout', async () => {
    const hang = [
      "import test from 'node:test';",
      "import { spawn } from 'node:child_process';",
      "import { writeFileSync } from 'node:fs';",
      "test('hangs', async () => {",
      "  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
      "  writeFileSync('grandchild.pid', String(child.pid));",
      '  await new Promise(() => {});',
      '});',
    ].join('\n');
    const cwd = makeDir({ 'hang.test.mjs': hang });
    const result = await runTestFile('node', cwd, 'hang.test.mjs', { timeoutMs: 5_000 });
    expect(result).toMatchObject({ passed: false, timedOut: true });
    expect(result.durationMs).toBeLessThan(20_000);
    const pid = Number(readFileSync(path.join(cwd, 'grandchild.pid'), 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(pid)).toBe(false); // the grandchild is gone too
  });

  it('says why a test cannot run instead of running it', async () => {
    const cwd = makeDir({ 'a.test.ts': '' });
    expect((await runTestFile('node', cwd, 'a.test.ts', { timeoutMs: 5_000 })).notRunnable).toMatch(/tsx/);
    expect((await runTestFile('vitest', cwd, 'a.test.ts', { timeoutMs: 5_000 })).notRunnable).toMatch(
      /vitest is not installed/,
    );
    expect((await runTestFile('ava', cwd, 'a.test.ts', { timeoutMs: 5_000 })).notRunnable).toMatch(
      /ava is not installed/,
    );
    const missing = await runTestCommand(cwd, ['no-such-command-for-orchestrate'], { timeoutMs: 5_000 });
    expect(missing).toMatchObject({ passed: false, notRunnable: expect.stringContaining('ENOENT') });
  });

  it("mirrors the root's node_modules inside cwd only while the test runs, and never writes into the root", async () => {
    const root = makeDir({
      'node_modules/answer/package.json': JSON.stringify({ name: 'answer', type: 'module', exports: './index.js' }),
      'node_modules/answer/index.js': 'export default 42;\n',
      'node_modules/.vite/keep': '',
    });
    const rootTree = readdirSync(root, { recursive: true, encoding: 'utf8' }).sort();
    const useAnswer = [
      "import test from 'node:test';",
      "import assert from 'node:assert';",
      "import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';",
      "import answer from 'answer';",
      "test('uses the dependency', () => {",
      '  assert.equal(answer, 42);',
      "  assert.equal(lstatSync('node_modules').isSymbolicLink(), false);",
      "  mkdirSync('node_modules/.vite/vitest', { recursive: true });", // a cache write, as vitest does
      "  writeFileSync('node_modules/.vite/vitest/results.json', '{}');",
      '});',
    ].join('\n');
    const cwd = makeDir({ 'a.test.mjs': useAnswer });
    const runs = await Promise.all(
      [1, 2].map(() => runTestFile('node', cwd, 'a.test.mjs', { timeoutMs: 30_000, nodeModulesFrom: root })),
    );
    expect(
      runs.map((r) => r.passed),
      runs[0]!.output,
    ).toEqual([true, true]);
    expect(existsSync(path.join(cwd, 'node_modules'))).toBe(false);
    expect(readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()).toEqual(rootTree);
    expect(readFileSync(path.join(root, 'node_modules/answer/index.js'), 'utf8')).toBe('export default 42;\n');
  });

  it('leaves a node_modules that cwd already has alone', async () => {
    const root = makeDir({ 'node_modules/answer/index.js': '' });
    const cwd = makeDir({ 'a.test.mjs': PASSING, 'node_modules/own/index.js': '' });
    expect((await runTestFile('node', cwd, 'a.test.mjs', { timeoutMs: 30_000, nodeModulesFrom: root })).passed).toBe(
      true,
    );
    expect(lstatSync(path.join(cwd, 'node_modules')).isDirectory()).toBe(true);
    expect(readdirSync(path.join(cwd, 'node_modules'))).toEqual(['own']);
  });

  it('runs the whole suite through npm test', async () => {
    const pkg = JSON.stringify({ name: 'x', private: true, scripts: { test: 'node --test' } });
    const cwd = makeDir({ 'package.json': pkg, 'test/ok.test.mjs': PASSING });
    const ok = await runTestCommand(cwd, ['npm', 'test', '--'], { timeoutMs: 60_000 });
    expect(ok.passed, ok.output).toBe(true);
    writeFileSync(path.join(cwd, 'test/bad.test.mjs'), FAILING);
    expect((await runTestCommand(cwd, ['npm', 'test', '--'], { timeoutMs: 60_000 })).passed).toBe(false);
  });
});
