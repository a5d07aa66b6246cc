import type { PlanStep, ResolvedConfig, RunEventListener, UsageLedger } from '@orchestrate/core';
import type { ModelClient } from '@orchestrate/agents';
import { jobKind, type KindContext } from '@orchestrate/jobs';
import type { LimitFunction } from 'p-limit';

/** Context shared by the phases of a run. */
export interface PhaseContext {
  config: ResolvedConfig;
  client: ModelClient | null;
  ledger: UsageLedger;
  emit: RunEventListener;
  /** Aborts calls in flight. */
  signal: AbortSignal | undefined;
  /** Starts no new job or call (a graceful stop: calls in flight finish). */
  stop?: AbortSignal | undefined;
  kinds: KindContext;
  /** Verdicts per job question: those an earlier process of the run received, and where new ones are kept. */
  verdicts?: {
    lookup(key: string): { accept: boolean; reason: string } | undefined;
    record(key: string, verdict: { accept: boolean; reason: string }, job: { id: string; symbol: string | null }): void;
  };
  /** The run's one concurrency limit, shared by worker and verifier calls. */
  limit: LimitFunction;
  /** The run's cap on self-escalations (set when its rounds start; absent: none is granted). */
  escalationCap?: EscalationCap;
  /** The grants an interrupted process of the run journaled, and where new ones are journaled (no journal: absent). */
  escalationJournal?: { earlier: ReadonlySet<string>; record: (job: string, reason: string) => void };
  /** Set when a call failed in a way that must stop the run (e.g. the API rejected the key). */
  fatal: { message: string } | null;
}

/** The run's share of self-escalations: how many jobs the worker may send straight to the verifier's model. */
export interface EscalationCap {
  /** Most self-escalations the run grants (`ceil(maxSelfEscalations × jobs)`, at least 1 when the share is > 0). */
  readonly max: number;
  /** Granted so far (those of `earlier` included). */
  granted: number;
  /** Jobs an interrupted process of the run granted (from its journal): granted again, already counted. */
  readonly earlier?: ReadonlySet<string>;
  /** Journals a new grant, so a resumed run keeps it. */
  readonly onGrant?: (job: string, reason: string) => void;
}

/** Whether the run was stopped or aborted: no new job or call starts. */
export function halted(ctx: Pick<PhaseContext, 'signal' | 'stop'>): boolean {
  return Boolean(ctx.signal?.aborted || ctx.stop?.aborted);
}

/** Whether a step's results go to the verifier model (config per kind, else the kind's default). */
export function verifies(step: PlanStep, ctx: Pick<PhaseContext, 'config' | 'client'>): boolean {
  if (!ctx.client) return false;
  return ctx.config.kinds[step.kind]?.verify ?? jobKind(step.kind).verifyByDefault(step);
}
