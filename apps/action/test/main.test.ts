import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '@orchestrate/core';
import { emitAnnotations } from '../src/annotations.js';
import type { ModeTable } from '../src/dispatch.js';
import type { GitHubApi } from '../src/github/api.js';
import { run, type ApiFactory } from '../src/main.js';
import { memoryToolkit } from '../src/toolkit.js';
import type { ActionContext, ModeResult, ModeRunner } from '../src/types.js';

const dir = mkdtempSync(path.join(tmpdir(), 'action-main-'));
const eventFile = path.join(dir, 'event.json');
writeFileSync(eventFile, JSON.stringify({ action: 'opened', number: 3, pull_request: { number: 3 } }));
const VARS = {
  GITHUB_REPOSITORY: 'acme/widgets',
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: eventFile,
  GITHUB_WORKSPACE: dir,
};
const TOKEN = 'ghs_0123456789abcdef';
const KEY = 'sk-test-0123456789';
const api = {} as GitHubApi;

const result = (over: Partial<ModeResult> = {}): ModeResult => ({
  runId: 'r1',
  reportPath: '/ws/.orchestrate/runs/r1/report.json',
  sarifPath: '/rt/orchestrate/r1/results.sarif',
  costUsd: 0.012345,
  commentsPosted: 2,
  findings: [],
  report: null,
  problems: [],
  ...over,
});
const modes = (runner: ModeRunner): ModeTable => ({
  review: async () => runner,
  task: async () => runner,
  collect: async () => runner,
  post: async () => runner,
});

describe('run', () => {
  it('builds the context, runs the mode and sets every output', async () => {
    const kit = memoryToolkit({
      'github-token': TOKEN,
      'openai-api-key': KEY,
      'budget-usd': '1',
      'planner-model': 'p',
    });
    let ctx: ActionContext | null = null;
    const factory: ApiFactory = async (o, access) => {
      expect(o).toEqual({ token: TOKEN, apiUrl: 'https://api.github.com', owner: 'acme', repo: 'widgets' });
      expect(access).toEqual({ readOnly: false });
      return api;
    };
    const outcome = await run({
      kit,
      vars: VARS,
      api: factory,
      version: '9.9.9',
      modes: modes(async (c) => ((ctx = c), result())),
    });
    expect(outcome.conclusion).toBe('success');
    expect(kit.failed).toBeNull();
    expect(kit.outputs).toEqual({
      'run-id': 'r1',
      report: '/ws/.orchestrate/runs/r1/report.json',
      sarif: '/rt/orchestrate/r1/results.sarif',
      'cost-usd': '0.0123',
      'comments-posted': '2',
      conclusion: 'success',
    });
    expect(kit.secrets).toEqual([TOKEN, KEY]);
    const c = ctx as unknown as ActionContext;
    expect(c.api).toBe(api);
    expect(c.known).toEqual([TOKEN, KEY]);
    expect(c.version).toBe('9.9.9');
    const options = c.engineOptions() as Record<string, unknown>;
    expect(options).toMatchObject({
      cwd: dir,
      budgetUsd: 1,
      models: { planner: 'p' },
      env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: undefined },
      runRepositoryCode: false,
    });
    expect(options).not.toHaveProperty('concurrency');
    expect(options).not.toHaveProperty('engine');
    expect(kit.lines[0]).toBe('orchestrate: action 9.9.9, mode review, on pull_request in acme/widgets');
  });

  it("api-keys reach the run's environment (and only they), each value masked first", async () => {
    const kit = memoryToolkit({
      'github-token': TOKEN,
      'api-keys': 'AZURE_OPENAI_API_KEY=az-secret-1\nANTHROPIC_API_KEY=sk-ant-2',
    });
    let ctx: ActionContext | null = null;
    await run({ kit, vars: VARS, api: async () => api, modes: modes(async (c) => ((ctx = c), result())) });
    expect(kit.secrets).toEqual(expect.arrayContaining(['az-secret-1', 'sk-ant-2']));
    const env = ((ctx as unknown as ActionContext).engineOptions() as { env: Record<string, unknown> }).env;
    expect(env).toEqual({
      AZURE_OPENAI_API_KEY: 'az-secret-1',
      ANTHROPIC_API_KEY: 'sk-ant-2',
      OPENAI_API_KEY: undefined,
      OPENAI_BASE_URL: undefined,
    });
  });

  it('collect gets a read-only API', async () => {
    const kit = memoryToolkit({ 'github-token': TOKEN, mode: 'collect' });
    let readOnly: boolean | null = null;
    const factory: ApiFactory = async (_o, access) => ((readOnly = access.readOnly), api);
    await run({ kit, vars: VARS, api: factory, modes: modes(async () => result()) });
    expect(readOnly).toBe(true);
  });

  it('fails the step with the reasons when fail-on matches; problems are logged and annotated, redacted', async () => {
    const kit = memoryToolkit({ 'github-token': TOKEN, 'fail-on': 'warning' });
    const findings = [{ severity: 'warning' }] as unknown as ModeResult['findings'];
    const runner: ModeRunner = async () => result({ findings, problems: [`the token ${TOKEN} cannot write`] });
    const outcome = await run({ kit, vars: VARS, api: async () => api, modes: modes(runner) });
    expect(outcome.conclusion).toBe('failure');
    expect(kit.failed).toBe('1 finding at warning or worse (fail-on: warning).');
    expect(kit.outputs.conclusion).toBe('failure');
    expect(kit.lines).toContain('orchestrate: problem: the token [redacted] cannot write');
    expect(kit.annotations).toEqual([
      { level: 'warning', message: 'orchestrate met 1 problem:\n- the token [redacted] cannot write' },
    ]);
  });

  it('the problems annotation is within GitHub’s 10 warnings per step, after a mode annotated many findings', async () => {
    const kit = memoryToolkit({ 'github-token': TOKEN, 'fail-on': 'never' });
    const findings = Array.from({ length: 12 }, (_, i) => ({
      file: 'src/a.ts',
      line: i + 1,
      endLine: i + 1,
      severity: 'warning' as const,
      ruleId: 'r',
      message: `m${i}`,
      source: 'rule' as const,
      fingerprint: String(i).padStart(32, '0'),
      code: [],
    }));
    const runner: ModeRunner = async (ctx) => {
      emitAnnotations(ctx.kit, findings);
      return result({ findings, problems: ['Posting the review failed: 403'] });
    };
    await run({ kit, vars: VARS, api: async () => api, modes: modes(runner) });
    const warnings = kit.annotations.filter((a) => a.level === 'warning');
    expect(warnings).toHaveLength(10);
    expect(warnings.at(-1)!.message).toMatch(/^orchestrate met 1 problem/);
  });

  it('a skip sets conclusion skipped and calls neither the API nor a mode', async () => {
    const kit = memoryToolkit({ 'github-token': TOKEN });
    const fail = async (): Promise<never> => {
      throw new Error('called');
    };
    const outcome = await run({ kit, vars: { ...VARS, GITHUB_EVENT_NAME: 'push' }, api: fail, modes: modes(fail) });
    expect(outcome.conclusion).toBe('skipped');
    expect(kit.failed).toBeNull();
    expect(kit.outputs).toMatchObject({
      conclusion: 'skipped',
      'run-id': '',
      'cost-usd': '0.0000',
      'comments-posted': '0',
    });
    expect(kit.lines.at(-1)).toMatch(/^orchestrate: nothing to do: mode auto does nothing on the push event/);
  });

  it('a refused input fails with one message naming it, before any API call; the outputs are still set', async () => {
    const kit = memoryToolkit({ 'github-token': TOKEN, 'budget-usd': 'lots' });
    const outcome = await run({
      kit,
      vars: VARS,
      api: async () => {
        throw new Error('called');
      },
    });
    expect(outcome.conclusion).toBe('failure');
    expect(kit.failed).toBe('[E_USAGE] input budget-usd needs a positive number of USD, e.g. 0.50 (got "lots")');
    expect(kit.outputs.conclusion).toBe('failure');
    expect(kit.secrets).toEqual([TOKEN]);
  });

  it("a mode's error ends in one message with the action's hint; the stack goes to debug only, redacted", async () => {
    const kit = memoryToolkit({ 'github-token': TOKEN, engine: 'openai' });
    const runner: ModeRunner = async () => {
      throw new EnvironmentError('E_NO_API_KEY', 'The openai engine needs OPENAI_API_KEY.');
    };
    await run({ kit, vars: VARS, api: async () => api, modes: modes(runner) });
    expect(kit.failed).toMatch(/^\[E_NO_API_KEY\] .*`openai-api-key: \$\{\{ secrets\.OPENAI_API_KEY \}\}`/);
    expect(kit.failed).not.toMatch(/\n\s+at /);
    expect(kit.outputs.conclusion).toBe('failure');
    const bug: ModeRunner = async () => {
      throw new Error(`boom ${TOKEN}`);
    };
    const kit2 = memoryToolkit({ 'github-token': TOKEN });
    await run({ kit: kit2, vars: VARS, api: async () => api, modes: modes(bug) });
    expect(kit2.failed).toMatch(/^\[E_INTERNAL\] internal error: boom \[redacted\]\. This is a bug/);
    expect(kit2.debugLines[0]).toMatch(/^Error: boom \[redacted\]\n\s+at /);
  });

  it('outside a workflow (no GITHUB_REPOSITORY) it says where it runs', async () => {
    const kit = memoryToolkit({ 'github-token': TOKEN });
    await run({ kit, vars: {} });
    expect(kit.failed).toMatch(
      /^\[E_USAGE\] GITHUB_REPOSITORY is not set: this action runs as a step of a GitHub Actions workflow/,
    );
  });
});
