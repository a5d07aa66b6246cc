// A ref's colon names a provider: an unconfigured or mistyped prefix is a config error, never an OpenAI call; provider
// settings that cannot work are refused with what to write instead.
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '@orchestrate/core';

const refused = (user: object): string => {
  try {
    resolveConfig(user);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('accepted');
};

describe('model refs and provider settings', () => {
  const azure = { 'azure-eu': { type: 'azure', resource: 'acme-eu' } } as const;

  it('refuses a prefix that names no provider (a typo gets a suggestion); an id with a colon goes after its provider', () => {
    expect(refused({ providers: azure, models: { worker: 'azure-ue:nano' } })).toMatch(
      /model `azure-ue:nano`: no provider `azure-ue` in `providers` \(configured: openai, azure-eu\) — did you mean `azure-eu`\?/,
    );
    expect(refused({ models: { worker: 'qwen2.5:7b' } })).toContain('`openai:qwen2.5:7b`');
    expect(refused({ models: { verifier: ':nano' } })).toContain('no provider name before the colon');
    expect(refused({ providers: azure, models: { worker: 'azure-eu:' } })).toContain('no model id after `azure-eu:`');
    const ok = resolveConfig({ models: { worker: 'openai:qwen2.5:7b' } });
    expect(ok.models.worker).toBe('openai:qwen2.5:7b');
    expect(
      resolveConfig({ providers: azure, models: { worker: 'azure-eu:my-nano' } }).providers['azure-eu']!.baseURL,
    ).toBe('https://acme-eu.openai.azure.com/openai/v1/');
  });

  it('says what a resource, a key variable and an Azure base URL are; OpenRouter routing keys are checked', () => {
    expect(refused({ providers: { az: { type: 'azure', resource: 'https://acme.openai.azure.com' } } })).toContain(
      "the resource's name",
    );
    expect(refused({ providers: { az: { type: 'azure', resource: 'acme', apiKeyEnv: 'sk-123-abc' } } })).toContain(
      'never the key itself',
    );
    expect(refused({ providers: { az: { type: 'azure', baseURL: 'https://acme.openai.azure.com/' } } })).toContain(
      '`/openai/v1/`',
    );
    const or = (routing: object) => ({
      providers: { or: { type: 'openai-compatible', baseURL: 'https://openrouter.ai/api/v1', routing } },
    });
    expect(refused(or({ zrd: true }))).toMatch(/unknown key `zrd`.*did you mean `zdr`/);
    expect(refused(or({ data_collection: 'maybe' }))).toContain('routing.data_collection');
    const loose = resolveConfig(or({ require_parameters: false })).providers.or!;
    expect(loose.capabilities.schemaEnforced).toBe(false);
    expect(loose.body).toEqual({ provider: { require_parameters: false, data_collection: 'deny' } });
    expect(refused({ providers: { openai: { type: 'anthropic' } } })).toContain(
      'give your anthropic provider another name',
    );
    expect(resolveConfig(or({ zdr: true })).providers.or!.capabilities.schemaEnforced).toBe(true);
  });
});
