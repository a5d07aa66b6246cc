// The text of `orchestrate doctor` and `orchestrate models`: each check on its line, its cost, and text from a server
// or the config escaped before the terminal.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '@orchestrate/core';
import { describeModels, runDoctor, type ModelsView } from '@orchestrate/engine';
import { formatDoctor, formatModels } from '../src/models.js';

const usage = { requests: 1, inputTokens: 40, cachedInputTokens: 8, outputTokens: 4 };

describe('formatDoctor', () => {
  it('ok, failed and not-checked lines; the calls priced; a server message escaped', async () => {
    const config = resolveConfig({
      providers: {
        bad: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1' },
        claude: { type: 'anthropic' },
      },
      models: { planner: 'gpt-5.4-nano', verifier: 'bad:gpt-5.4-mini', workers: ['claude:claude-haiku-4-5'] },
    });
    const result = await runDoctor(
      config,
      { OPENAI_API_KEY: 'k' },
      {
        clientFor: async (p) => ({
          call: async <T>() => {
            if (p.name === 'bad') throw new Error('401 \u001b[2Jgo away');
            return { output: { ok: true } as T, usage, model: 'gpt-5.4-nano' };
          },
        }),
      },
    );
    const text = formatDoctor(result);
    expect(text).toMatch(
      /^ {2}ok +openai +gpt-5\.4-nano +\d+ ms, 40 in \(8 cached\) \/ 4 out tokens, \$0\.000012, answer matched the schema$/m,
    );
    expect(text).toMatch(/^ {2}failed +bad +bad:gpt-5\.4-mini +401 \\u001b\[2Jgo away$/m);
    expect(text).toMatch(/^ {2}not checked +claude +claude:claude-haiku-4-5 +key missing: set ANTHROPIC_API_KEY/m);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('3 models on 3 providers: 1 ok, 1 failed, 1 not checked.');
    expect(text).toContain("Doctor's calls: 1 request, 40 in (8 cached) / 4 out tokens, $0.000012");
    expect(text).toContain('What one call cannot check:');
  });
});

describe('formatModels', () => {
  it('a provider name and model id from the config are escaped; a missing price says so', () => {
    const view: ModelsView = describeModels(resolveConfig({ models: { worker: 'nano\u202eevil' } }), {});
    const text = formatModels(view);
    expect(text).toContain('nano\\u202eevil');
    expect(text).not.toContain('\u202e');
    expect(text).toMatch(/^worker +nano\\u202eevil +openai \(openai\) +nano\\u202eevil +no price$/m);
    expect(text).toContain('--budget cannot hold');
  });
});
