import { describe, expect, it } from 'vitest';
import { ConfigError, configJsonSchema, defineConfig, resolveConfig } from '../src/index.js';

function configError(input: unknown): ConfigError {
  try {
    resolveConfig(input, 'agents.config.ts');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('applies the documented defaults', () => {
    const c = resolveConfig({});
    expect(c.engine).toBe('auto');
    expect(c.models).toEqual({ planner: 'gpt-5.4', worker: 'gpt-5.4-nano', verifier: 'gpt-5.4-mini', workers: [] });
    expect(c.prices['gpt-5.4']).toEqual({ input: 2.5, cachedInput: 0.25, output: 15 });
    expect(c.prices['gpt-5.4-mini']).toEqual({ input: 0.75, cachedInput: 0.075, output: 4.5 });
    expect(c.prices['gpt-5.4-nano']).toEqual({ input: 0.2, cachedInput: 0.02, output: 1.25 });
    expect(c.api.wire).toBe('responses');
    expect(c.budgetUsd).toBeUndefined();
    expect(c.secrets).toEqual({ files: [], redact: true });
  });

  it('takes extra secret-file globs and the redaction switch, and names a wrong key under secrets', () => {
    expect(resolveConfig({ secrets: { files: ['*.secret'] } }).secrets).toEqual({ files: ['*.secret'], redact: true });
    expect(resolveConfig({ secrets: { redact: false } }).secrets.redact).toBe(false);
    const err = configError({ secrets: { file: ['x'] } });
    expect(err.message).toContain('file');
    expect(err.message).toContain('redact');
  });

  it('merges user prices over the defaults and keeps partial model overrides', () => {
    const c = resolveConfig({
      models: { worker: 'local-small' },
      prices: { 'local-small': { input: 0, cachedInput: 0, output: 0 } },
    });
    expect(c.models.worker).toBe('local-small');
    expect(c.models.planner).toBe('gpt-5.4');
    expect(c.prices['local-small']).toEqual({ input: 0, cachedInput: 0, output: 0 });
    expect(c.prices['gpt-5.4-nano']).toBeDefined();
  });

  it('names an unknown key and the allowed ones', () => {
    const err = configError({ concurency: 3 });
    expect(err.code).toBe('E_CONFIG');
    expect(err.message).toContain('concurency');
    expect(err.message).toContain('concurrency');
  });

  it('names an unknown nested key and the keys allowed there', () => {
    const err = configError({ api: { baseUrl: 'http://x' } });
    expect(err.message).toContain('baseUrl');
    expect(err.message).toContain('baseURL');
  });

  it.each([
    [{ concurrency: 0 }, 'concurrency'],
    [{ budgetUsd: -1 }, 'budgetUsd'],
    [{ engine: 'magic' }, 'engine'],
    [{ api: { wire: 'grpc' } }, 'api.wire'],
    [{ api: { baseURL: 'not a url' } }, 'api.baseURL'],
    [{ prices: { m: { input: 1 } } }, 'prices.m'],
  ])('rejects a bad value %j naming %s', (input, key) => {
    expect(configError(input).message).toContain(key);
  });

  it('defineConfig is the identity', () => {
    const c = { concurrency: 3 };
    expect(defineConfig(c)).toBe(c);
  });

  it('derives a JSON schema from the same zod schema', () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['engine', 'models', 'prices', 'api', 'budgetUsd']),
    );
  });
});

describe('config: did you mean', () => {
  it.each([
    [{ concurency: 3 }, 'concurrency'],
    [{ budgetUSD: 3 }, 'budgetUsd'],
    [{ api: { baseUrl: 'http://x' } }, 'baseURL'],
    [{ models: { worke: 'm' } }, 'worker'],
    [{ secrets: { file: ['x'] } }, 'files'],
    [{ packing: { maxJob: 2 } }, 'maxJobs'],
    [{ kinds: { docstring: { verfy: false } } }, 'verify'],
    [{ prices: { m: { inputt: 1, cachedInput: 0, output: 0 } } }, 'input'],
    [{ rateLimits: { m: { rmp: 10 } } }, 'rpm'],
  ])('suggests the closest key for %j', (input, closest) => {
    const err = configError(input);
    expect(err.code).toBe('E_CONFIG');
    expect(err.message).toContain(`did you mean \`${closest}\`?`);
  });

  it('suggests nothing when no key is close', () => {
    expect(configError({ zzzzzzzz: 1 }).message).not.toContain('did you mean');
  });
});
