import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '@orchestrate/core';
import { loadConfig } from '../src/load-config.js';

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
