// The mixed configuration end to end, in process: the planner on OpenAI, the workers on Azure, the verifier on
// Anthropic (Claude Haiku 4.5), each a wire-level fake on 127.0.0.1 driven through the real SDKs, answering from the
// request's JSON schema alone. The report's usage per provider and model equals what each fake served, and each is
// priced at its own rates (Anthropic's cache writes and reads included).
import { describe, it } from 'vitest';
import { priceUsage, resolveConfig } from '@orchestrate/core';
import { MATH_TS, docStep } from '../../../test/e2e/openai-script.js';
import { schemaFaker, startFakeOpenAI, type FakeHandler } from '../../../test/fake/openai-server.js';
import { startFakeAnthropic, type AnthropicHandler } from '../../../test/fake/anthropic-server.js';
import { runOutcome } from '../../../test/helpers/engine.js';
import { makeRepo } from '../../../test/helpers/repo.js';

/** A verifier answer from the schema alone that accepts: no rejections listed. */
function accepting(json: Record<string, any>): Record<string, any> {
  if (Array.isArray(json.rejections)) json.rejections = [];
  return json;
}

/** OpenAI-style roles from the schema alone: the planner plans one docstring step, anything else is schema-faked. */
const openaiSide: FakeHandler = (req) => {
  const json = schemaFaker(req.schema) as Record<string, any>;
  if ('steps' in (req.schema?.properties ?? {})) {
    const steps = (json.steps as object[]).map((s) => ({
      ...s,
      ...docStep(),
      ...('model' in s ? { model: null } : {}),
    }));
    return { json: { ...json, steps, unsupported: null }, usage: { input: 900, cached: 0, output: 80 } };
  }
  if ('escalate' in (req.schema?.properties ?? {})) json.escalate = 'no';
  for (const item of Object.values((json.items ?? {}) as Record<string, any>))
    if ('escalate' in item) item.escalate = 'no';
  return { json, usage: { input: 250, cached: 100, output: 40 } };
};

const anthropicSide: AnthropicHandler = (req) => ({ json: accepting(schemaFaker(req.schema) as Record<string, any>) });

describe('planner on OpenAI, workers on Azure, verifier on Anthropic', () => {
  it('runs end to end; usage per provider and model equals what each fake served, priced at its own rates', async ({
    expect,
    onTestFinished,
  }) => {
    const openai = await startFakeOpenAI(openaiSide);
    const azure = await startFakeOpenAI(openaiSide);
    const claude = await startFakeAnthropic(anthropicSide, { keys: ['claude-key'], cache: true });
    onTestFinished(() => Promise.all([openai.close(), azure.close(), claude.close()]).then(() => undefined));
    const config = {
      planning: 'model',
      providers: {
        'azure-eu': { type: 'azure', baseURL: `${azure.url.replace(/\/v1$/, '')}/openai/v1/` },
        claude: { type: 'anthropic', baseURL: claude.url },
      },
      models: { planner: 'gpt-5.4', worker: 'azure-eu:my-nano', verifier: 'claude:claude-haiku-4-5' },
      prices: { 'azure-eu:my-nano': { input: 0.2, cachedInput: 0.02, output: 1.25 } },
    };
    const repo = makeRepo({
      'src/math.ts': MATH_TS,
      'agents.config.ts': `export default ${JSON.stringify(config, null, 2)};\n`,
    });
    onTestFinished(() => repo.cleanup());
    const { report, error } = await runOutcome({
      cwd: repo.dir,
      task: 'add docstrings to src/math.ts',
      env: {
        OPENAI_API_KEY: 'openai-key',
        OPENAI_BASE_URL: openai.url,
        AZURE_OPENAI_API_KEY: 'azure-key',
        ANTHROPIC_API_KEY: 'claude-key',
      },
    });
    expect(error).toBeNull();
    expect(report!.status).toBe('completed');
    expect(report!.jobs.succeeded).toBe(report!.jobs.total);
    expect(report!.commits.length).toBe(1);

    // Each wire as its provider speaks it.
    expect(openai.log.length).toBe(1);
    expect(azure.log.length).toBeGreaterThanOrEqual(1);
    for (const { request } of azure.log) {
      expect(request.path).toBe('/openai/v1/responses');
      expect(request.headers['api-key']).toBe('azure-key');
      expect(request.model).toBe('my-nano');
    }
    expect(claude.log.length).toBeGreaterThanOrEqual(1);
    for (const { request } of claude.log) {
      expect(request.path).toBe('/v1/messages');
      expect(request.model).toBe('claude-haiku-4-5');
      expect(request.headers.apiKey).toBe('claude-key');
      expect(request.schema).not.toBeNull();
    }

    // Usage per ref = what each fake served.
    const sum = (entries: { input: number; cached: number; output: number; written?: number }[]) => ({
      requests: entries.length,
      inputTokens: entries.reduce((n, e) => n + e.input, 0),
      cachedInputTokens: entries.reduce((n, e) => n + e.cached, 0),
      outputTokens: entries.reduce((n, e) => n + e.output, 0),
    });
    const openaiServed = (log: typeof openai.log) =>
      sum(
        log
          .filter((e) => e.usage)
          .map((e) => ({
            input: e.usage!.input_tokens,
            cached: e.usage!.cached_tokens,
            output: e.usage!.output_tokens,
          })),
      );
    const claudeEntries = claude.log.filter((e) => e.usage);
    const claudeServed = sum(
      claudeEntries.map((e) => ({
        input: e.usage!.input_tokens + e.usage!.cache_creation_input_tokens + e.usage!.cache_read_input_tokens,
        cached: e.usage!.cache_read_input_tokens,
        output: e.usage!.output_tokens,
      })),
    );
    const written = claudeEntries.reduce((n, e) => n + e.usage!.cache_creation_input_tokens, 0);
    const usage = report!.usage as Record<string, any>;
    expect(Object.keys(usage).sort()).toEqual(['azure-eu:my-nano', 'claude:claude-haiku-4-5', 'gpt-5.4']);
    expect(usage['gpt-5.4']).toMatchObject(openaiServed(openai.log));
    expect(usage['azure-eu:my-nano']).toMatchObject(openaiServed(azure.log));
    expect(usage['claude:claude-haiku-4-5']).toMatchObject(claudeServed);
    expect(written).toBeGreaterThan(0); // the fake's cache: the first verifier call writes the instructions
    expect(usage['claude:claude-haiku-4-5'].cacheWriteInputTokens ?? 0).toBe(written);

    // Priced at each provider's own rates: Haiku 4.5's built-in price, cache writes at $1.25 / M.
    const prices = resolveConfig(config).prices;
    for (const ref of Object.keys(usage))
      expect(usage[ref].costUsd).toBeCloseTo(priceUsage(usage[ref], prices[ref]), 9);
    expect(prices['claude:claude-haiku-4-5']).toEqual({ input: 1, cachedInput: 0.1, output: 5, cacheWrite: 1.25 });
    expect(report!.costUsd).toBeCloseTo(
      Object.values(usage).reduce((n, u) => n + u.costUsd, 0),
      9,
    );
  });
});
