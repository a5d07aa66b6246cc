import { describe, expect, it } from 'vitest';
import { byFile } from '../src/commit.js';
import type { JobState } from '../src/job/state.js';

/** A job state that only names its file and id (all `byFile` reads). */
const job = (id: string, file: string) => ({ id, target: { file: { path: file } } }) as unknown as JobState;

describe('byFile', () => {
  it('groups the jobs by file: files in the order of their first job, each file’s jobs in their order', () => {
    const jobs = [job('a1', 'a.ts'), job('b1', 'b.ts'), job('a2', 'a.ts'), job('c1', 'c.ts'), job('b2', 'b.ts')];
    const groups = byFile(jobs);
    expect([...groups.keys()]).toEqual(['a.ts', 'b.ts', 'c.ts']);
    const ids = (file: string) => groups.get(file)!.map((s) => (s as unknown as { id: string }).id);
    expect(ids('a.ts')).toEqual(['a1', 'a2']);
    expect(ids('b.ts')).toEqual(['b1', 'b2']);
    expect(ids('c.ts')).toEqual(['c1']);
  });

  it('is empty for no jobs', () => {
    expect(byFile([]).size).toBe(0);
  });
});
