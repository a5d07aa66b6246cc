// `orchestrate models` and `orchestrate doctor` through the real CLI: the table and JSON, keys shown by name only,
// config text escaped, doctor's exit codes (0 when nothing could be checked, 1 when a check failed), and their help.
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

const SECRET = 'sk-e2e-models-0123456789SECRET';

const MIXED = `export default {
  providers: {
    'azure-eu': { type: 'azure', resource: 'my-eu-resource' },
    claude: { type: 'anthropic' },
  },
  models: {
    worker: 'azure-eu:my-nano',
    verifier: 'claude:claude-haiku-4-5',
    workers: ['gpt-\\u001b[2Jnano'],
  },
};
`;

/** A port on 127.0.0.1 that nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('orchestrate models', () => {
  it('prints each role with its provider and price, keys by name only, config text escaped; --json is the data', async () => {
    repo = makeRepo({ 'agents.config.ts': MIXED, 'src/a.ts': 'export const a = 1;\n' });
    const env = { AZURE_OPENAI_API_KEY: SECRET, ANTHROPIC_API_KEY: undefined };
    const text = await runCli(['models', '-C', repo.dir], env);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^worker\s+azure-eu:my-nano\s+azure-eu \(azure\)\s+my-nano\s+no price$/m);
    expect(text.stdout).toMatch(/^verifier\s+claude:claude-haiku-4-5\s+claude \(anthropic\).*write \$1\.25$/m);
    expect(text.stdout).toContain('my-eu-resource.openai.azure.com; AZURE_OPENAI_API_KEY set');
    expect(text.stdout).toContain('ANTHROPIC_API_KEY missing');
    expect(text.stdout).toContain('Concurrency: 32 calls in flight');
    expect(text.stdout).toContain('gpt-\\u001b[2Jnano');
    expect(text.stdout).not.toContain('\u001b');
    expect(text.stdout + text.stderr).not.toContain(SECRET.slice(0, 10));

    const json = await runCli(['models', '--json', '-C', repo.dir], env);
    expect(json.exitCode).toBe(0);
    const view = JSON.parse(json.stdout);
    expect(view.roles.map((r: { role: string }) => r.role)).toEqual(['planner', 'worker', 'verifier', 'worker (step)']);
    expect(view.engine.resolved).toBe('openai');
    expect(view.providers.find((p: { name: string }) => p.name === 'azure-eu').key).toEqual({
      env: 'AZURE_OPENAI_API_KEY',
      status: 'set',
    });
    expect(json.stdout).not.toContain(SECRET.slice(0, 10));
  });

  it('--config and the role flags: what a run with them would use', async () => {
    repo = makeRepo({ 'src/a.ts': 'export const a = 1;\n', 'cfg/other.ts': "export default { engine: 'offline' };\n" });
    const config = path.join(repo.dir, 'cfg', 'other.ts');
    const result = await runCli(['models', '--json', '-C', repo.dir, '--config', config, '--worker', 'gpt-5.4-mini']);
    expect(result.exitCode).toBe(0);
    const view = JSON.parse(result.stdout);
    expect(view.engine).toMatchObject({ configured: 'offline', resolved: 'offline' });
    expect(view.roles[1]).toMatchObject({ role: 'worker', ref: 'gpt-5.4-mini' });
  });

  it("--concurrency 64 is the user's value, not the provider default; a base URL without a key needs none", async () => {
    repo = makeRepo({ 'src/a.ts': 'export const a = 1;\n' });
    const env = { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' };
    const result = await runCli(['models', '-C', repo.dir, '--concurrency', '64'], env);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Concurrency: 64 calls in flight (set in the config or with --concurrency)');
    expect(result.stdout).toContain(
      '127.0.0.1:9 (OPENAI_BASE_URL); OPENAI_API_KEY not set (not needed: a base URL is set)',
    );
  });
});

describe('orchestrate doctor', () => {
  it('with no key at all: nothing is called, every provider not checked, exit 0 with a clear line', async () => {
    repo = makeRepo({ 'src/a.ts': 'export const a = 1;\n' });
    const result = await runCli(['doctor', '-C', repo.dir]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^\s+not checked\s+openai\s+gpt-5\.4-nano\s+key missing: set OPENAI_API_KEY/m);
    expect(result.stdout).toContain('No provider was checked: no key is set');
    expect(result.stdout).toContain('What one call cannot check:');
  });

  it('a provider that cannot be reached fails the doctor (exit 1); --json holds the checks', async () => {
    const port = await closedPort();
    const config = `export default {
  providers: { local: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:${port}/v1' } },
  models: { worker: 'local:qwen2.5:7b' },
  api: { maxRetries: 0 },
};
`;
    repo = makeRepo({ 'agents.config.ts': config, 'src/a.ts': 'export const a = 1;\n' });
    const result = await runCli(['doctor', '--json', '-C', repo.dir]);
    expect(result.exitCode).toBe(1);
    const doctor = JSON.parse(result.stdout);
    const status = Object.fromEntries(
      doctor.checks.map((c: { provider: string; status: string }) => [c.provider, c.status]),
    );
    expect(status).toEqual({ openai: 'not-checked', local: 'failed' });
    const local = doctor.checks.find((c: { provider: string }) => c.provider === 'local');
    expect(local.code).toBe('E_MODEL');
    expect(local.message).toContain(`Check that the server at 127.0.0.1:${port} is running`);
    expect(local.message).toContain('`providers.local.baseURL` is its address.');
    expect(doctor.exitCode).toBe(1);
    expect(doctor.cannotCheck.length).toBeGreaterThan(0);
  });
});

describe('help', () => {
  it.each([['models'], ['doctor']])('orchestrate help %s shows its examples and exit codes', async (command) => {
    const result = await runCli(['help', command]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`orchestrate ${command} --json`);
    expect(result.stdout).toContain('Exit codes:');
  });
});
