import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, type RunReport } from '@orchestrate/core';
import { branchExists, git, gitCommonDir } from '@orchestrate/repo';
import type { JournalRecord, StartRecord } from './journal-format.js';
import { readJournal } from './journal.js';
import { loadDetachedRun, type DetachedRun } from './run-state.js';

/** What `resume` continues: a run detached while its batch runs, or a run that was interrupted (its journal). */
export type ResumeTarget = { kind: 'detached'; detached: DetachedRun } | { kind: 'journal'; start: StartRecord; records: JournalRecord[] };

const RUN_ID = /^[\w.-]+$/;

/** Whether a process with this pid is alive (signal 0 only checks). */
function alive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readReport(root: string, runId: string): Promise<RunReport | null> {
  try {
    return JSON.parse(await readFile(path.join(root, '.orchestrate', 'runs', runId, 'report.json'), 'utf8')) as RunReport;
  } catch {
    return null;
  }
}

/** Whether a run can be resumed, and from what; null when it cannot (with the reason). */
async function resumable(root: string, runId: string): Promise<{ target: ResumeTarget } | { reason: string }> {
  const report = await readReport(root, runId);
  if (report?.status === 'detached') return { target: { kind: 'detached', detached: await loadDetachedRun(root, runId) } };
  const records = readJournal(root, runId);
  const start = records?.find((r): r is StartRecord => r.t === 'start');
  if (!records || !start) return { reason: report ? `it is ${report.status}` : 'it has no journal' };
  const end = records.filter((r) => r.t === 'end').pop();
  if (report && report.status !== 'interrupted') return { reason: `it is ${report.status}` };
  if (end && end.status !== 'interrupted') return { reason: `it ended ${end.status}` };
  if (!end && alive(start.pid)) return { reason: `it is still running (process ${start.pid})` };
  return { target: { kind: 'journal', start, records } };
}

/** The run `orchestrate resume [<run-id>]` continues: the named one, else the newest run that can be resumed. */
export async function findResumeTarget(root: string, runId: string | undefined): Promise<ResumeTarget> {
  if (runId !== undefined) {
    if (!RUN_ID.test(runId)) throw new UsageError(`Not a run id: ${runId}. List runs with \`orchestrate runs\`.`);
    const found = await resumable(root, runId);
    if ('target' in found) return found.target;
    const known = (await readReport(root, runId)) || readJournal(root, runId);
    if (!known) throw new UsageError(`No run ${runId} in .orchestrate/runs/. List runs with \`orchestrate runs\`.`);
    throw new UsageError(`Run ${runId} cannot be resumed: ${found.reason}.`);
  }
  const ids = (await readdir(path.join(root, '.orchestrate', 'runs')).catch(() => [] as string[])).filter((id) => RUN_ID.test(id)).sort().reverse();
  for (const id of ids) {
    const found = await resumable(root, id);
    if ('target' in found) return found.target;
  }
  throw new UsageError('No run to resume: every run in .orchestrate/runs/ has ended. List them with `orchestrate runs`.');
}

/**
 * Clears what an interrupted process left of its run, so the run can be redone from its base commit: its worktree (the
 * process may have died inside it) and its branch (rebuilt commit by commit; every answer it needs is in the journal).
 */
export async function clearInterrupted(root: string, runId: string): Promise<void> {
  const worktree = path.join(await gitCommonDir(root), 'orchestrate', 'worktrees', runId);
  await git(root, ['worktree', 'remove', '--force', worktree]).catch(() => undefined);
  await git(root, ['worktree', 'prune']).catch(() => undefined);
  const branch = `orchestrate/${runId}`;
  if (await branchExists(root, branch)) {
    try {
      await git(root, ['branch', '-D', branch]);
    } catch {
      throw new UsageError(`Cannot resume ${runId}: its branch ${branch} is checked out somewhere. Switch that worktree to another branch first.`);
    }
  }
}
