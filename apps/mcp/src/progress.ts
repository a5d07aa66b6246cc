// Progress notifications for the blocking tools (`run`, `review`): they keep a client's timeout from firing (with
// `resetTimeoutOnProgress`) and show a person what the run is doing. Sent only when the call carries a progressToken.
import { formatDuration, type ProgressState } from '@orchestrate/engine';
import type { ProgressToken, ServerNotification } from '@modelcontextprotocol/sdk/types.js';

/** How often progress may go out: at most one notification per `throttleMs`, and a heartbeat after `heartbeatMs` quiet. */
export interface ProgressOptions {
  /** @default 1000 */
  throttleMs?: number;
  /** @default 10_000 */
  heartbeatMs?: number;
  /** The message of a heartbeat before any state (a review, which reports none). @default 'working' */
  idleMessage?: string;
}

/** What a progress sender needs of a tool call's `extra`. */
export interface ProgressExtra {
  _meta?: { progressToken?: ProgressToken };
  sendNotification: (notification: ServerNotification) => Promise<void>;
}

/** Feeds a call's progress notifications: `update` on each state, `stop` once the call returns. */
export interface ProgressSender {
  update(state: ProgressState): void;
  stop(): void;
}

/** A beat is one notification without a newly finished job; this many fit between two finished jobs (see progressValue). */
const MAX_BEATS = 999;

/** The one-line message of a state, as the CLI's live line says it: phase, jobs, failures, spend. */
export function progressMessage(state: ProgressState): string {
  const parts: string[] = [state.phase];
  if (state.total > 0) parts.push(`${state.done}/${state.total} jobs`);
  if (state.failed > 0) parts.push(`${state.failed} failed`);
  if (state.running > 0) parts.push(`${state.running} running`);
  const budget = state.budgetUsd !== null ? ` of $${state.budgetUsd.toFixed(2)}` : '';
  parts.push(`$${state.costUsd.toFixed(4)}${budget}`);
  if (state.etaMs !== null) parts.push(`about ${formatDuration(state.etaMs)} left`);
  return parts.join(', ');
}

/**
 * A sender for one call, or a no-op when the client asked for no progress. The spec wants `progress` to grow with
 * every notification, and a run's total is unknown until it is planned, so progress is `done * 1000 + beats` (beats:
 * notifications since the last finished job) and total `total * 1000`: it always grows and the ratio stays right.
 */
export function progressSender(extra: ProgressExtra, timing: ProgressOptions = {}): ProgressSender {
  const token = extra._meta?.progressToken;
  if (token === undefined) return { update() {}, stop() {} };
  const throttleMs = timing.throttleMs ?? 1000;
  const heartbeatMs = timing.heartbeatMs ?? 10_000;
  let latest: ProgressState | null = null;
  let lastDone = -1;
  let lastPhase: string | null = null;
  let beats = 0;
  let lastValue = -1;
  let lastSentAt = -Infinity;
  let trailing: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const send = () => {
    if (stopped) return;
    const state = latest;
    const done = state?.done ?? 0;
    if (done > lastDone) {
      lastDone = done;
      beats = 0;
    } else if (beats < MAX_BEATS) beats++;
    const progress = done * 1000 + beats;
    if (progress <= lastValue) return;
    lastValue = progress;
    lastPhase = state?.phase ?? null;
    lastSentAt = Date.now();
    const params: { progressToken: ProgressToken; progress: number; total?: number; message: string } = {
      progressToken: token,
      progress,
      message: state ? progressMessage(state) : (timing.idleMessage ?? 'working'),
    };
    if (state && state.total > 0) params.total = state.total * 1000;
    // A notification that cannot be sent (the client went away) must not fail the call: the result still goes out.
    extra.sendNotification({ method: 'notifications/progress', params }).catch(() => undefined);
  };
  const heartbeat = setInterval(() => {
    if (Date.now() - lastSentAt >= heartbeatMs) send();
  }, heartbeatMs);
  heartbeat.unref();

  return {
    update(state) {
      latest = state;
      // Only what a person would see change is worth a notification: a new phase or a finished job.
      if (state.phase === lastPhase && state.done <= lastDone) return;
      const wait = lastSentAt + throttleMs - Date.now();
      if (wait <= 0) return send();
      trailing ??= setTimeout(() => {
        trailing = null;
        send();
      }, wait);
    },
    stop() {
      stopped = true;
      clearInterval(heartbeat);
      if (trailing) clearTimeout(trailing);
    },
  };
}
