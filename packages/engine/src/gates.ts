import { jobKind } from '@orchestrate/jobs';
import { applyEdits, type Edit } from '@orchestrate/repo';
import { releaseHold } from './budget.js';
import { finish, type JobState } from './job-state.js';
import type { PhaseContext } from './work.js';

/**
 * Runs the deterministic gates before any verifier call. Jobs are gated per file and kind with all their edits applied
 * together (one proof per file, not one per job); only when that fails is each edit gated alone to find the culprits,
 * and the survivors are proven together again. A job that fails a gate is failed with the gate's reason.
 */
export function runGates(states: JobState[], ctx: Pick<PhaseContext, 'ledger'>): void {
  const groups = new Map<string, JobState[]>();
  for (const s of states) {
    if (s.phase !== 'ready') continue;
    const key = `${s.target.job.kind}\u0000${s.target.file.path}`;
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  for (const group of groups.values()) gateGroup(group, ctx);
}

function gateGroup(group: JobState[], ctx: Pick<PhaseContext, 'ledger'>): void {
  const fail = (s: JobState, reason: string) => {
    releaseHold(s, ctx);
    finish(s, 'failed', reason);
  };
  const first = group[0]!.target;
  const kind = jobKind(first.job.kind);
  const before = first.file.text;
  const combined = applyEdits(before, group.map((s) => s.edit as Edit));
  for (const stale of combined.stale) fail(group.find((s) => s.target.job.id === stale.owner)!, stale.reason);
  let live = group.filter((s) => s.phase === 'ready');
  if (kind.gate(first, before, combined.text).ok) return;
  for (const s of live) {
    const alone = kind.gate(s.target, before, applyEdits(before, [s.edit!]).text);
    if (!alone.ok) fail(s, `${alone.gate} gate: ${alone.reason}`);
  }
  live = live.filter((s) => s.phase === 'ready');
  const again = kind.gate(first, before, applyEdits(before, live.map((s) => s.edit!)).text);
  if (!again.ok) for (const s of live) fail(s, `${again.gate} gate (edits of this file together): ${again.reason}`);
}
