// End-to-end: odd git states through the real CLI (issue #12 §4, §6). A run git cannot branch fails before any model
// call with a code and what to do; a detached HEAD, a shallow clone, a linked worktree and core.autocrlf work (or fail
// clearly); run worktrees live outside `.git/` and outside the user's tree, and a killed run's worktree is found again.
import { spawn, execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fake/openai-server.js';
import { CLI, parseReport, runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { fakeEnv, roleOf, scripted } from './openai-script.js';

const IDENTITY = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com'];
const SOURCE = {
  'src/a.ts': 'export function area(width: number, height: number): number {\n  return width * height;\n}\n',
  'src/math.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
};

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function repoOf(files: Record<string, string> = SOURCE): TempRepo {
  const repo = makeRepo(files);
  cleanups.push(() => repo.cleanup());
  return repo;
}

function tempDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A cache folder of the test's own, so run worktrees land where the test can look (and clean up). */
function cacheEnv(): { XDG_CACHE_HOME: string; ORCHESTRATE_WORKTREES: undefined } {
  return { XDG_CACHE_HOME: tempDir('orch-cache-'), ORCHESTRATE_WORKTREES: undefined };
}

async function server(handler: Parameters<typeof startFakeOpenAI>[0]): Promise<FakeServer> {
  const s = await startFakeOpenAI(handler);
  cleanups.push(() => s.close());
  return s;
}

const noInternalError = (stderr: string) => expect(stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);

describe('a run git cannot branch fails before any model call', () => {
  it('a branch named `orchestrate`: E_BRANCH_BLOCKED, exit 2, JSON error on stdout, planner never called, nothing created', async () => {
    const repo = repoOf();
    repo.git('branch', 'orchestrate');
    const fake = await server(scripted());
    const refs = repo.git('for-each-ref');
    const before = repo.snapshot();
    const result = await runCli(['-C', repo.dir, '--json', '--engine', 'openai', 'add docstrings'], {
      ...fakeEnv(fake),
      ...cacheEnv(),
    });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(JSON.parse(result.stdout).error.code).toBe('E_BRANCH_BLOCKED');
    expect(result.stderr).toContain('[E_BRANCH_BLOCKED]');
    expect(result.stderr).toContain('git branch -m orchestrate');
    noInternalError(result.stderr);
    expect(fake.log).toHaveLength(0);
    expect(repo.git('for-each-ref')).toBe(refs);
    expect(repo.git('worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(repo.snapshot()).toBe(before);
  });
});

describe('odd git states that must work', () => {
  it('a detached HEAD: the run starts from the HEAD commit and HEAD stays detached where it was', async () => {
    const repo = repoOf();
    repo.git('checkout', '--quiet', '--detach');
    const head = repo.git('rev-parse', 'HEAD').trim();
    const result = await runCli(['-C', repo.dir, '--json', 'add docstrings'], cacheEnv());
    expect(result.exitCode, result.stderr).toBe(0);
    const report = parseReport(result.stdout);
    expect(report).toMatchObject({ status: 'completed', baseCommit: head });
    expect(repo.git('rev-parse', `${report.branch}~1`).trim()).toBe(head);
    expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('HEAD');
    expect(repo.git('rev-parse', 'HEAD').trim()).toBe(head);
  });

  it('a shallow clone: the run works; a review whose base is not in the clone is E_SHALLOW_CLONE naming `git fetch --deepen`', async () => {
    const origin = repoOf();
    origin.write('src/a.ts', `${SOURCE['src/a.ts']}export const x = 1;\n`);
    origin.git('add', '-A');
    origin.git(...IDENTITY, 'commit', '--quiet', '-m', 'two');
    const clone = path.join(tempDir('orch-shallow-'), 'clone');
    execFileSync('git', ['clone', '--quiet', '--depth', '1', `file://${origin.dir}`, clone]);
    const run = await runCli(['-C', clone, '--json', 'add docstrings'], cacheEnv());
    expect(run.exitCode, run.stderr).toBe(0);
    expect(parseReport(run.stdout).status).toBe('completed');

    const review = await runCli(['review', '-C', clone, '--json'], cacheEnv());
    expect(review.exitCode, review.stderr).toBe(2);
    expect(JSON.parse(review.stdout).error.code).toBe('E_SHALLOW_CLONE');
    expect(review.stderr).toContain('git fetch --deepen');
    noInternalError(review.stderr);
  });

  it('a linked worktree as the target: the run branches from its HEAD, leaves both trees alone, undo from it works', async () => {
    const repo = repoOf();
    const linked = path.join(tempDir('orch-linked-'), 'feature');
    repo.git('worktree', 'add', '--quiet', '-b', 'feature', linked);
    writeFileSync(path.join(linked, 'src', 'b.ts'), 'export function twice(n: number): number {\n  return 2 * n;\n}\n');
    execFileSync('git', ['add', '-A'], { cwd: linked });
    execFileSync('git', [...IDENTITY, 'commit', '--quiet', '-m', 'feature work'], { cwd: linked });
    const featureHead = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: linked, encoding: 'utf8' }).trim();
    const before = repo.snapshot();
    const env = cacheEnv();
    const result = await runCli(['-C', linked, '--json', 'add docstrings'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = parseReport(result.stdout);
    expect(report).toMatchObject({ status: 'completed', baseCommit: featureHead, repo: linked });
    // The branch is in the shared repository; the run's own worktree is gone; the user's two trees are as they were.
    expect(repo.git('diff', '--name-only', featureHead, report.branch).trim().split('\n').sort()).toEqual([
      'src/a.ts',
      'src/b.ts',
      'src/math.ts',
    ]);
    expect(repo.git('worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(2);
    expect(repo.snapshot()).toBe(before);
    expect(execFileSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: linked, encoding: 'utf8' }).trim()).toBe(
      'feature',
    );
    const undo = await runCli(['undo', report.id, '-C', linked], env);
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect(repo.git('branch', '--list', report.branch).trim()).toBe('');
  });

  it('core.autocrlf=true with core.safecrlf=true: the run commits, and the commit holds only the doc comments', async () => {
    const repo = repoOf();
    repo.git('config', 'core.autocrlf', 'true');
    repo.git('config', 'core.safecrlf', 'true');
    const result = await runCli(['-C', repo.dir, '--json', 'add docstrings'], cacheEnv());
    expect(result.exitCode, result.stderr).toBe(0);
    noInternalError(result.stderr);
    const report = parseReport(result.stdout);
    expect(report.status).toBe('completed');
    const numstat = repo.git('diff', '--numstat', 'HEAD', report.branch).trim().split('\n');
    // Lines added, none removed: no line of either file was rewritten with other line endings.
    expect(numstat.map((l) => l.split('\t').slice(1).join(' ')).sort()).toEqual(['0 src/a.ts', '0 src/math.ts']);
    expect(repo.git('show', `${report.branch}:src/a.ts`)).not.toContain('\r');
    expect(repo.git('show', `${report.branch}:src/a.ts`).endsWith(SOURCE['src/a.ts'])).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)(
    'a repository owned by another user: E_UNSAFE_REPO with the safe.directory command (as root)',
    async () => {
      const repo = repoOf();
      const chownAll = (p: string) => {
        chownSync(p, 4242, 4242);
        if (statSync(p).isDirectory()) for (const e of readdirSync(p)) chownAll(path.join(p, e));
      };
      chownAll(repo.dir);
      const result = await runCli(['-C', repo.dir, '--json', 'add docstrings'], cacheEnv());
      expect(result.exitCode).toBe(2);
      expect(JSON.parse(result.stdout).error.code).toBe('E_UNSAFE_REPO');
      expect(result.stderr).toContain(`git config --global --add safe.directory ${repo.dir}`);
      noInternalError(result.stderr);
    },
  );
});

describe('where a run worktree lives', () => {
  /**
   * A stand-in for a vitest whose config names `setupFiles: ['./tests/setup.ts']`: it fails as vitest did inside `.git/`
   * (`Cannot find module '/tests/setup.ts'`), and it needs a package from the repository's node_modules.
   */
  function vitestStandIn(repo: TempRepo): void {
    const modules = path.join(repo.dir, 'node_modules');
    mkdirSync(path.join(modules, 'vitest'), { recursive: true });
    writeFileSync(path.join(modules, 'vitest', 'package.json'), '{ "name": "vitest", "version": "0.0.0-test" }\n');
    mkdirSync(path.join(modules, 'setup-helper'), { recursive: true });
    writeFileSync(
      path.join(modules, 'setup-helper', 'package.json'),
      '{ "name": "setup-helper", "main": "index.js" }\n',
    );
    writeFileSync(path.join(modules, 'setup-helper', 'index.js'), 'module.exports = "ok";\n');
    mkdirSync(path.join(modules, '.bin'), { recursive: true });
    const bin = path.join(modules, '.bin', 'vitest');
    writeFileSync(
      bin,
      [
        '#!/usr/bin/env node',
        "const { createRequire } = require('node:module');",
        "const path = require('node:path');",
        "if (process.cwd().split(path.sep).includes('.git')) { console.error(\"Error: Cannot find module '/tests/setup.ts'\"); process.exit(1); }",
        "if (!require('node:fs').existsSync('tests/setup.ts')) { console.error('no tests/setup.ts in ' + process.cwd()); process.exit(1); }",
        "createRequire(path.join(process.cwd(), 'x.js'))('setup-helper');",
        "console.log('1 passed');",
        '',
      ].join('\n'),
    );
    chmodSync(bin, 0o755);
  }

  it("a generated test runs in a worktree outside .git/ and the user's tree, with the repository's node_modules; the folder is removed", async () => {
    const repo = repoOf({
      'package.json': '{ "type": "module", "devDependencies": { "vitest": "*" } }\n',
      '.gitignore': 'node_modules\n',
      'vitest.config.ts': "export default { test: { setupFiles: ['./tests/setup.ts'] } };\n",
      'tests/setup.ts': 'export {};\n',
      'src/math.ts': SOURCE['src/math.ts'],
      'test/existing.test.ts': 'export {};\n',
    });
    vitestStandIn(repo);
    const env = cacheEnv();
    const result = await runCli(['-C', repo.dir, '--json', 'add unit tests for src/math.ts'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = parseReport(result.stdout);
    expect(report.items[0]).toMatchObject({ status: 'succeeded' });
    expect(report.warnings.filter((w: string) => /not run/.test(w))).toEqual([]);
    expect(repo.git('diff', '--name-status', 'HEAD', report.branch).trim()).toBe('A\ttest/math.test.ts');
    // The run's worktree lived in the cache folder (keyed by repository) and is gone; nothing was left in .git/.
    const home = path.join(env.XDG_CACHE_HOME, 'orchestrate', 'worktrees');
    // The home was made for it; the repository's folder in it went with its last worktree.
    expect(existsSync(home)).toBe(true);
    expect(readdirSync(home)).toEqual([]);
    expect(existsSync(path.join(repo.dir, '.git', 'orchestrate'))).toBe(false);
  });

  it('a run killed with kill -9 leaves its worktree in the cache folder; undo finds and removes it', async () => {
    const repo = repoOf();
    const env = cacheEnv();
    const answer = scripted();
    let workerSeen: () => void = () => undefined;
    const seen = new Promise<void>((resolve) => (workerSeen = resolve));
    const fake = await server((req) => {
      if (roleOf(req) !== 'worker') return answer(req);
      workerSeen();
      return { hang: 'before-headers' };
    });
    const child = spawn(process.execPath, [CLI, '-C', repo.dir, '--json', '--engine', 'openai', 'add docstrings'], {
      env: { ...process.env, ...fakeEnv(fake), ...env, ORCHESTRATE_WORKTREES: '', OPENAI_AGENTS_DISABLE_TRACING: '1' },
      stdio: 'ignore',
    });
    const closed = new Promise((resolve) => child.on('close', resolve));
    await seen;
    child.kill('SIGKILL');
    await closed;
    const runId = repo
      .git('for-each-ref', '--format=%(refname:short)', 'refs/heads/orchestrate/')
      .trim()
      .replace('orchestrate/', '');
    expect(runId).not.toBe('');
    const listed = repo.git('worktree', 'list', '--porcelain');
    const worktree = /^worktree (.+)$/gm.exec(listed.split('\n\n')[1] ?? '')?.[1] ?? '';
    expect(worktree.startsWith(path.join(env.XDG_CACHE_HOME, 'orchestrate', 'worktrees'))).toBe(true);
    expect(path.basename(worktree)).toBe(runId);

    const undo = await runCli(['undo', runId, '-C', repo.dir], env);
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect(existsSync(worktree)).toBe(false);
    expect(repo.git('worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(repo.git('branch', '--list', `orchestrate/${runId}`).trim()).toBe('');
  });
});
