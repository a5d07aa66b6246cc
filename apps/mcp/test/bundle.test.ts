// The MCP server's bundle (mcp.cjs): it builds, it answers `initialize` on its own, and the CLI routes `mcp` to it
// (help, version and bad flags included, none of which prints a stack trace).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, runCli } from '../../../test/helpers/cli.js';

const { buildMcp } = (await import(path.join(path.dirname(CLI), 'bundle.mjs'))) as {
  buildMcp: (dir: string) => Promise<void>;
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'orch-mcp-bundle-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bundle-test', version: '1' } },
};

describe('mcp.cjs', () => {
  it('builds and answers initialize, then stops when stdin ends', async () => {
    await buildMcp(dir);
    const file = path.join(dir, 'mcp.cjs');
    expect(existsSync(file)).toBe(true);
    const run = `require(${JSON.stringify(file)}).main(process.argv.slice(1)).then((c) => { process.exitCode = c; })`;
    const result = spawnSync(process.execPath, ['-e', run, '--', '--root', dir], {
      input: `${JSON.stringify(INITIALIZE)}\n`,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    const lines = String(result.stdout).trim().split('\n');
    expect(lines).toHaveLength(1);
    const answer = JSON.parse(lines[0]!) as { id: number; result: { serverInfo: { name: string } } };
    expect(answer).toMatchObject({ id: 1, result: { serverInfo: { name: 'orchestrate' } } });
  });
});

describe('orchestrate mcp on the command line', () => {
  it('prints its help and version on stdout', async () => {
    const help = await runCli(['mcp', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: orchestrate mcp');
    expect(help.stdout).toContain('--root <dir>');
    expect((await runCli(['help', 'mcp'])).stdout).toContain('Usage: orchestrate mcp');
    const version = await runCli(['mcp', '--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--budget', 'lots'], /--budget needs a positive number/],
    [['--engine', 'gpt'], /--engine needs one of auto, openai, offline/],
    [['--root', '/no/such/folder'], /--root \/no\/such\/folder: no such folder/],
    [['--max-runs', '0'], /--max-runs needs a whole number/],
    [['--config', '/no/such/agents.config.ts'], /--config \/no\/such\/agents.config.ts: no such file/],
  ])('refuses %j with a usage error, exit 2, no stack trace', async (args, message) => {
    const result = await runCli(['mcp', ...args]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^orchestrate mcp: error \[E_USAGE\]: /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
