// The real CLI with roles on OpenAI-style providers (fakes on 127.0.0.1): a run with the worker on Azure, a missing
// key per provider and --batch on Azure as `--json` errors with their codes (the choices themselves are tested in
// process: packages/engine/test/clients*.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { schemaFaker, startFakeOpenAI, type FakeServer } from '../fake/openai-server.js';
import { parseReport, runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { MATH_TS, docStep } from './openai-script.js';

const NO_STACK = /^\s+at .+:\d+:\d+\)?$/m;
/** No key of the machine's may reach the CLI. */
const CLEAN = { AZURE_OPENAI_API_KEY: undefined, OPENROUTER_API_KEY: undefined, ANTHROPIC_API_KEY: undefined };

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A fake answering from the JSON schema alone (the planner one docstring step, the verifier accepting everything). */
async function fake(): Promise<FakeServer & { root: string }> {
  const server = await startFakeOpenAI((req) => {
    const props = (req.schema?.properties ?? {}) as Record<string, unknown>;
    const json = schemaFaker(req.schema) as Record<string, any>;
    if ('steps' in props) {
      const steps = (json.steps as object[]).map((s) => ({
        ...s,
        ...docStep(),
        ...('model' in s ? { model: null } : {}),
      }));
      return { json: { ...json, steps, unsupported: null } };
    }
    if (Array.isArray(json.rejections)) json.rejections = [];
    return { json, usage: { input: 100, cached: 0, output: 20 } };
  });
  cleanups.push(() => server.close());
  return Object.assign(server, { root: server.url.replace(/\/v1$/, '') });
}

/** A repository with src/math.ts and an agents.config.ts putting the worker on the `azure-eu` provider. */
function repoWith(azureBaseURL: string): TempRepo {
  const config = `export default {
  packing: { maxJobs: 1 },
  providers: { 'azure-eu': { type: 'azure', baseURL: '${azureBaseURL}' } },
  models: { worker: 'azure-eu:my-nano' },
  prices: { 'azure-eu:my-nano': { input: 0.2, cachedInput: 0.02, output: 1.25 } },
};
`;
  const repo = makeRepo({ 'src/math.ts': MATH_TS, 'agents.config.ts': config });
  cleanups.push(() => repo.cleanup());
  return repo;
}

describe('providers end to end (CLI)', () => {
  it('the worker on Azure: exit 0, the Azure fake served every worker call, usage keyed by the ref', async () => {
    const [openai, azure] = [await fake(), await fake()];
    const repo = repoWith(`${azure.root}/openai/v1/`);
    const result = await runCli(['-C', repo.dir, '--json', 'add docstrings to src/math.ts'], {
      ...CLEAN,
      OPENAI_API_KEY: 'k',
      OPENAI_BASE_URL: openai.url,
      AZURE_OPENAI_API_KEY: 'azure-key',
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = parseReport(result.stdout);
    expect(report.jobs).toMatchObject({ total: 3, succeeded: 3 });
    expect(azure.log.length).toBeGreaterThanOrEqual(3);
    expect(azure.log.every((e) => e.request.path === '/openai/v1/responses' && e.request.model === 'my-nano')).toBe(
      true,
    );
    expect(azure.log.every((e) => e.request.headers['api-key'] === 'azure-key')).toBe(true);
    expect(report.usage['azure-eu:my-nano'].requests).toBe(azure.log.length);
    expect(report.usage['azure-eu:my-nano'].costUsd).toBeCloseTo((azure.log.length * (100 * 0.2 + 20 * 1.25)) / 1e6, 9);
    expect(openai.log.some((e) => e.request.model === 'my-nano')).toBe(false);
  });

  it('a missing provider key with --json: exit 2, E_NO_API_KEY naming the variable, no stack trace', async () => {
    const openai = await fake();
    const repo = repoWith('https://my-eu.openai.azure.com/openai/v1/');
    const result = await runCli(['-C', repo.dir, '--json', 'add docstrings to src/math.ts'], {
      ...CLEAN,
      OPENAI_API_KEY: 'k',
      OPENAI_BASE_URL: openai.url,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).not.toMatch(NO_STACK);
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('E_NO_API_KEY');
    expect(error.message).toMatch(/^provider `azure-eu` needs AZURE_OPENAI_API_KEY \(providers\.azure-eu\.apiKeyEnv\)/);
    expect(openai.log).toHaveLength(0);
  });

  it('--batch with the worker on Azure: exit 2, E_USAGE naming the provider', async () => {
    const openai = await fake();
    const repo = repoWith('https://my-eu.openai.azure.com/openai/v1/');
    const result = await runCli(['-C', repo.dir, '--json', '--batch', 'add docstrings to src/math.ts'], {
      ...CLEAN,
      OPENAI_API_KEY: 'k',
      OPENAI_BASE_URL: openai.url,
      AZURE_OPENAI_API_KEY: 'a',
    });
    expect(result.exitCode).toBe(2);
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toContain('--batch needs a provider with a Batch API: `azure-eu` (azure) has none');
    expect(openai.log).toHaveLength(0);
  });
});
