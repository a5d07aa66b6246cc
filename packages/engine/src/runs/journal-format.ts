import path from 'node:path';
import type { FaultKind, TokenUsage } from '@orchestrate/core';

/** The journal of a run: one JSON record per line, appended before the action it enables. */
export const JOURNAL_FILE = 'journal.jsonl';

/** Where a run's journal lives. */
export function journalPath(root: string, runId: string): string {
  return path.join(root, '.orchestrate', 'runs', runId, JOURNAL_FILE);
}

/** The first record: what the run is, so `resume` can redo it and `runs` can list it. */
export interface StartRecord {
  t: 'start';
  runId: string;
  task: string;
  baseCommit: string;
  branch: string;
  engine: 'openai' | 'offline';
  /** The process that ran it: a run whose process is gone without an `end` record was interrupted. */
  pid: number;
  /** When that process started (Linux: /proc/<pid>/stat field 22), so a later process with the same pid is not taken for it. */
  pidStart?: string;
  at: string;
  /** The options to run it again with (budget, concurrency, engine, batch, model flags, config file, the folder `-C` scoped it to). */
  options: {
    engine?: string;
    concurrency?: number;
    budgetUsd?: number;
    batch?: boolean;
    models?: { planner?: string; worker?: string; verifier?: string };
    configFile?: string;
    scope?: string;
    /** The commit the config and AGENTS.md were read from (`configAt`, resolved): a resumed run reads them there too. */
    configAt?: string;
    /** false when the run starts none of the repository's tools: a resumed run does not start them either. */
    runRepositoryCode?: false;
  };
}

/** A model call's answer, written before the answer is used: on resume the same call is answered from here, not paid again. */
export interface AnswerRecord {
  t: 'answer';
  /** Hash of what the call asks (role, model, instructions, input, schema) and its occurrence. */
  key: string;
  role: string;
  model: string;
  output: unknown;
  usage: TokenUsage;
  costUsd: number;
  /** Set when the answer was refused (invalid output): the failure is replayed, since it was paid for. */
  error?: string;
  /** The kind of a refused answer's fault (`invalidJson`, …), replayed with it so the ladder retries it again. */
  fault?: FaultKind;
}

/** One job's verdict from a verifier call, kept apart from the call: a resumed run may batch the jobs differently. */
export interface VerdictRecord {
  t: 'verdict';
  key: string;
  accept: boolean;
  reason: string;
  job: string;
  symbol: string | null;
}

/** A self-escalation the run granted: a resumed run grants it again first, so its cap picks the same jobs. */
export interface EscalationRecord {
  t: 'escalation';
  job: string;
  reason: string;
}

/** A change of one job's state (started, worked, gated, verified, failed, skipped, committed). */
export interface JobRecord {
  t: 'job';
  id: string;
  event: 'started' | 'worked' | 'gated' | 'verified' | 'failed' | 'skipped' | 'committed';
  detail?: string;
}

/** A phase boundary or a commit on the run's branch. */
export interface PhaseRecord {
  t: 'phase';
  phase: 'planned' | 'expanded' | 'worktree' | 'commit' | 'committed' | 'resumed' | 'stopping';
  detail?: string;
  sha?: string;
  /** For `resumed`: the process that continues the run. */
  pid?: number;
  /** For `resumed`: when that process started (see `StartRecord.pidStart`). */
  pidStart?: string;
}

/** The last record: the run ended (its report.json is written). */
export interface EndRecord {
  t: 'end';
  status: string;
  at: string;
}

/** Any journal record. */
export type JournalRecord =
  StartRecord | AnswerRecord | VerdictRecord | EscalationRecord | JobRecord | PhaseRecord | EndRecord;

/** Parses a journal's text; a torn last line (the process died mid-write) is ignored. */
export function parseJournal(text: string): JournalRecord[] {
  const records: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      break;
    }
  }
  return records;
}
