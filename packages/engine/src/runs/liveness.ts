// Whether the process that wrote a run's journal still runs it. `kill(pid, 0)` alone is fooled twice: it succeeds on a
// zombie (a process killed with -9 whose parent never reaps it, as under a container's PID 1 that never waits), and on
// an unrelated process that got the pid later. On Linux the process table says both: the state letter and the start
// time (clock ticks after boot), which the journal records next to the pid.
import { readFileSync } from 'node:fs';

/** What the process table says of one process: its state letter (`R`, `S`, `Z`, …) and when it started. */
export interface ProcStat {
  state: string;
  startTime: string;
}

/** Reads one process's entry: null when it has none (or hides it), undefined where there is no /proc at all. */
export type ProcReader = (pid: number) => ProcStat | null | undefined;

const HAS_PROC = process.platform === 'linux';

/** `/proc/<pid>/stat`'s state (field 3) and start time (field 22); the command name before them may hold spaces or `)`. */
export const readProcStat: ProcReader = (pid) => {
  if (!HAS_PROC) return undefined;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = fields[19];
  return state && startTime ? { state, startTime } : null;
};

/** This process's start time as the process table has it (recorded in the journal), or undefined without /proc. */
export function processStartTime(pid = process.pid, read: ProcReader = readProcStat): string | undefined {
  return read(pid)?.startTime;
}

/**
 * Whether process `pid` is alive and, when `startTime` is known, is the process that started then (not a later one
 * with the same pid). A zombie (`Z`) or a dead task (`X`) is not alive. Without a process-table entry (no /proc, or
 * one that hides other users' processes) `kill(pid, 0)` decides (EPERM: alive, but someone else's).
 */
export function isProcessAlive(pid: number, startTime?: string, read: ProcReader = readProcStat): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const stat = read(pid);
  if (stat)
    return stat.state !== 'Z' && stat.state !== 'X' && (startTime === undefined || stat.startTime === startTime);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
