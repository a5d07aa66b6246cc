// End-to-end: `apply` and `undo` with --json print exactly one JSON document on stdout, for a result and for an error
// (a calling agent always gets JSON; apps/cli/README.md). They used to accept --json and print text, or nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import type { TempRepo } from '../helpers/repo.js';
import { repoWithRun } from '../helpers/run-repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

const cli = (r: TempRepo, ...args: string[]) => runCli([...args, '-C', r.dir]);

describe('apply / undo --json', () => {
  it('apply: the E_DIRTY_TREE error as JSON, then the merge as JSON', async () => {
    const { r, id, branch } = await repoWithRun();
    repo = r;
    r.write('notes.txt', 'mine\n');
    const refused = await cli(r, 'apply', id, '--json');
    expect(refused.exitCode).toBe(2);
    expect(JSON.parse(refused.stdout).error.code).toBe('E_DIRTY_TREE');
    r.git('clean', '-fdq', '--', 'notes.txt');
    const applied = await cli(r, 'apply', id, '--json');
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ branch, into: 'main', fastForward: true, commits: 1 });
  });

  it('undo: the refusal of a merged run as JSON, then the deletion as JSON', async () => {
    const { r, id, branch } = await repoWithRun();
    repo = r;
    expect((await cli(r, 'apply', id)).exitCode).toBe(0);
    const refused = await cli(r, 'undo', id, '--json');
    expect(refused.exitCode).toBe(2);
    expect(JSON.parse(refused.stdout).error.code).toBe('E_USAGE');
    const undone = await cli(r, 'undo', id, '--force', '--json');
    expect(undone.exitCode, undone.stderr).toBe(0);
    expect(JSON.parse(undone.stdout)).toMatchObject({ branch, deletedBranch: true });
  });
});
