// runTask() in process with roles on several OpenAI-style providers, each a wire-level fake on 127.0.0.1 driven through
// the real SDKs: the planner on OpenAI, the worker on Azure (its path, `api-key` and deployment), the verifier on a
// compatible server (chat completions); a compatible server that ignores the schema; missing keys; --batch on Azure.
import { describe, it } from 'vitest';
import { MATH_TS, docStep, fileAt, runBranches, withoutDocs } from '../../../test/e2e/openai-script.js';
import { schemaFaker, startFakeOpenAI, type FakeHandler, type FakeServer } from '../../../test/fake/openai-server.js';
import { runOutcome } from '../../../test/helpers/engine.js';
import { makeRepo } from '../../../test/helpers/repo.js';

type Usage = { input: number; cached: number; output: number };
type Finished = (fn: () => void | Promise<void>) => void;

/**
 * Answers each role from its JSON schema alone (the planner one docstring step over src/math.ts, the verifier accepts
 * everything), with fixed usage; `worker` replaces the worker's answer.
 */
function fromSchema(usage: Usage, worker?: () => unknown): FakeHandler {
  return (req) => {
    const props = (req.schema?.properties ?? {}) as Record<string, unknown>;
    const json = schemaFaker(req.schema) as Record<string, any>;
    if ('steps' in props) {
      const steps = (json.steps as Record<string, unknown>[]).map((s) => ({
        ...s,
        ...docStep(),
        ...('model' in s ? { model: null } : {}),
      }));
      return { json: { ...json, steps, unsupported: null }, usage };
    }
    if ('rejections' in props) {
      if (Array.isArray(json.rejections)) json.rejections = [];
      return { json, usage };
    }
    return { json: worker ? worker() : json, usage };
  };
}

/** Starts a fake and closes it when the test finishes. */
async function fake(onFinished: Finished, handler: FakeHandler): Promise<FakeServer & { root: string }> {
  const server = await startFakeOpenAI(handler);
  onFinished(() => server.close());
  return Object.assign(server, { root: server.url.replace(/\/v1$/, '') });
}

/** A repository with src/math.ts and `config` as agents.config.ts (one job per call). */
function repoWith(onFinished: Finished, config: string) {
  const repo = makeRepo({ 'src/math.ts': MATH_TS, 'agents.config.ts': config });
  onFinished(() => repo.cleanup());
  return repo;
}

/** What a fake served, per ref (`prefix` + model), as the report's usage counts it; `cached: false` counts none. */
function servedByRef(server: FakeServer, prefix: string, cached = true) {
  const out: Record<
    string,
    { requests: number; inputTokens: number; cachedInputTokens: number; outputTokens: number }
  > = {};
  for (const e of server.log) {
    if (!e.usage) continue;
    const u = (out[prefix + e.request.model] ??= {
      requests: 0,
      inputTokens: 0,
      cachedInputTokens: 0,
      outputTokens: 0,
    });
    u.requests++;
    u.inputTokens += e.usage.input_tokens;
    u.cachedInputTokens += cached ? e.usage.cached_tokens : 0;
    u.outputTokens += e.usage.output_tokens;
  }
  return out;
}

/** The report's usage without costs. */
function tokensOf(report: Record<string, any>) {
  return Object.fromEntries(
    Object.entries(report.usage as Record<string, any>).map(([ref, u]) => [
      ref,
      {
        requests: u.requests,
        inputTokens: u.inputTokens,
        cachedInputTokens: u.cachedInputTokens,
        outputTokens: u.outputTokens,
      },
    ]),
  );
}

describe.concurrent('runTask with roles on several providers', () => {
  it('planner on OpenAI, worker on Azure, verifier on a compatible server: each wire as its provider speaks it, usage per ref as served', async ({
    expect,
    onTestFinished,
  }) => {
    const openai = await fake(onTestFinished, fromSchema({ input: 900, cached: 300, output: 80 }));
    const azure = await fake(onTestFinished, fromSchema({ input: 250, cached: 100, output: 40 }));
    const local = await fake(onTestFinished, fromSchema({ input: 600, cached: 200, output: 50 }));
    const repo = repoWith(
      onTestFinished,
      `export default {
  packing: { maxJobs: 1 },
  planning: 'model',
  providers: {
    'azure-eu': { type: 'azure', baseURL: '${azure.root}/openai/v1/' },
    local: { type: 'openai-compatible', baseURL: '${local.url}' },
  },
  models: { planner: 'gpt-5.4', worker: 'azure-eu:gpt-5.4-nano', verifier: 'local:gpt-5.4-mini' },
};
`,
    );
    const before = repo.snapshot();
    const { report, error } = await runOutcome({
      cwd: repo.dir,
      task: 'add docstrings to src/math.ts',
      env: { OPENAI_API_KEY: 'openai-key', OPENAI_BASE_URL: openai.url, AZURE_OPENAI_API_KEY: 'azure-key' },
    });
    expect(error).toBeNull();
    expect(report!.status).toBe('completed');
    expect(report!.jobs).toMatchObject({ total: 3, succeeded: 3 });
    // Azure: the v1 path, the key in `api-key` only, the deployment as model, structured output on the Responses API.
    expect(azure.log.length).toBeGreaterThanOrEqual(3);
    for (const { request } of azure.log) {
      expect(request.path).toBe('/openai/v1/responses');
      expect(request.headers['api-key']).toBe('azure-key');
      expect(request.headers.authorization).toBeUndefined();
      expect(request.model).toBe('gpt-5.4-nano');
      expect(request.body.text.format.type).toBe('json_schema');
    }
    // The compatible server: chat completions with response_format, no key, no prompt_cache_key.
    expect(local.log.length).toBeGreaterThanOrEqual(1);
    for (const { request } of local.log) {
      expect(request.path).toBe('/v1/chat/completions');
      expect(request.body.response_format.type).toBe('json_schema');
      expect(request.headers.authorization).toBeUndefined();
      expect(request.body).not.toHaveProperty('prompt_cache_key');
    }
    expect(openai.log.length).toBeGreaterThanOrEqual(1); // the planner
    for (const { request } of openai.log) {
      expect(request.path).toBe('/v1/responses');
      expect(request.headers.authorization).toBe('Bearer openai-key');
      expect(request.headers['api-key']).toBeUndefined();
    }
    // Usage per ref equals what each fake served; the compatible server's cached tokens are not counted (it does not
    // report them reliably, so they are priced as fresh input).
    expect(tokensOf(report!)).toEqual({
      ...servedByRef(openai, ''),
      ...servedByRef(azure, 'azure-eu:'),
      ...servedByRef(local, 'local:', false),
    });
    expect(Object.keys(report!.usage)).toEqual(expect.arrayContaining(['azure-eu:gpt-5.4-nano', 'local:gpt-5.4-mini']));
    expect(report!.usage['local:gpt-5.4-mini'].costUsd).toBeCloseTo(
      (report!.usage['local:gpt-5.4-mini'].inputTokens * 0.75 +
        report!.usage['local:gpt-5.4-mini'].outputTokens * 4.5) /
        1e6,
      9,
    );
    expect(repo.snapshot()).toBe(before);
  });

  it.for([true, false])(
    'a compatible worker server that ignores the schema: its answers fail validation and go down the ladder (escalate: %s); nothing invalid is committed',
    async (escalate, { expect, onTestFinished }) => {
      const openai = await fake(onTestFinished, fromSchema({ input: 500, cached: 0, output: 40 }));
      // Valid JSON from another schema: what a server that accepts `response_format` and ignores it may answer.
      const local = await fake(
        onTestFinished,
        fromSchema({ input: 200, cached: 0, output: 20 }, () => ({ verdict: 'looks fine', score: 7 })),
      );
      const repo = repoWith(
        onTestFinished,
        `export default {
  packing: { maxJobs: 1 },
  ladder: { escalate: ${escalate} },
  providers: { local: { type: 'openai-compatible', baseURL: '${local.url}' } },
  models: { worker: 'local:qwen2.5:7b' },
};
`,
      );
      const before = repo.snapshot();
      const { report, error } = await runOutcome({
        cwd: repo.dir,
        task: 'add docstrings to src/math.ts',
        env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: openai.url },
      });
      expect(error).toBeNull();
      // Every job's worker call and its retry were refused by the local validation, and counted.
      expect(local.log).toHaveLength(6);
      expect(local.log.every((e) => e.request.model === 'qwen2.5:7b' && e.request.schema !== null)).toBe(true);
      expect(report!.faults.schemaFailures).toBe(6);
      expect(report!.usage['local:qwen2.5:7b'].requests).toBe(6);
      if (escalate) {
        // Escalated to the verifier's model (on OpenAI) as worker: committed from those answers only.
        expect(report!.jobs).toMatchObject({ total: 3, succeeded: 3 });
        const math = fileAt(repo, report!.branch, 'src/math.ts');
        expect(withoutDocs(math)).toBe(MATH_TS);
        expect(math).not.toContain('looks fine');
      } else {
        expect(report!.jobs).toMatchObject({ total: 3, succeeded: 0, failed: 3 });
        expect(report!.commits).toEqual([]);
      }
      expect(repo.snapshot()).toBe(before);
    },
  );

  it('a missing key per provider: E_NO_API_KEY naming each variable, before any call, nothing created', async ({
    expect,
    onTestFinished,
  }) => {
    const openai = await fake(onTestFinished, fromSchema({ input: 1, cached: 0, output: 1 }));
    const repo = repoWith(
      onTestFinished,
      `export default {
  providers: { 'azure-eu': { type: 'azure', resource: 'my-eu-resource' }, eu2: { type: 'azure', resource: 'other', apiKeyEnv: 'EU2_KEY' } },
  models: { worker: 'azure-eu:my-nano', verifier: 'eu2:my-mini' },
};
`,
    );
    const before = repo.snapshot();
    const { error } = await runOutcome({
      cwd: repo.dir,
      task: 'add docstrings to src/math.ts',
      env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: openai.url },
    });
    expect(error!.code).toBe('E_NO_API_KEY');
    expect(error!.message).toContain('provider `azure-eu` needs AZURE_OPENAI_API_KEY (providers.azure-eu.apiKeyEnv)');
    expect(error!.message).toContain('provider `eu2` needs EU2_KEY (providers.eu2.apiKeyEnv)');
    expect(error!.message).not.toContain('OPENAI_API_KEY (or');
    expect(openai.log).toHaveLength(0);
    expect(runBranches(repo)).toEqual([]);
    expect(repo.snapshot()).toBe(before);
  });

  it('--batch with the worker on Azure: E_USAGE naming the provider, before any call', async ({
    expect,
    onTestFinished,
  }) => {
    const openai = await fake(onTestFinished, fromSchema({ input: 1, cached: 0, output: 1 }));
    const repo = repoWith(
      onTestFinished,
      `export default {
  providers: { 'azure-eu': { type: 'azure', resource: 'my-eu-resource' } },
  models: { worker: 'azure-eu:my-nano' },
};
`,
    );
    const { error } = await runOutcome({
      cwd: repo.dir,
      task: 'add docstrings to src/math.ts',
      batch: true,
      env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: openai.url, AZURE_OPENAI_API_KEY: 'a' },
    });
    expect(error!.code).toBe('E_USAGE');
    expect(error!.message).toMatch(
      /^--batch needs a provider with a Batch API: `azure-eu` \(azure\) has none \(`orchestrate models` shows capabilities\)\. Drop --batch, or /,
    );
    expect(openai.log).toHaveLength(0);
    expect(runBranches(repo)).toEqual([]);
  });
});
