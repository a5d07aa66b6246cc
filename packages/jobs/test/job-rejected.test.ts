import { describe, expect, it } from 'vitest';
import { ModelFaultError, isOrchestrateError } from '@orchestrate/core';
import { JobRejected } from '../src/index.js';

describe('JobRejected', () => {
  it('is a model fault in the error tree: code E_REJECTED, not userFacing, exit 1', () => {
    const err = new JobRejected('names a path outside its target');
    expect(err).toBeInstanceOf(JobRejected);
    expect(err).toBeInstanceOf(ModelFaultError);
    expect(isOrchestrateError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'E_REJECTED', userFacing: false, processExitCode: 1, name: 'JobRejected' });
  });
});
