import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

const SRC = { 'src/a.ts': 'export function a(): number {\n  return 1;\n}\n' };

function expectCleanError(result: { exitCode: number; stderr: string }, code: string) {
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toContain(`[${code}]`);
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
}

describe('bad input', () => {
  it('outside a git repository: exit 2, E_NOT_GIT_REPO', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'orch-norepo-'));
    expectCleanError(await runCli(['-C', dir, 'add docstrings']), 'E_NOT_GIT_REPO');
  });

  it('a directory that does not exist: exit 2, E_USAGE', async () => {
    expectCleanError(await runCli(['-C', '/nonexistent/orch', 'add docstrings']), 'E_USAGE');
  });

  it('a repository with no commits: exit 2, E_NO_COMMITS', async () => {
    repo = makeRepo({ 'src/a.ts': 'export const x = 1;\n' }, { commit: false });
    expectCleanError(await runCli(['-C', repo.dir, 'add docstrings']), 'E_NO_COMMITS');
  });

  it('an unknown config key names the key and what is allowed', async () => {
    repo = makeRepo({ ...SRC, 'agents.config.ts': 'export default { modles: { worker: "x" } };\n' });
    const result = await runCli(['-C', repo.dir, 'add docstrings']);
    expectCleanError(result, 'E_CONFIG');
    expect(result.stderr).toContain('modles');
    expect(result.stderr).toContain('models');
  });

  it('a bad config value names the key', async () => {
    repo = makeRepo({ ...SRC, 'agents.config.ts': 'export default { concurrency: 0 };\n' });
    const result = await runCli(['-C', repo.dir, 'add docstrings']);
    expectCleanError(result, 'E_CONFIG');
    expect(result.stderr).toContain('concurrency');
  });

  it('a config file that does not load is a config error', async () => {
    repo = makeRepo({ ...SRC, 'agents.config.ts': 'export default {{ nope\n' });
    expectCleanError(await runCli(['-C', repo.dir, 'add docstrings']), 'E_CONFIG');
  });

  it('accepts defineConfig from the orchestrate package in agents.config.ts', async () => {
    repo = makeRepo({
      ...SRC,
      'agents.config.ts':
        "import { defineConfig } from 'orchestrate';\nexport default defineConfig({ concurrency: 2 });\n",
    });
    const result = await runCli(['-C', repo.dir, '--dry-run', 'add docstrings']);
    expect(result.exitCode).toBe(0);
  });

  it.each([['abc'], ['-1'], ['0'], ['']])('an invalid --budget %j is a usage error', async (budget) => {
    repo = makeRepo(SRC);
    const result = await runCli(['-C', repo.dir, '--budget', budget, 'add docstrings']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--budget');
  });

  it('an unknown flag or engine is a usage error', async () => {
    expect((await runCli(['--frobnicate', 'x'])).exitCode).toBe(2);
    expect((await runCli(['--engine', 'magic', 'x'])).exitCode).toBe(2);
  });

  it('no task is a usage error', async () => {
    repo = makeRepo(SRC);
    expectCleanError(await runCli(['-C', repo.dir]), 'E_USAGE');
  });

  it('a task the offline engine cannot do: exit 2, lists what it can do and how to enable a model', async () => {
    repo = makeRepo(SRC);
    const before = repo.snapshot();
    const result = await runCli(['-C', repo.dir, 'rewrite the parser in Rust']);
    expectCleanError(result, 'E_OFFLINE_UNSUPPORTED');
    expect(result.stderr).toContain('docstring');
    expect(result.stderr).toContain('OPENAI_API_KEY');
    expect(repo.snapshot()).toBe(before);
  });

  it('--engine openai without a key: exit 2, E_NO_API_KEY', async () => {
    repo = makeRepo(SRC);
    expectCleanError(await runCli(['-C', repo.dir, '--engine', 'openai', 'add docstrings']), 'E_NO_API_KEY');
  });

  it('--help and --version exit 0', async () => {
    const help = await runCli(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--dry-run');
    const version = await runCli(['--version']);
    expect(version.exitCode).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
