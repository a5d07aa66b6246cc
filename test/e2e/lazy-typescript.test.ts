// The CLI's bundle loads TypeScript (its ts.cjs chunk) only when something uses it, and a run's files are indexed on
// the index thread that starts with the process (bin/load.cjs, bin/index-thread.cjs): what ORCHESTRATE_DEBUG prints.
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

const FILES = { 'src/a.ts': 'export function parseConfig(text: string): object {\n  return JSON.parse(text);\n}\n' };
const DEBUG = { ORCHESTRATE_DEBUG: '1' };

describe('the bundle loads TypeScript lazily', () => {
  it('a command that reads no code (runs) never loads it and starts no index thread', async () => {
    repo = makeRepo(FILES);
    const result = await runCli(['-C', repo.dir, 'runs'], DEBUG);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain('loading ts.cjs');
    expect(result.stderr).not.toContain('index thread');
  });

  it('a run indexes on the index thread and loads TypeScript on this one only after the plan', async () => {
    repo = makeRepo(FILES);
    const result = await runCli(['-C', repo.dir, '--engine', 'offline', 'add docstrings'], DEBUG);
    expect(result.exitCode).toBe(0);
    const lines = result.stderr.split('\n');
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(at('index thread: indexed')).toBeGreaterThan(-1);
    expect(at('loading ts.cjs')).toBeGreaterThan(at('orchestrate: plan'));
    expect(repo.git('log', '--all', '--format=%s')).toContain('docs: add doc comments to 1 declaration in src/a.ts');
  });

  it('without the index thread (ORCHESTRATE_INDEX_THREAD=0) the run indexes here, to the same commit', async () => {
    repo = makeRepo(FILES);
    const result = await runCli(['-C', repo.dir, '--engine', 'offline', 'add docstrings'], {
      ...DEBUG,
      ORCHESTRATE_INDEX_THREAD: '0',
    });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain('index thread');
    expect(repo.git('log', '--all', '--format=%s')).toContain('docs: add doc comments to 1 declaration in src/a.ts');
  });
});
