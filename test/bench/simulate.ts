// The ideal wall time of a run: the same model calls, with the same latencies, scheduled perfectly.

/**
 * One served model call: its role, how long the latency model made it take and, when known, when the server received it
 * and sent the reply (any common clock, ms).
 */
export interface SimCall {
  role: string;
  latencyMs: number;
  receivedMs?: number;
  sentMs?: number;
}

/**
 * List scheduling: each call, in order, starts on the slot that frees first (`concurrency` slots). Returns the time the
 * last call ends.
 */
export function listSchedule(latencies: number[], concurrency: number): number {
  if (latencies.length === 0) return 0;
  const slots = new Array<number>(Math.max(1, Math.min(concurrency, latencies.length))).fill(0);
  for (const ms of latencies) {
    let best = 0;
    for (let i = 1; i < slots.length; i++) if (slots[i]! < slots[best]!) best = i;
    slots[best] = slots[best]! + ms;
  }
  return Math.max(...slots);
}

/** Consecutive runs of calls of the same role, in the order the calls arrived (planner, workers, verifier, …). */
export function phases(calls: SimCall[]): Array<{ role: string; latencies: number[] }> {
  const out: Array<{ role: string; latencies: number[] }> = [];
  for (const c of calls) {
    const last = out[out.length - 1];
    if (last && last.role === c.role) last.latencies.push(c.latencyMs);
    else out.push({ role: c.role, latencies: [c.latencyMs] });
  }
  return out;
}

/**
 * The wall time a perfect orchestrator would need for these calls (in arrival order) at this concurrency, with no
 * start-up, indexing, gates or commit time. Each call starts on the slot that frees first (list scheduling), but not
 * before every call of another role that it may depend on has ended: the calls of another role that had already been
 * answered when it was sent (with no timings: every earlier call of another role). For an engine that runs phases
 * (planner → workers → verifier → retried workers → …) this is the sum of the phases, each list-scheduled; calls an
 * engine overlaps (say, verifier batches sent while workers are still running) stay overlapped.
 */
export function idealWallMs(calls: SimCall[], concurrency: number): number {
  const slots = new Array<number>(Math.max(1, concurrency)).fill(0);
  const ends: number[] = [];
  let last = 0;
  calls.forEach((call, i) => {
    let ready = 0;
    for (let j = 0; j < i; j++) {
      const before = calls[j]!;
      if (before.role === call.role) continue;
      const answered = before.sentMs === undefined || call.receivedMs === undefined || before.sentMs <= call.receivedMs;
      if (answered && ends[j]! > ready) ready = ends[j]!;
    }
    let best = 0;
    for (let k = 1; k < slots.length; k++) if (slots[k]! < slots[best]!) best = k;
    const end = Math.max(slots[best]!, ready) + call.latencyMs;
    slots[best] = end;
    ends.push(end);
    if (end > last) last = end;
  });
  return last;
}
