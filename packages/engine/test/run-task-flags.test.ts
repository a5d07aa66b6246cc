// runTask() in process: options that would change nothing are refused with E_USAGE before anything is made, never
// silently ignored (a user who typed them meant something).
import { describe, expect, it } from 'vitest';
import { runOutcome } from '../../../test/helpers/engine.js';
import { makeRepo } from '../../../test/helpers/repo.js';

const SOURCE = { 'src/math.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n' };

describe('runTask: options that change nothing', () => {
  it.each([
    ['detach without batch', { detach: true }],
    ['batch on the offline engine', { batch: true, engine: 'offline' as const }],
  ])('%s is E_USAGE, and the repository is untouched', async (_name, options) => {
    const repo = makeRepo(SOURCE);
    try {
      const before = repo.snapshot();
      const { report, error } = await runOutcome({ cwd: repo.dir, task: 'add docstrings to src/math.ts', ...options });
      expect(report).toBeNull();
      expect(error?.code).toBe('E_USAGE');
      expect(repo.snapshot()).toBe(before);
      expect(repo.git('branch', '--list', 'orchestrate/*').trim()).toBe('');
    } finally {
      repo.cleanup();
    }
  });
});
