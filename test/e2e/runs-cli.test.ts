import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseReport, runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { IDENTITY, SOURCE, repoWithRun } from '../helpers/run-repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

const cli = (r: TempRepo, ...args: string[]) => runCli([...args, '-C', r.dir]);
const hasBranch = (r: TempRepo, branch: string) => r.git('branch', '--list', branch).trim() !== '';

describe('orchestrate runs / show', () => {
  it('prints a one-line hint in a repository without runs, and [] with --json', async () => {
    repo = makeRepo({ 'src/a.ts': SOURCE });
    const plain = await cli(repo, 'runs');
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout.trim().split('\n')).toHaveLength(1);
    const json = await cli(repo, 'runs', '--json');
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it('lists a finished run and shows its summary', async () => {
    const { r, id, branch } = await repoWithRun();
    repo = r;
    const table = await cli(repo, 'runs');
    expect(table.exitCode).toBe(0);
    const row = table.stdout.split('\n').find((line) => line.startsWith(id));
    expect(row).toMatch(/completed\s+1\/1\s+\$0\.0000\s+\d+s$/);

    const json = JSON.parse((await cli(repo, 'runs', '--json')).stdout);
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({
      id,
      status: 'completed',
      branch,
      branchExists: true,
      jobs: { total: 1, succeeded: 1 },
    });

    const show = await cli(repo, 'show', id);
    expect(show.exitCode).toBe(0);
    expect(show.stdout).toContain(branch);
    const shown = JSON.parse((await cli(repo, 'show', id, '--json')).stdout);
    expect(shown.report.id).toBe(id);
  });

  it.each([['20990101-000000-beef'], ['../x'], ['a/b']])(
    'show of an unknown or malformed id (%j) is E_USAGE, exit 2',
    async (id) => {
      repo = makeRepo({ 'src/a.ts': SOURCE });
      const result = await cli(repo, 'show', id, '--json');
      expect(result.exitCode).toBe(2);
      expect(JSON.parse(result.stdout).error.code).toBe('E_USAGE');
    },
  );
});

describe('orchestrate apply', () => {
  it('fast-forwards the current branch to the run, and the file has the docs; the run state does not make the tree dirty', async () => {
    const { r, id, branch } = await repoWithRun();
    repo = r;
    const tip = repo.git('rev-parse', branch).trim();
    const result = await cli(repo, 'apply', id);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`into main`);
    expect(result.stdout).toContain('fast-forward');
    expect(repo.git('rev-parse', 'HEAD').trim()).toBe(tip);
    expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('main');
    expect(repo.read('src/a.ts')).toContain('/**');
    expect(repo.git('status', '--porcelain')).toBe('');
    // Applied once: there is nothing left to apply.
    expect((await cli(repo, 'apply', id)).exitCode).toBe(2);
  });

  it('makes a merge commit naming the run when the current branch moved on', async () => {
    const { r, id, branch } = await repoWithRun();
    repo = r;
    repo.write('src/b.ts', 'export const b = 2;\n');
    repo.git('add', 'src/b.ts');
    repo.git(...IDENTITY, 'commit', '--quiet', '-m', 'my own work');
    const result = await cli(repo, 'apply', id);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('merge commit');
    expect(repo.git('log', '-1', '--format=%B')).toContain(id);
    expect(repo.git('rev-list', '--parents', '-n', '1', 'HEAD').trim().split(' ')).toHaveLength(3);
    expect(repo.git('merge-base', '--is-ancestor', branch, 'HEAD')).toBe('');
    expect(repo.read('src/a.ts')).toContain('/**');
  });

  it.each([
    ['a modified tracked file', (r: TempRepo) => r.write('src/a.ts', `${SOURCE}// mine\n`)],
    ['a staged file', (r: TempRepo) => (r.write('src/new.ts', 'export {};\n'), r.git('add', 'src/new.ts'))],
    ['an untracked file', (r: TempRepo) => r.write('notes.md', 'mine\n')],
  ])('refuses with %s: E_DIRTY_TREE, exit 2, tree unchanged', async (_what, dirty) => {
    const { r, id } = await repoWithRun();
    repo = r;
    dirty(repo);
    const before = repo.snapshot();
    const result = await runCli(['apply', id, '-C', repo.dir]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('E_DIRTY_TREE');
    expect(repo.snapshot()).toBe(before);
  });

  it('refuses after undo: the run has no branch left', async () => {
    const { r, id } = await repoWithRun();
    repo = r;
    expect((await cli(repo, 'undo', id)).exitCode).toBe(0);
    const head = repo.git('rev-parse', 'HEAD');
    const result = await cli(repo, 'apply', id);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('E_USAGE');
    expect(repo.git('rev-parse', 'HEAD')).toBe(head);
    expect((await cli(repo, 'runs')).stdout).toContain('branch deleted');
  });

  it('aborts a conflicting merge and leaves the tree as it was: E_MERGE_CONFLICT', async () => {
    const { r, id, branch } = await repoWithRun();
    repo = r;
    // The run put a doc comment right above `area`; put a different one there on main.
    const mine = `/** My own words. */\n${SOURCE}`;
    repo.write('src/a.ts', mine);
    repo.git(...IDENTITY, 'commit', '--quiet', '-am', 'document area myself');
    const head = repo.git('rev-parse', 'HEAD');
    const tip = repo.git('rev-parse', branch);
    const result = await cli(repo, 'apply', id);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('E_MERGE_CONFLICT');
    expect(result.stderr).toContain('src/a.ts');
    expect(repo.git('rev-parse', 'HEAD')).toBe(head);
    expect(repo.git('rev-parse', branch)).toBe(tip);
    expect(repo.git('status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(existsSync(path.join(repo.dir, '.git', 'MERGE_HEAD'))).toBe(false);
    expect(repo.read('src/a.ts')).toBe(mine);
  });
});

describe('an interrupted run', () => {
  /** What a killed run leaves: its journal (dead pid), its branch with a commit, and its worktree with the branch checked out. */
  function interruptedRun(r: TempRepo, id: string) {
    const base = r.git('rev-parse', 'HEAD').trim();
    const branch = `orchestrate/${id}`;
    const worktree = path.join(r.dir, '.git', 'orchestrate', 'worktrees', id);
    r.git('worktree', 'add', '--quiet', '-b', branch, worktree, base);
    writeFileSync(path.join(worktree, 'src', 'a.ts'), `/** Area. */\n${SOURCE}`);
    r.git('-C', worktree, ...IDENTITY, 'commit', '--quiet', '-am', `docs: area\n\nOrchestrate-Run: ${id}`);
    writeFileSync(path.join(worktree, 'src', 'a.ts'), 'half-written\n');
    const dir = path.join(r.dir, '.orchestrate', 'runs', id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(r.dir, '.git', 'info', 'exclude'), '/.orchestrate/\n');
    const records = [
      {
        t: 'start',
        runId: id,
        task: 'add docstrings',
        baseCommit: base,
        branch,
        engine: 'offline',
        pid: 999_999,
        at: new Date().toISOString(),
        options: {},
      },
      { t: 'job', id: 'j1', event: 'started' },
      { t: 'job', id: 'j1', event: 'committed' },
      { t: 'job', id: 'j2', event: 'started' },
    ];
    writeFileSync(path.join(dir, 'journal.jsonl'), records.map((x) => JSON.stringify(x)).join('\n') + '\n');
    return { branch, worktree };
  }

  it('is listed and shown as interrupted, apply refuses it, undo removes its branch and worktree and marks it undone', async () => {
    repo = makeRepo({ 'src/a.ts': SOURCE });
    const id = '20260101-000000-dead';
    const { branch, worktree } = interruptedRun(repo, id);

    const listed = JSON.parse((await cli(repo, 'runs', '--json')).stdout);
    expect(listed[0]).toMatchObject({ id, status: 'interrupted', jobs: { total: 2, succeeded: 1 } });
    const show = await cli(repo, 'show', id);
    expect(show.exitCode).toBe(0);
    expect(show.stdout).toContain(`orchestrate resume ${id}`);
    expect((await cli(repo, 'apply', id)).exitCode).toBe(2);

    const before = repo.snapshot();
    const undo = await cli(repo, 'undo', id);
    expect(undo.exitCode).toBe(0);
    expect(hasBranch(repo, branch)).toBe(false);
    expect(existsSync(worktree)).toBe(false);
    expect(repo.git('worktree', 'list').trim().split('\n')).toHaveLength(1);
    expect(repo.snapshot()).toBe(before);
    expect(JSON.parse((await cli(repo, 'runs', '--json')).stdout)[0].status).toBe('undone');
  });

  it('undo works when the worktree directory was deleted by hand (git worktree prune)', async () => {
    repo = makeRepo({ 'src/a.ts': SOURCE });
    const id = '20260101-000000-gone';
    const { branch, worktree } = interruptedRun(repo, id);
    rmSync(worktree, { recursive: true, force: true });
    const undo = await cli(repo, 'undo', id);
    expect(undo.exitCode).toBe(0);
    expect(hasBranch(repo, branch)).toBe(false);
    expect(repo.git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });
});
