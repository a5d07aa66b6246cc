import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempRepos } from '../../../test/helpers/repo.js';
import type { RunReport } from '@orchestrate/core';
import type { JournalRecord } from '../src/runs/journal-format.js';
import { applyRun } from '../src/runs/apply.js';
import { formatAge, formatRun, formatRuns } from '../src/runs/format-runs.js';
import { assertRunId, isProcessAlive, listRuns, showRun } from '../src/runs/runs.js';

const DEAD_PID = 999_999;
const repos = tempRepos(afterEach);

/** A temp repository with one commit and `.orchestrate/` excluded, as a run leaves it. */
function makeRepo() {
  const repo = repos.make({ 'a.ts': 'export const a = 1;\n' }, { prefix: 'engine-runs-' });
  writeFileSync(path.join(repo.dir, '.git', 'info', 'exclude'), '/.orchestrate/\n');
  return { dir: repo.dir, git: repo.git, head: repo.git('rev-parse', 'HEAD').trim() };
}

function runFolder(dir: string, id: string): string {
  const d = path.join(dir, '.orchestrate', 'runs', id);
  mkdirSync(d, { recursive: true });
  return d;
}

function writeReportFixture(dir: string, id: string, over: Partial<RunReport> = {}): void {
  const report = {
    id,
    task: 'add docstrings to every exported function in the whole repository',
    engine: 'offline',
    status: 'completed',
    repo: dir,
    baseCommit: '0'.repeat(40),
    branch: null,
    worktree: null,
    plan: { source: 'offline', steps: [], warnings: [] },
    commits: [],
    jobs: { total: 3, succeeded: 2, failed: 1, skipped: 0 },
    usage: {},
    costUsd: 0.0123,
    budgetUsd: null,
    estimate: null,
    durationMs: 10,
    batches: [],
    throttling: {},
    metrics: { indexMs: 0, planMs: 0, workMs: 0, cpuMs: 0, peakRssMb: 0 },
    startedAt: new Date(Date.now() - 3 * 60_000).toISOString(),
    items: [],
    annotations: [],
    warnings: [],
    ...over,
  };
  writeFileSync(path.join(runFolder(dir, id), 'report.json'), JSON.stringify(report));
}

function writeJournal(dir: string, id: string, records: JournalRecord[], torn = ''): void {
  writeFileSync(
    path.join(runFolder(dir, id), 'journal.jsonl'),
    records.map((r) => JSON.stringify(r)).join('\n') + '\n' + torn,
  );
}

function journalFixture(
  id: string,
  base: string,
  pid: number,
  at = new Date(Date.now() - 2 * 3600_000).toISOString(),
): JournalRecord[] {
  const usage = { requests: 1, inputTokens: 100, cachedInputTokens: 0, outputTokens: 10 };
  return [
    {
      t: 'start',
      runId: id,
      task: 'document src',
      baseCommit: base,
      branch: `orchestrate/${id}`,
      engine: 'openai',
      pid,
      at,
      options: {},
    },
    { t: 'answer', key: 'k1', role: 'planner', model: 'gpt-5.4', output: {}, usage, costUsd: 0.01 },
    { t: 'answer', key: 'k2', role: 'worker', model: 'gpt-5.4-nano', output: {}, usage, costUsd: 0.002 },
    { t: 'job', id: 'j1', event: 'started' },
    { t: 'job', id: 'j1', event: 'verified' },
    { t: 'job', id: 'j2', event: 'started' },
    { t: 'job', id: 'j2', event: 'failed', detail: 'bad' },
    { t: 'job', id: 'j3', event: 'started' },
  ];
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => e.code ?? String(e),
  );

describe('run ids', () => {
  it.each([['../x'], ['..'], ['a/b'], [''], ['a b'], ['.hidden']])('refuses %j with E_USAGE', (id) => {
    expect(() => assertRunId(id)).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
  });

  it('accepts a run id as newRunId makes them', () => {
    expect(() => assertRunId('20261122-035832-85d8')).not.toThrow();
  });

  it('show refuses a traversal before reading anything', async () => {
    const repo = makeRepo();
    // `../runs/x` would resolve to an existing run's folder: it is refused for its shape, not because nothing is there.
    writeReportFixture(repo.dir, 'x');
    expect(await codeOf(showRun({ cwd: repo.dir, runId: '../runs/x' }))).toBe('E_USAGE');
  });
});

describe('listRuns', () => {
  it('is empty (and formats as a hint) in a repository without runs', async () => {
    const repo = makeRepo();
    const runs = await listRuns({ cwd: repo.dir });
    expect(runs).toEqual([]);
    expect(formatRuns(runs).split('\n')).toHaveLength(1);
  });

  it('reads finished runs from report.json and unfinished ones from the journal, newest first', async () => {
    const repo = makeRepo();
    writeReportFixture(repo.dir, '20260101-000000-aaaa', {
      startedAt: new Date(Date.now() - 5 * 86_400_000).toISOString(),
    });
    writeJournal(
      repo.dir,
      '20260102-000000-bbbb',
      journalFixture('20260102-000000-bbbb', repo.head, DEAD_PID),
      '{"t":"job","id":"j4","ev',
    );
    writeJournal(
      repo.dir,
      '20260103-000000-cccc',
      journalFixture('20260103-000000-cccc', repo.head, process.pid, new Date().toISOString()),
    );
    mkdirSync(path.join(repo.dir, '.orchestrate', 'runs', 'empty-dir'));

    const runs = await listRuns({ cwd: repo.dir });
    expect(runs.map((r) => [r.id, r.status, r.source])).toEqual([
      ['20260103-000000-cccc', 'running', 'journal'],
      ['20260102-000000-bbbb', 'interrupted', 'journal'],
      ['20260101-000000-aaaa', 'completed', 'report'],
    ]);
    const interrupted = runs[1]!;
    // The torn last line is ignored; j3 has only started.
    expect(interrupted.jobs).toEqual({ total: 3, succeeded: 1, failed: 1, skipped: 0 });
    expect(interrupted.costUsd).toBeCloseTo(0.012, 9);
    expect(interrupted.task).toBe('document src');
    expect(runs[2]!.jobs.succeeded).toBe(2);

    const table = formatRuns(runs).split('\n');
    expect(table).toHaveLength(4);
    expect(table[3]).toContain('2/3');
    expect(table[3]).toMatch(/5d$/);
    expect(table[2]).toMatch(/2h$/);
  });

  it('takes the status of an end record without looking at the pid', async () => {
    const repo = makeRepo();
    const id = '20260102-000000-dddd';
    writeJournal(repo.dir, id, [
      ...journalFixture(id, repo.head, process.pid),
      { t: 'end', status: 'undone', at: new Date().toISOString() },
    ]);
    expect((await listRuns({ cwd: repo.dir }))[0]!.status).toBe('undone');
  });
});

describe('a run stopped with Ctrl-C (report status interrupted)', () => {
  it('is interrupted until its journal ends undone; apply refuses it', async () => {
    const repo = makeRepo();
    const id = '20260104-000000-eeee';
    writeReportFixture(repo.dir, id, { status: 'interrupted' });
    const journal = [
      ...journalFixture(id, repo.head, DEAD_PID),
      { t: 'end', status: 'interrupted', at: new Date().toISOString() } as const,
    ];
    writeJournal(repo.dir, id, journal);
    expect((await showRun({ cwd: repo.dir, runId: id })).status).toBe('interrupted');
    expect(await codeOf(applyRun({ cwd: repo.dir, runId: id }))).toBe('E_USAGE');
    writeJournal(repo.dir, id, [...journal, { t: 'end', status: 'undone', at: new Date().toISOString() }]);
    const [run] = await listRuns({ cwd: repo.dir });
    expect(run).toMatchObject({ id, status: 'undone', source: 'report' });
  });
});

describe('showRun', () => {
  it('is E_USAGE for an unknown id', async () => {
    const repo = makeRepo();
    expect(await codeOf(showRun({ cwd: repo.dir, runId: '20990101-000000-beef' }))).toBe('E_USAGE');
  });

  it('describes an interrupted run: task, base commit, progress and how to resume', async () => {
    const repo = makeRepo();
    const id = '20260102-000000-bbbb';
    writeJournal(repo.dir, id, journalFixture(id, repo.head, DEAD_PID));
    const run = await showRun({ cwd: repo.dir, runId: id });
    expect(run.status).toBe('interrupted');
    expect(run.answers).toBe(2);
    expect(run.baseCommit).toBe(repo.head);
    const text = formatRun(run);
    expect(text).toContain(repo.head.slice(0, 8));
    expect(text).toContain(`orchestrate resume ${id}`);
  });

  it("uses a finished run's report", async () => {
    const repo = makeRepo();
    writeReportFixture(repo.dir, '20260101-000000-aaaa');
    const run = await showRun({ cwd: repo.dir, runId: '20260101-000000-aaaa' });
    expect(run.report?.id).toBe('20260101-000000-aaaa');
    expect(formatRun(run)).not.toContain('orchestrate resume');
  });

  it("lists a merged run's shards: those merged, and each missing one with its jobs and why", async () => {
    const repo = makeRepo();
    const shards = { total: 3, merged: [1, 3], missing: [{ index: 2, jobs: 7, reason: 'no bundle' }] };
    writeReportFixture(repo.dir, '20260101-000000-cccc', { shards });
    const text = formatRun(await showRun({ cwd: repo.dir, runId: '20260101-000000-cccc' }));
    expect(text).toContain('shards: 2 of 3 merged (1, 3)');
    expect(text).toContain('shard 2/3 not merged (7 jobs): no bundle');
  });
});

describe('applyRun preconditions', () => {
  it('refuses an interrupted run, a run that committed nothing and an unknown run with E_USAGE', async () => {
    const repo = makeRepo();
    writeJournal(repo.dir, '20260102-000000-bbbb', journalFixture('20260102-000000-bbbb', repo.head, DEAD_PID));
    writeReportFixture(repo.dir, '20260101-000000-aaaa', { status: 'nothing-to-do' });
    for (const runId of ['20260102-000000-bbbb', '20260101-000000-aaaa', '20990101-000000-beef', '../x']) {
      expect(await codeOf(applyRun({ cwd: repo.dir, runId }))).toBe('E_USAGE');
    }
  });
});

describe('helpers', () => {
  it('formats ages in the largest whole unit', () => {
    expect([formatAge(5_000), formatAge(3 * 60_000), formatAge(2 * 3600_000 + 5), formatAge(5 * 86_400_000)]).toEqual([
      '5s',
      '3m',
      '2h',
      '5d',
    ]);
  });

  it('knows a live pid from a dead one', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(DEAD_PID)).toBe(false);
    expect(isProcessAlive(0)).toBe(false);
  });
});
