// Whether a run's process still lives: a zombie (killed, never reaped) or a reused pid is not the run, so `resume` takes
// a run killed with -9 at once, even where the parent never reaps (a container whose PID 1 does not wait).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../src/runs/journal-format.js';
import { Journal } from '../src/runs/journal.js';
import { findResumeTarget } from '../src/runs/resume.js';
import { isProcessAlive, journalProgress } from '../src/runs/runs.js';

const DEAD_PID = 999_999;
const linux = process.platform === 'linux';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempRoot(): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'engine-liveness-')));
  dirs.push(dir);
  return dir;
}

function start(id: string, pid: number, extra: Partial<JournalRecord> = {}): JournalRecord {
  return {
    t: 'start',
    runId: id,
    task: 'document src',
    baseCommit: 'a'.repeat(40),
    branch: `orchestrate/${id}`,
    engine: 'openai',
    pid,
    at: new Date().toISOString(),
    options: {},
    ...extra,
  } as JournalRecord;
}

function writeJournal(root: string, id: string, records: JournalRecord[]): void {
  const dir = path.join(root, '.orchestrate', 'runs', id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'journal.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

/** The state letter of a process in /proc (Linux), or null. */
function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

describe.runIf(linux)('a zombie is not a live run (Linux)', () => {
  // `sleep 0` exits at once; its parent then becomes `sleep 30`, which never waits for it: a zombie until the parent ends.
  let parent: ChildProcess;
  let zombie: number;
  beforeAll(async () => {
    parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    zombie = await new Promise<number>((resolve) =>
      parent.stdout!.once('data', (c: Buffer) => resolve(Number(c.toString().trim()))),
    );
    for (let i = 0; i < 400 && procState(zombie) !== 'Z'; i++) await new Promise((r) => setTimeout(r, 5));
  });
  afterAll(() => {
    parent.kill('SIGKILL');
  });

  it('kill(pid, 0) succeeds on it, yet it is dead', () => {
    expect(procState(zombie)).toBe('Z');
    expect(() => process.kill(zombie, 0)).not.toThrow(); // what the old check relied on
    expect(isProcessAlive(zombie)).toBe(false);
  });

  it('a journal whose process is a zombie is interrupted, and plain `resume` picks it', async () => {
    const root = tempRoot();
    const id = '20260101-000000-zomb';
    writeJournal(root, id, [start(id, zombie)]);
    expect(journalProgress([start(id, zombie)]).status).toBe('interrupted');
    const target = await findResumeTarget(root, undefined);
    expect(target.kind).toBe('journal');
    expect(target.kind === 'journal' && target.start.runId).toBe(id);
    expect((await findResumeTarget(root, id)).kind).toBe('journal');
  });

  it('the journal stamps the records that name this process with its start time', () => {
    const root = tempRoot();
    const journal = Journal.open(root, 'r1');
    journal.append(start('r1', process.pid));
    journal.append({ t: 'phase', phase: 'resumed', pid: process.pid });
    journal.close();
    const records = readFileSync(path.join(root, '.orchestrate', 'runs', 'r1', 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const mine = readFileSync('/proc/self/stat', 'utf8');
    const startTime = mine.slice(mine.lastIndexOf(')') + 2).split(' ')[19];
    expect(records.map((r) => r.pidStart)).toEqual([startTime, startTime]);
    expect(journalProgress(records).status).toBe('running');
  });
});

describe('liveness from the process table', () => {
  it('a pid whose process started at another time is another process (the pid was reused)', () => {
    const read = () => ({ state: 'S', startTime: '200' });
    expect(isProcessAlive(4242, '200', read)).toBe(true);
    expect(isProcessAlive(4242, '100', read)).toBe(false);
    expect(isProcessAlive(4242, undefined, read)).toBe(true); // journals written before start times were recorded
  });

  it('zombies (Z) and dead tasks (X) are dead; every other state is alive', () => {
    for (const state of ['Z', 'X'])
      expect(isProcessAlive(4242, undefined, () => ({ state, startTime: '1' }))).toBe(false);
    for (const state of ['R', 'S', 'D', 'T', 't', 'I'])
      expect(isProcessAlive(4242, undefined, () => ({ state, startTime: '1' }))).toBe(true);
  });

  it('without a process table entry (or without /proc) it asks kill(pid, 0)', () => {
    for (const none of [() => null, () => undefined]) {
      expect(isProcessAlive(process.pid, undefined, none)).toBe(true);
      expect(isProcessAlive(DEAD_PID, undefined, none)).toBe(false);
    }
  });

  it('a resumed record names the process (and its start time) that continues the run', () => {
    const alive = (pid: number, startTime?: string) => pid === 7 && startTime === '70';
    const records = [
      start('r', 5, { pidStart: '50' } as never),
      { t: 'phase', phase: 'resumed', pid: 7, pidStart: '70' } as JournalRecord,
    ];
    expect(journalProgress(records, alive)).toMatchObject({ status: 'running', pid: 7 });
    expect(journalProgress(records.slice(0, 1), alive).status).toBe('interrupted');
  });

  it('plain `resume` with only a live run says it is still running, not that every run has ended', async () => {
    const root = tempRoot();
    writeJournal(root, '20260101-000000-live', [start('20260101-000000-live', process.pid)]);
    const err = await findResumeTarget(root, undefined).then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(err?.code).toBe('E_USAGE');
    expect(err?.message).toContain('20260101-000000-live');
    expect(err?.message).toContain('still running');
    expect(err?.message).not.toContain('every run');
  });
});
