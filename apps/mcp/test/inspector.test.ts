// The MCP Inspector's CLI (what a person debugging a server runs) against `orchestrate mcp`: its listing and a call
// parse as JSON on stdout. The Inspector's banner goes to stderr.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DELEGATE_TOOLS } from '@orchestrate/engine';
import { CLI } from '../../../test/helpers/cli.js';
import { makeRepo, type TempRepo } from '../../../test/helpers/repo.js';

const INSPECTOR = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'node_modules',
  '.bin',
  'mcp-inspector-cli',
);

let repo: TempRepo;
let cwd: string;
beforeAll(() => {
  repo = makeRepo({ 'src/a.ts': 'export function a(x: number): number {\n  return x;\n}\n' });
  // inspector-cli 1.0.3 finds its own package.json by testing `../package.json` against the cwd (a bug): it works
  // from a folder whose parent holds one, whatever that one says.
  const base = mkdtempSync(path.join(tmpdir(), 'orch-inspector-'));
  writeFileSync(path.join(base, 'package.json'), '{}\n');
  cwd = path.join(base, 'cwd');
  mkdirSync(cwd);
});
afterAll(() => {
  repo?.cleanup();
  if (cwd) rmSync(path.dirname(cwd), { recursive: true, force: true });
});

function inspect(...args: string[]): Record<string, any> {
  const env: Record<string, string | undefined> = { ...process.env, OPENAI_AGENTS_DISABLE_TRACING: '1' };
  delete env.OPENAI_API_KEY;
  delete env.OPENAI_BASE_URL;
  const result = spawnSync(INSPECTOR, ['--cli', process.execPath, CLI, 'mcp', '--root', repo.dir, ...args], {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(String(result.stdout)) as Record<string, any>;
}

describe('MCP Inspector CLI', () => {
  it('lists the tools', () => {
    const out = inspect('--method', 'tools/list');
    expect(out.tools.map((t: { name: string }) => t.name).sort()).toEqual(Object.keys(DELEGATE_TOOLS).sort());
  });

  it('calls plan (offline engine)', () => {
    const out = inspect('--method', 'tools/call', '--tool-name', 'plan', '--tool-arg', 'task=add docstrings');
    expect(out.isError ?? false).toBe(false);
    expect(out.structuredContent.jobs.total).toBeGreaterThan(0);
  });
});
