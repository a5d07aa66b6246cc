// A provider's `headers` never carry a key: a key-bearing header name, the provider's own key header, or a value that
// looks like a secret is a config error pointing at `apiKeyEnv`, and the value is never echoed.
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '@orchestrate/core';

const SECRET = 'sk-live-0123456789abcdefSECRET';

/** The ConfigError message of a config with one provider `gw` of these headers (and options). */
const refused = (headers: Record<string, string>, extra: object = {}): string => {
  try {
    resolveConfig({
      providers: { gw: { type: 'openai-compatible', baseURL: 'https://gw.example.com/v1', headers, ...extra } },
      models: { worker: 'gw:qwen' },
    });
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('accepted');
};

describe('provider headers never hold a key', () => {
  it.each([
    ['Authorization', `Bearer ${SECRET}`],
    ['authorization', 'anything'],
    ['api-key', 'abc'],
    ['X-Api-Key', 'abc'],
    ['Helicone-Auth', 'x'],
    ['cf-aig-authorization', 'x'],
    ['x-portkey-api-key', 'x'],
    ['X-Auth-Token', 'x'],
  ])('refuses the key-bearing header %s, pointing at apiKeyEnv', (name, value) => {
    const message = refused({ [name]: value });
    expect(message).toContain(`\`providers.gw.headers.${name}\`: this header carries a key`);
    expect(message).toContain('Keys come only from the environment');
    expect(message).toContain('`providers.gw.apiKeyEnv`');
    expect(message).not.toContain(SECRET);
  });

  it("refuses the provider's own key header, whatever its name", () => {
    expect(refused({ 'X-Gateway': 'abc' }, { apiKeyHeader: 'x-gateway' })).toContain(
      '`providers.gw.headers.X-Gateway`: this header carries a key',
    );
  });

  it.each([
    ['a Bearer token', `Bearer abc`],
    ['a known key prefix', SECRET],
    ['an Anthropic key', 'sk-ant-api03-abc'],
    ['a GitHub token', 'ghp_0123456789abcdefghij'],
    ['a long random token', 'Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNb'],
  ])('refuses a value that looks like a key (%s) under any name, without echoing it', (_what, value) => {
    const message = refused({ 'X-Custom': value });
    expect(message).toContain('`providers.gw.headers.X-Custom`: this value looks like a key');
    expect(message).not.toContain(value);
  });

  it('keeps ordinary headers: a title, a referer URL, a team, a UUID session id, a short version', () => {
    const headers = {
      'X-Title': 'orchestrate',
      'HTTP-Referer': 'https://github.com/acme/repo-with-a-long-name-0123456789',
      'x-team': 'docs',
      'Helicone-Session-Id': '123e4567-e89b-12d3-a456-426614174000',
      'anthropic-beta': 'fine-grained-tool-streaming-2025-05-14',
    };
    const config = resolveConfig({
      providers: { gw: { type: 'openai-compatible', baseURL: 'https://gw.example.com/v1', headers } },
      models: { worker: 'gw:qwen' },
    });
    expect(config.providers.gw!.headers).toEqual(headers);
  });

  it('every offending header is named at once', () => {
    const message = refused({ Authorization: 'x', 'X-Other': SECRET, 'x-team': 'docs' });
    expect(message).toContain('headers.Authorization');
    expect(message).toContain('headers.X-Other');
    expect(message).not.toContain('headers.x-team');
  });
});
