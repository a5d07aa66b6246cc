import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '@orchestrate/core';
import { loadConfig } from '../src/load-config.js';
import { tempRepos } from '../../../test/helpers/repo.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A folder holding only `agents.config.ts` with `text`. */
function withConfig(text: string, name = 'agents.config.ts'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'orch-config-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, name), text);
  return dir;
}

async function loadError(dir: string): Promise<ConfigError> {
  const err = await loadConfig(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('loadConfig: a config file that does not load', () => {
  it('reports a syntax error with file:line:column (1-based), the line and a caret under the unexpected token', async () => {
    const dir = withConfig('export default {\n  concurrency: 3,\n  engine: "offline" oops\n};\n');
    const err = await loadError(dir);
    expect(err.code).toBe('E_CONFIG');
    expect(err.location).toEqual({ file: path.join(dir, 'agents.config.ts'), line: 3, column: 21 });
    const lines = err.message.split('\n');
    expect(lines[0]).toContain('agents.config.ts:3:21');
    expect(lines).toContain('  3 |   engine: "offline" oops');
    expect(lines).toContain(`    | ${' '.repeat(20)}^`);
  });

  it('reports where a config that throws while it runs failed', async () => {
    const dir = withConfig(
      'export default {\n  concurrency: 3,\n  engine: "offline",\n  x: missing(),\n};\n',
      'agents.config.mjs',
    );
    const err = await loadError(dir);
    expect(err.location).toMatchObject({ line: 4, column: 6 });
    expect(err.message.split('\n')[0]).toContain('agents.config.mjs:4:6');
    expect(err.message).toContain('  4 |   x: missing(),');
  });

  it('still loads a valid file, and names the file when the error has no position', async () => {
    const ok = await loadConfig(withConfig('export default { concurrency: 3 };\n'));
    expect(ok.config.concurrency).toBe(3);
    const err = await loadError(withConfig('throw "no position";\nexport default {};\n'));
    expect(err.message).toContain('agents.config.ts');
  });
});

describe('loadConfig at a commit', () => {
  const repos = tempRepos(afterEach);

  it('loads the committed file, not the tree’s; a type-only import and an import in a comment are no file imports', async () => {
    const repo = repos.make({
      'types.ts': 'export interface X { a: number }\n',
      'agents.config.ts':
        "import type { X } from './types';\n// import './not-really';\n/* require('../nor-this') */\nconst x: X = { a: 4 };\nexport default { concurrency: x.a };\n",
    });
    const sha = repo.git('rev-parse', 'HEAD').trim();
    repo.write('agents.config.ts', 'export default { concurrency: 9 };\n');
    const { config, file } = await loadConfig(repo.dir, {}, undefined, 'HEAD');
    expect(config.concurrency).toBe(4);
    expect(file).toBe(path.join(repo.dir, '.orchestrate', 'config', sha, 'agents.config.ts'));
    expect((await loadConfig(repo.dir)).config.concurrency).toBe(9);
  });

  it('an explicit file is read at the commit too (inside the repository only); an error names the commit', async () => {
    const repo = repos.make({ 'ci/orchestrate.config.mjs': 'export default { concurrency: 2 };\n' });
    const explicit = path.join(repo.dir, 'ci', 'orchestrate.config.mjs');
    expect((await loadConfig(repo.dir, {}, explicit, 'HEAD')).config.concurrency).toBe(2);
    await expect(loadConfig(repo.dir, {}, path.join(repo.dir, 'ci', 'nope.mjs'), 'HEAD')).rejects.toThrow(
      /does not exist at commit/,
    );
    await expect(loadConfig(repo.dir, {}, path.join(tmpdir(), 'x.mjs'), 'HEAD')).rejects.toThrow(
      /outside the repository/,
    );
    repo.write('agents.config.ts', 'export default {\n  concurrency: 3 oops\n};\n');
    const sha = repo.commit('broken');
    const err = await loadConfig(repo.dir, {}, undefined, sha).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message.split('\n')[0]).toContain(`agents.config.ts:2:18 (at commit ${sha.slice(0, 12)})`);
  });
});
