import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { CallFailed, type ModelClient, type StructuredCall, type StructuredResult } from '@orchestrate/agents';
import type { FaultKind, RunEvent } from '@orchestrate/core';
import { ensureExcluded } from '@orchestrate/repo';
import type { PhaseContext } from '../job/types.js';
import { processStartTime } from './liveness.js';
import { journalPath, parseJournal, type AnswerRecord, type JobRecord, type JournalRecord } from './journal-format.js';

/**
 * A run's append-only journal. Every record reaches the kernel with a synchronous write before the action it enables, so
 * a process killed at any moment (kill -9, a crash, the OOM killer) leaves every answer it received on disk; phase
 * boundaries are also fsynced, for power loss.
 */
export class Journal {
  private fd: number | null;

  private constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openSync(file, 'a');
  }

  /** Opens (or continues) the journal of a run. */
  static open(root: string, runId: string): Journal {
    return new Journal(journalPath(root, runId));
  }

  /**
   * Appends one record; `durable` also flushes it to the disk. A record naming this process as the run's (`start`,
   * `resumed`) gets its start time too, so liveness checks can tell it from a later process with the same pid.
   */
  append(record: JournalRecord, durable = false): void {
    if (this.fd === null) return;
    writeSync(this.fd, `${JSON.stringify(withStartTime(record))}\n`);
    if (durable) fsyncSync(this.fd);
  }

  /** Flushes and closes the file (further appends are dropped). */
  close(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }
}

/** The record, with this process's start time when it names this process as the run's and has none. */
function withStartTime(record: JournalRecord): JournalRecord {
  const names = record.t === 'start' || (record.t === 'phase' && record.phase === 'resumed');
  if (!names || record.pid !== process.pid || record.pidStart !== undefined) return record;
  const pidStart = ownStartTime();
  return pidStart === undefined ? record : { ...record, pidStart };
}

let ownStart: { value: string | undefined } | null = null;
/** This process's start time, read once. */
function ownStartTime(): string | undefined {
  ownStart ??= { value: processStartTime() };
  return ownStart.value;
}

/** The records of a run's journal, or null when it has none. */
export function readJournal(root: string, runId: string): JournalRecord[] | null {
  try {
    return parseJournal(readFileSync(journalPath(root, runId), 'utf8'));
  } catch {
    return null;
  }
}

/** The journal record an event becomes, if it is a state change worth keeping. */
export function recordOf(event: RunEvent): JournalRecord | null {
  const job = (id: string, e: JobRecord['event'], detail?: string): JobRecord => ({
    t: 'job',
    id,
    event: e,
    ...(detail ? { detail } : {}),
  });
  switch (event.type) {
    case 'planned':
      return { t: 'phase', phase: 'planned', detail: `${event.plan.steps.length} step(s)` };
    case 'expanded':
      return { t: 'phase', phase: 'expanded', detail: `${event.jobs.length} job(s)` };
    case 'commit':
      return { t: 'phase', phase: 'committed', sha: event.sha, detail: event.stepId };
    case 'job-start':
      return job(event.job.id, 'started');
    case 'job-worked':
      return job(event.job.id, 'worked');
    case 'job-end':
      return job(
        event.job.id,
        event.status === 'succeeded' ? 'committed' : event.status === 'failed' ? 'failed' : 'skipped',
        event.error ?? undefined,
      );
    default:
      return null;
  }
}

/** Identifies a call by what it asks, so the same call made again (on resume) finds its answer. */
export function callKey(request: StructuredCall<unknown>): string {
  const h = createHash('sha256');
  for (const part of [
    request.role,
    request.model,
    request.validate ?? 'whole',
    String(request.maxOutputTokens),
    request.instructions,
    request.input,
  ]) {
    h.update(part);
    h.update('\u0000');
  }
  return h.digest('hex').slice(0, 32);
}

/** What a journaled client did: answers taken from the journal instead of the API. */
export interface ReplayStats {
  replayed: number;
  /** Jobs whose verdict came from the journal. */
  verdicts: number;
}

/**
 * Wraps a model client so that every answer received (and every paid failure) is journaled before it is used, and a call
 * that an earlier process of the same run already received is answered from the journal: a resumed run pays for no
 * answer twice. The n-th identical call maps to the n-th recorded answer of that call.
 */
export function journaledClient(
  inner: ModelClient,
  journal: Journal,
  earlier: JournalRecord[],
  stats: ReplayStats,
  price: (model: string, usage: AnswerRecord['usage']) => number,
): ModelClient {
  const answers = new Map<string, AnswerRecord>();
  for (const r of earlier) if (r.t === 'answer') answers.set(r.key, r);
  const seen = new Map<string, number>();
  const client: ModelClient = {
    get detached() {
      return inner.detached;
    },
    priceMultiplier: inner.priceMultiplier,
    throttling: inner.throttling ? () => inner.throttling!() : undefined,
    faults: inner.faults ? () => inner.faults!() : undefined,
    async call<T>(request: StructuredCall<T>): Promise<StructuredResult<T>> {
      const base = callKey(request as StructuredCall<unknown>);
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      const key = `${base}#${n}`;
      const known = answers.get(key);
      if (known) {
        stats.replayed++;
        // A refused answer comes back as the same fault, so the ladder treats it as the first process did.
        if (known.error !== undefined) throw new CallFailed(known.error, known.usage, false, known.fault);
        if (request.validate === 'parts') return { output: known.output as T, usage: known.usage, model: known.model };
        const parsed = request.schema.safeParse(known.output);
        if (parsed.success) return { output: parsed.data, usage: known.usage, model: known.model };
        throw new CallFailed('a journaled answer no longer fits its schema', known.usage, false);
      }
      const rec = (output: unknown, usage: AnswerRecord['usage'], error?: string, fault?: FaultKind): AnswerRecord => ({
        t: 'answer',
        key,
        role: request.role,
        model: request.model,
        output,
        usage,
        costUsd: price(request.model, usage) * (inner.priceMultiplier ?? 1),
        ...(error !== undefined ? { error } : {}),
        ...(fault !== undefined ? { fault } : {}),
      });
      try {
        const result = await inner.call(request);
        journal.append(rec(result.output, result.usage));
        return result;
      } catch (err) {
        // A failure that was paid for (an answer came back and was refused) is kept too; one that cost nothing is not.
        if (
          err instanceof CallFailed &&
          !err.fatal &&
          err.usage.requests > 0 &&
          err.usage.inputTokens + err.usage.outputTokens > 0
        ) {
          journal.append(rec(null, err.usage, err.message, err.fault));
        }
        throw err;
      }
    },
  };
  return client;
}

/** The verdicts an interrupted run received (each counted as replayed when used), and where new ones are journaled. */
export function verdictsOf(journal: Journal, records: JournalRecord[], replay: ReplayStats): PhaseContext['verdicts'] {
  const known = new Map<string, { accept: boolean; reason: string }>();
  for (const r of records) if (r.t === 'verdict') known.set(r.key, { accept: r.accept, reason: r.reason });
  return {
    lookup: (key) => {
      const v = known.get(key);
      if (v) replay.verdicts++;
      return v;
    },
    record: (key, v, job) =>
      journal.append({ t: 'verdict', key, accept: v.accept, reason: v.reason, job: job.id, symbol: job.symbol }),
  };
}

/** The self-escalations an interrupted run granted, and where new grants are journaled (see `escalationCap`). */
export function escalationsOf(
  journal: Journal,
  records: JournalRecord[],
): NonNullable<PhaseContext['escalationJournal']> {
  const earlier = new Set<string>();
  for (const r of records) if (r.t === 'escalation') earlier.add(r.job);
  return { earlier, record: (job, reason) => journal.append({ t: 'escalation', job, reason }) };
}

/** Opens a run's journal under `.orchestrate/` (excluded from git first, so the user's `git status` stays clean). */
export async function openJournal(root: string, runId: string): Promise<Journal> {
  await ensureExcluded(root);
  return Journal.open(root, runId);
}

/** Ends a run's journal with its status and closes it. */
export function endJournal(journal: Journal | null, status: string): void {
  journal?.append({ t: 'end', status, at: new Date().toISOString() });
  journal?.close();
}
