import { jobKind } from '@orchestrate/jobs';
import { applyEdits } from '@orchestrate/repo';
import type { JobState } from './state.js';
import { reject } from './ladder.js';
import type { PhaseContext } from './types.js';

type GateContext = Pick<PhaseContext, 'ledger' | 'client' | 'config'>;

/**
 * Runs the cheap deterministic gates before any verifier call. Jobs are gated per file and kind with all their edits
 * applied together (one proof per file, not one per job); only when that fails is each edit gated alone to find the
 * culprits, and the survivors are proven together again. A job that fails a gate goes down the ladder with the reason.
 */
export function runGates(states: JobState[], ctx: GateContext): void {
  const groups = new Map<string, JobState[]>();
  for (const s of states) {
    if (s.phase !== 'ready' || !s.outcome?.edits.length) continue;
    const key = groupKey(s);
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  for (const group of groups.values()) gateGroup(group, ctx);
}

/** The per-file gates' unit: a job's kind and file. */
export function groupKey(s: JobState): string {
  return `${s.target.job.kind}\u0000${s.target.file.path}`;
}

function gateGroup(group: JobState[], ctx: GateContext): void {
  const first = group[0]!.target;
  const kind = jobKind(first.job.kind);
  const before = first.file.text;
  const editsOf = (list: JobState[]) => list.flatMap((s) => s.outcome!.edits);
  const combined = applyEdits(before, editsOf(group));
  for (const stale of combined.stale) {
    const s = group.find((x) => x.target.job.id === stale.owner);
    if (s && s.phase === 'ready') reject(s, stale.reason, ctx);
  }
  let live = group.filter((s) => s.phase === 'ready');
  if (combined.stale.length === 0 && kind.gate(first, before, combined.text, editsOf(group)).ok) return;
  for (const s of live) {
    const alone = kind.gate(s.target, before, applyEdits(before, s.outcome!.edits).text, s.outcome!.edits);
    if (!alone.ok) reject(s, `${alone.gate} gate: ${alone.reason}`, ctx);
  }
  live = live.filter((s) => s.phase === 'ready');
  const together = applyEdits(before, editsOf(live));
  const again = kind.gate(first, before, together.text, editsOf(live));
  if (!again.ok || together.stale.length) {
    const reason = again.ok
      ? 'edits of this file collide'
      : `${again.gate} gate (edits of this file together): ${again.reason}`;
    for (const s of live) reject(s, reason, ctx);
  }
}
