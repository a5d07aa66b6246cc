import { describe, expect, it } from 'vitest';
import { CAPS, commitView } from '../../src/delegate/views.js';

describe('commitView', () => {
  it('lists at most 50 files of a commit; the last entry says how many more and how to list them', () => {
    const files = Array.from({ length: 1500 }, (_, i) => `src/m${i}.ts`);
    const view = commitView({ sha: 'abc123', stepId: 'step-1', message: 'docs: many\n\nbody', jobs: 15000, files });
    expect(view.subject).toBe('docs: many');
    expect(view.files).toHaveLength(CAPS.commitFiles);
    expect(view.files.at(-1)).toBe('… 1451 more in git show --stat abc123');
    expect(commitView({ sha: 's', stepId: 'x', message: 'm', jobs: 1 }).files).toEqual([]);
  });
});
