// The CLI's human output of an offline run (the run itself is tested in process: packages/engine/test/run-task-offline.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

describe('offline docstring run', () => {
  it('prints a human summary that says how to look at, merge and delete the branch', async () => {
    repo = makeRepo({
      'src/a.ts': 'export function parseConfig(text: string): object {\n  return JSON.parse(text);\n}\n',
    });
    const result = await runCli(['-C', repo.dir, 'add docstrings']);
    expect(result.exitCode).toBe(0);
    const branch = /branch: (orchestrate\/\S+)/.exec(result.stdout)?.[1];
    expect(branch).toBeDefined();
    expect(result.stdout).toContain(`git merge ${branch}`);
    expect(result.stdout).toContain(`git branch -D ${branch}`);
    expect(result.stdout).toContain(`git log -p`);
    expect(result.stderr).toContain('orchestrate: work');
  });
});
