import { describe, expect, it } from 'vitest';
import { ModelFaultError, isOrchestrateError, type TokenUsage } from '@orchestrate/core';
import { CallFailed } from '../src/index.js';

describe('CallFailed', () => {
  it('is a model fault in the error tree: code E_MODEL_CALL, not userFacing, exit 1; keeps its fields', () => {
    const usage = { requests: 1, inputTokens: 10, cachedInputTokens: 0, outputTokens: 2 } as TokenUsage;
    const err = new CallFailed('refused', usage, true, 'invalidJson');
    expect(err).toBeInstanceOf(CallFailed);
    expect(err).toBeInstanceOf(ModelFaultError);
    expect(isOrchestrateError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'E_MODEL_CALL', userFacing: false, processExitCode: 1, name: 'CallFailed' });
    expect(err).toMatchObject({ message: 'refused', usage, fatal: true, fault: 'invalidJson' });
  });
});
