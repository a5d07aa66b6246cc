import { execa } from 'execa';
import { existsSync, readdirSync } from 'node:fs';
import { lstat, mkdir, readdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { killProcessGroup, trackProcessGroup } from './tool-process.js';

/** The test runners orchestrate can run a generated test with. */
export type TestRunnerName = 'vitest' | 'jest' | 'node' | 'mocha' | 'ava';

/** How a repository runs its tests, detected from package.json, config files and where its tests live. */
export interface TestRunnerInfo {
  name: TestRunnerName;
  /** The whole suite, `['npm', 'test', '--']`, when package.json has a real `scripts.test`; else null. */
  testCommand: string[] | null;
  /** Where tests live: a `test`, `tests`, `spec` or `__tests__` folder, or `''` for next to their sources. */
  testDir: string;
  /** `.ts` when the tests are plain files in the test folder (`test/math.ts`), as ava runs them. */
  fileSuffix: '.test.ts' | '.spec.ts' | '.ts';
  /** Whether the runner is in `<root>/node_modules` (always true for node's own runner). */
  installed: boolean;
}

/** The parts of a package.json detection reads. */
export interface PackageJsonLike {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** Limits for running tests. */
export interface TestRunOptions {
  /** Hard limit: the whole process tree is killed when it is reached. */
  timeoutMs: number;
  /** The repository root whose node_modules the run uses when `cwd` (a worktree) has none. */
  nodeModulesFrom?: string;
}

/** The outcome of a test run. */
export interface TestRunResult {
  passed: boolean;
  /** The last 4 KB of stdout and stderr, interleaved, without colour codes. */
  output: string;
  durationMs: number;
  timedOut: boolean;
  /** Why the test could not be run at all (runner not installed, TypeScript without tsx), else null. */
  notRunnable: string | null;
}

const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;
const NPM_PLACEHOLDER = /no test specified/;
const CONFIGS: [TestRunnerName, RegExp][] = [
  ['vitest', /^vitest\.(config|workspace)\.[cm]?[jt]s$/],
  ['jest', /^jest\.config\.([cm]?[jt]s|json)$/],
  ['mocha', /^\.mocharc(\.(c?js|ya?ml|jsonc?))?$/],
  ['ava', /^ava\.config\.[cm]?js$/],
];
/** Runners that run every file of a test folder, so a plain `test/math.ts` is a test (ava's default globs). */
const RUNS_PLAIN_FILES = new Set<TestRunnerName>(['ava']);
/** A plain file in a test folder that is not a test: helpers, fixtures, `_`-prefixed files (as ava leaves them out). */
const NOT_A_TEST = /(^|\/)(_[^/]*|__?(helpers?|fixtures?)__|helpers?|fixtures?)(\/|$)/;
const PLAIN_TEST = /(^|\/)(test|tests|__tests__)\/(.+\/)?[^/]+\.[cm]?[jt]sx?$/;
const OUTPUT_TAIL = 4096;
/** Cache folders tools write under node_modules: kept out of the mirror, so those writes land in the worktree. */
const CACHE_ENTRIES = new Set(['.vite', '.vite-temp', '.vitest', '.cache']);

/** Detects the repository's test runner and test layout; `files` are repository-relative paths (walked from disk when omitted). */
export function detectTestRunner(
  root: string,
  packageJson: PackageJsonLike | null,
  files?: readonly string[],
): TestRunnerInfo {
  const pkg = packageJson ?? {};
  const script =
    typeof pkg.scripts?.test === 'string' && !NPM_PLACEHOLDER.test(pkg.scripts.test) ? pkg.scripts.test : null;
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const rootEntries = safeReaddir(root);
  const fromScript = script ? runnerInScript(script) : null;
  const fromConfig =
    CONFIGS.find(([, re]) => rootEntries.some((e) => re.test(e)))?.[0] ??
    (pkg.jest ? 'jest' : pkg.mocha ? 'mocha' : pkg.ava ? 'ava' : null);
  const fromDeps = (['vitest', 'jest', 'mocha', 'ava'] as const).find((n) => n in deps) ?? null;
  const name: TestRunnerName = fromScript ?? fromConfig ?? fromDeps ?? 'vitest';
  const all = (files ?? listFiles(root)).filter((f) => !f.split('/').includes('node_modules'));
  const suffixed = all.filter((f) => TEST_FILE.test(f));
  const plain = RUNS_PLAIN_FILES.has(name)
    ? all.filter((f) => PLAIN_TEST.test(f) && !TEST_FILE.test(f) && !NOT_A_TEST.test(f))
    : [];
  const tests = [...suffixed, ...plain];
  const spec = suffixed.filter((f) => /\.spec\./.test(f)).length;
  return {
    name,
    testCommand: script ? ['npm', 'test', '--'] : null,
    testDir: testDirOf(tests),
    fileSuffix: plain.length > suffixed.length ? '.ts' : spec > suffixed.length / 2 ? '.spec.ts' : '.test.ts',
    installed: name === 'node' || existsSync(path.join(root, 'node_modules', name, 'package.json')),
  };
}

function runnerInScript(script: string): TestRunnerName | null {
  if (/\bvitest\b/.test(script)) return 'vitest';
  if (/\bjest\b/.test(script)) return 'jest';
  if (/\bmocha\b/.test(script)) return 'mocha';
  if (/(^|[\s;&|/])ava\b/.test(script)) return 'ava';
  if (/(^|[\s;&|])(node|tsx)\b[^;&|]*\s--test\b/.test(script)) return 'node';
  return null;
}

/** The most common test location: a `__tests__`, `test`, `tests` or `spec` folder, or next to the sources (`''`). */
function testDirOf(tests: string[]): string {
  const counts = new Map<string, number>();
  for (const file of tests) {
    const dirs = file.split('/').slice(0, -1);
    const dir = ['__tests__', 'test', 'tests', 'spec'].find((d) => dirs.includes(d)) ?? '';
    counts.set(dir, (counts.get(dir) ?? 0) + 1);
  }
  let best = 'test';
  let most = 0;
  for (const dir of ['test', 'tests', '__tests__', 'spec', '']) {
    if ((counts.get(dir) ?? 0) > most) [best, most] = [dir, counts.get(dir) ?? 0];
  }
  return best;
}

/**
 * Where a generated test for `sourcePath` goes: next to it, or mirrored under the nearest test folder that already holds
 * tests (a leading `src/` or `lib/` is dropped unless the repository's tests keep it). Never an existing file: a taken
 * name gets `.generated` (`math.generated.test.ts`).
 */
export function testFilePathFor(sourcePath: string, info: TestRunnerInfo, existingFiles: readonly string[]): string {
  const p = path.posix;
  const ext = p.extname(sourcePath);
  const base = p.basename(sourcePath, ext);
  const sourceDir = p.dirname(sourcePath) === '.' ? '' : p.dirname(sourcePath);
  // A plain name is only a test inside a test folder: next to its source it would be the source itself.
  const fileSuffix = info.fileSuffix === '.ts' && info.testDir === '' ? '.test.ts' : info.fileSuffix;
  const suffix = ext === '.tsx' ? `${fileSuffix}x` : fileSuffix;
  const tests = existingFiles.filter((f) => TEST_FILE.test(f));
  let dir: string;
  if (info.testDir === '') dir = sourceDir;
  else {
    const ancestors = ancestorsOf(sourceDir);
    const under = (a: string) => (a ? `${a}/${info.testDir}/` : `${info.testDir}/`);
    const home = ancestors.find((a) => tests.some((t) => t.startsWith(under(a))));
    if (home === undefined && info.testDir === '__tests__') dir = p.join(sourceDir, '__tests__');
    else {
      const pkgRoot =
        home ?? ancestors.find((a) => existingFiles.includes(a ? `${a}/package.json` : 'package.json')) ?? '';
      const rel = p
        .relative(pkgRoot || '.', sourceDir || '.')
        .split('/')
        .filter((s) => s && s !== '.');
      const first = rel[0];
      if ((first === 'src' || first === 'lib') && !tests.some((t) => t.startsWith(`${under(pkgRoot)}${first}/`)))
        rel.shift();
      dir = p.join(pkgRoot, info.testDir, ...rel);
    }
  }
  const taken = new Set(existingFiles);
  for (let n = 0; ; n++) {
    const candidate = p.join(dir, `${base}${n === 0 ? '' : n === 1 ? '.generated' : `.generated${n}`}${suffix}`);
    if (!taken.has(candidate)) return candidate;
  }
}

/** `a/b/c` → `['a/b/c', 'a/b', 'a', '']`: the folder itself first, the repository root last. */
function ancestorsOf(dir: string): string[] {
  const parts = dir ? dir.split('/') : [];
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('/')).concat('');
}

/** Runs one test file with the repository's runner, in `cwd`, under a hard timeout. */
export async function runTestFile(
  runner: TestRunnerName,
  cwd: string,
  testFile: string,
  options: TestRunOptions,
): Promise<TestRunResult> {
  return withNodeModules(cwd, options.nodeModulesFrom, async () => {
    const bin = (name: string) => path.join(cwd, 'node_modules', '.bin', name);
    if (runner === 'node') {
      if (!/\.[cm]?ts$|\.tsx$/.test(testFile)) return run(process.execPath, ['--test', testFile], cwd, options, false);
      if (!existsSync(path.join(cwd, 'node_modules', 'tsx', 'package.json'))) {
        return notRunnable(`${testFile} is TypeScript and the repository has no tsx for \`node --import tsx --test\``);
      }
      return run(process.execPath, ['--import', 'tsx', '--test', testFile], cwd, options, false);
    }
    // ava and mocha take the file as their only argument; their config (TypeScript loader, extensions) is the repository's.
    const args =
      runner === 'vitest'
        ? ['run', testFile]
        : runner === 'jest'
          ? ['--ci', '--no-watchman', '--runTestsByPath', testFile]
          : [testFile];
    if (!existsSync(bin(runner)))
      return notRunnable(
        `${runner} is not installed (no node_modules/.bin/${runner}): run the package manager's install`,
      );
    return run(bin(runner), args, cwd, options, false);
  });
}

/** Runs the repository's whole test command (e.g. `['npm', 'test', '--']`) in `cwd`, under a hard timeout. */
export async function runTestCommand(cwd: string, command: string[], options: TestRunOptions): Promise<TestRunResult> {
  const [file, ...args] = command;
  if (!file) throw new Error('runTestCommand: empty command');
  return withNodeModules(cwd, options.nodeModulesFrom, () => run(file, args, cwd, options, true));
}

function notRunnable(reason: string): TestRunResult {
  return { passed: false, output: reason, durationMs: 0, timedOut: false, notRunnable: reason };
}

/**
 * Runs through execa without a shell in its own process group, keeps the output's tail (the output is streamed, never
 * buffered whole), and SIGKILLs the whole group at the deadline (`cancelSignal` then settles the run).
 */
async function run(
  file: string,
  args: string[],
  cwd: string,
  options: TestRunOptions,
  preferLocal: boolean,
): Promise<TestRunResult> {
  const started = performance.now();
  const env: Record<string, string | undefined> = {
    ...process.env,
    CI: '1',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    NO_UPDATE_NOTIFIER: '1',
  };
  // Not for the code under test: our API key, and markers of a test runner we may ourselves be running under.
  for (const key of Object.keys(env)) {
    if (key === 'OPENAI_API_KEY' || key.startsWith('VITEST') || key === 'JEST_WORKER_ID' || key === 'NODE_TEST_CONTEXT')
      delete env[key];
  }
  const controller = new AbortController();
  const child = execa(file, args, {
    cwd,
    env,
    extendEnv: false,
    stdin: 'ignore',
    all: true,
    buffer: false,
    reject: false,
    detached: true,
    windowsHide: true,
    preferLocal,
    localDir: cwd,
    cancelSignal: controller.signal,
    killSignal: 'SIGKILL',
  });
  let tail = '';
  child.all?.on('data', (chunk: Buffer | string) => {
    tail = (tail + String(chunk)).slice(-4 * OUTPUT_TAIL);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killProcessGroup(child.pid);
    controller.abort();
  }, options.timeoutMs);
  trackProcessGroup(child.pid, child);
  // Leftover grandchildren (workers, servers a test forgot) would hold the pipes open: end them with their parent.
  child.on('exit', () => killProcessGroup(child.pid));
  const result = await child;
  clearTimeout(timer);
  const durationMs = Math.round(performance.now() - started);
  // No exit code and no signal: the process never started (command not found, cwd missing).
  if (result.exitCode === undefined && result.signal === undefined && !timedOut) {
    return { ...notRunnable(result.shortMessage ?? `${file} did not start`), durationMs };
  }
  let output = tail.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '');
  if (timedOut) output += `\n[orchestrate] killed after ${options.timeoutMs} ms`;
  if (output.length > OUTPUT_TAIL) output = output.slice(-OUTPUT_TAIL);
  return { passed: !timedOut && result.exitCode === 0, output, durationMs, timedOut, notRunnable: null };
}

const mirrors = new Map<string, { users: number; made: Promise<boolean> }>();

/**
 * Gives `cwd` (a worktree) the repository's node_modules while `fn` runs: a real `<cwd>/node_modules` folder whose
 * entries are symlinks to `<from>/node_modules/*`, removed afterwards. Not one symlink to the whole folder: tools write
 * caches under node_modules (vitest's results, vite's bundled config) and those writes must land in the worktree, never
 * in the user's repository. Nothing happens when `cwd` has its own node_modules. Concurrent runs in one `cwd` share it.
 */
async function withNodeModules<T>(cwd: string, from: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (!from) return fn();
  const target = path.join(cwd, 'node_modules');
  let mirror = mirrors.get(target);
  if (!mirror) {
    // Registered before the first await, so a concurrent run in the same cwd waits for this mirror instead of racing it.
    mirror = { users: 0, made: makeMirror(path.join(from, 'node_modules'), target) };
    mirrors.set(target, mirror);
  }
  mirror.users++;
  try {
    await mirror.made;
    return await fn();
  } finally {
    if (--mirror.users === 0) {
      mirrors.delete(target);
      // Removes the links, never what they point to (rm does not follow symlinks).
      if (await mirror.made.catch(() => false)) await rm(target, { recursive: true, force: true });
    }
  }
}

/** Creates the mirror; false (and nothing created) when `target` exists or there is no `source` to mirror. */
async function makeMirror(source: string, target: string): Promise<boolean> {
  if (path.resolve(source) === path.resolve(target) || (await exists(target)) || !(await exists(source))) return false;
  await mkdir(target);
  try {
    for (const name of await readdir(source)) {
      if (!CACHE_ENTRIES.has(name)) await symlink(path.join(source, name), path.join(target, name));
    }
  } catch (error) {
    await rm(target, { recursive: true, force: true });
    throw error;
  }
  return true;
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'coverage', 'out']);

/** Repository-relative file paths under `root`, bounded (no node_modules, build output or dot folders). */
function listFiles(root: string, limit = 20_000): string[] {
  const out: string[] = [];
  const walk = (rel: string, depth: number) => {
    if (depth > 8 || out.length >= limit) return;
    for (const entry of safeDirents(path.join(root, rel))) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIP_DIRS.has(entry.name)) walk(child, depth + 1);
      } else if (entry.isFile()) out.push(child);
    }
  };
  walk('', 0);
  return out;
}

function safeDirents(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
