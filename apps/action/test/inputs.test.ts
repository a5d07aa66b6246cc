import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '@orchestrate/core';
import { actionYml, INPUTS, OUTPUTS, readInputs } from '../src/inputs.js';
import { memoryToolkit } from '../src/toolkit.js';

const TOKEN = { 'github-token': 'ghs_test' };
const refused = (inputs: Record<string, string>): UsageError => {
  try {
    readInputs(memoryToolkit({ ...TOKEN, ...inputs }));
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('accepted');
};

describe('readInputs', () => {
  it("api-keys: `NAME=value` lines for the config's other providers; a malformed line or a runner variable is refused without echoing it", () => {
    const inputs = readInputs(
      memoryToolkit({ ...TOKEN, 'api-keys': 'AZURE_OPENAI_API_KEY=az-secret-1\n\n  ANTHROPIC_API_KEY = sk-ant-2 \n' }),
    );
    expect(inputs.apiKeys).toEqual({ AZURE_OPENAI_API_KEY: 'az-secret-1', ANTHROPIC_API_KEY: 'sk-ant-2' });
    const bad = refused({ 'api-keys': 'az-secret-without-name' });
    expect(bad.message).toMatch(/api-keys, line 1: write `NAME=value`/);
    expect(bad.message).not.toContain('az-secret-without-name');
    for (const name of ['GITHUB_TOKEN', 'OPENAI_API_KEY', 'RUNNER_TEMP'])
      expect(refused({ 'api-keys': `${name}=x` }).message).toContain(`\`${name}\` cannot be set here`);
  });

  it('applies the defaults action.yml declares when an input is empty', () => {
    const inputs = readInputs(memoryToolkit(TOKEN));
    expect(inputs).toEqual({
      mode: 'auto',
      task: '',
      engine: 'auto',
      openaiApiKey: '',
      apiKeys: {},
      baseUrl: null,
      models: {},
      budgetUsd: 0.5,
      failOn: 'error',
      maxComments: 25,
      githubToken: 'ghs_test',
      artifactPath: null,
    });
    expect(Number(INPUTS['budget-usd'].default)).toBe(inputs.budgetUsd);
    expect(Number(INPUTS['max-comments'].default)).toBe(inputs.maxComments);
    expect(INPUTS['fail-on'].default).toBe(inputs.failOn);
  });

  it('reads every input, trimmed; choices are case-insensitive', () => {
    const inputs = readInputs(
      memoryToolkit({
        ...TOKEN,
        mode: ' Review ',
        task: 'add docstrings',
        engine: 'OPENAI',
        'openai-api-key': 'sk-x',
        'base-url': 'http://127.0.0.1:9/v1',
        'planner-model': 'p',
        'verifier-model': 'v',
        'budget-usd': '2',
        concurrency: '4',
        'fail-on': 'never',
        'max-comments': '0',
        'artifact-path': 'results',
      }),
    );
    expect(inputs).toMatchObject({
      mode: 'review',
      engine: 'openai',
      baseUrl: 'http://127.0.0.1:9/v1',
      models: { planner: 'p', verifier: 'v' },
      budgetUsd: 2,
      concurrency: 4,
      failOn: 'never',
      maxComments: 0,
      artifactPath: 'results',
    });
  });

  it.each([
    ['budget-usd', 'abc'],
    ['budget-usd', '0'],
    ['budget-usd', '-1'],
    ['budget-usd', '1e400'],
    ['concurrency', '0'],
    ['concurrency', '2.5'],
    ['concurrency', '257'],
    ['fail-on', 'critical'],
    ['max-comments', '-1'],
    ['mode', 'fix'],
    ['engine', 'anthropic'],
    ['base-url', 'file:///etc/passwd'],
  ])('refuses %s %j with E_USAGE naming the input', (name, value) => {
    const err = refused({ [name]: value });
    expect(err.code).toBe('E_USAGE');
    expect(err.message).toMatch(new RegExp(`^input ${name} needs `));
    expect(err.message).toContain(JSON.stringify(value));
  });

  it('escapes and cuts the value it quotes', () => {
    const err = refused({ 'fail-on': `\u001b[2J${'x'.repeat(200)}` });
    expect(err.message).not.toContain('\u001b');
    expect(err.message.length).toBeLessThan(200);
  });

  it('needs a github-token; an unevaluated expression counts as none', () => {
    for (const token of ['', '${{ github.token }}']) {
      expect(() => readInputs(memoryToolkit({ 'github-token': token }))).toThrow(/input github-token is empty/);
    }
  });
});

describe('action.yml', () => {
  it('is generated from the tables (run pnpm --filter @orchestrate/action build when this fails)', () => {
    const committed = readFileSync(new URL('../action.yml', import.meta.url), 'utf8');
    expect(committed).toBe(actionYml());
  });

  it('declares every input with its default, every output, and runs the bundle on node24', () => {
    const yml = actionYml();
    for (const [name, spec] of Object.entries(INPUTS)) {
      expect(yml).toContain(`\n  ${name}:\n`);
      expect(yml).toContain(`    default: '${spec.default}'\n`);
    }
    for (const name of Object.keys(OUTPUTS)) expect(yml).toContain(`\n  ${name}:\n`);
    expect(yml).toMatch(/\nruns:\n {2}using: 'node24'\n {2}main: 'dist\/index\.cjs'\n$/);
  });

  it('the README lists every input with its default, and every output', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const rows = readme.split('\n').filter((l) => l.startsWith('| `'));
    for (const [name, spec] of Object.entries(INPUTS)) {
      const row = rows.find((r) => r.split('|')[1]?.includes(`\`${name}\``));
      expect(row, `README: no row for input ${name}`).toBeDefined();
      if (spec.default) expect(row?.split('|')[2]?.trim()).toBe(`\`${spec.default}\``);
    }
    for (const name of Object.keys(OUTPUTS)) expect(readme).toContain(`\`${name}\``);
    // Four workflows (review; collect and post; task), each one run per PR at a time (the task's on its job, so a
    // comment that is no command does not cancel a running task).
    expect(readme.match(/\n( {2}| {6})group: pr-\$\{\{ .+ \}\}\n\1cancel-in-progress: true\n/g)).toHaveLength(4);
  });
});
