import { MAX_REPORTED_CALLS, type CallSpan } from '@orchestrate/core';
import type { ModelClient, StructuredCall, StructuredResult } from '@orchestrate/agents';

/** What a journaled client counts: a call it answers from the journal adds one, before its first `await`. */
interface ReplayCount {
  readonly replayed: number;
}

/** A call in flight: its current attempt started at `attemptStart` (a 429 ends an attempt, the retry starts another). */
interface Open {
  model: string;
  role: CallSpan['role'];
  jobs: number;
  attemptStart: number;
}

/** The run's model calls as the report's timeline keeps them (see `RunReport.calls`). */
export interface CallRecorder {
  /** Wraps a client so each of its calls is recorded (null stays null: the offline engine makes no call). */
  wrap<C extends ModelClient | null>(client: C, replay?: ReplayCount): C;
  /** Tells the recorder a client slowed a model down; a 429 ends the current attempt of one of its calls in flight. */
  throttled(model: string, reason: string): void;
  /** The spans so far, in start order, and how many were left out past `MAX_REPORTED_CALLS`. */
  report(): { calls: CallSpan[]; callsDropped: number };
}

/**
 * A recorder of the calls of a run that started at `started` (epoch ms). It sits outermost, around the journaled and
 * redacting clients: a call the journal answers is `replayed` (the journal counts it synchronously, so the count is
 * read right after the call is made). CPU per call: a few field writes; nothing per job.
 */
export function callRecorder(started: number, now: () => number = Date.now): CallRecorder {
  const spans: CallSpan[] = [];
  let dropped = 0;
  const open = new Set<Open>();
  const at = () => Math.max(0, now() - started);
  const push = (span: CallSpan) => {
    if (spans.length < MAX_REPORTED_CALLS) spans.push(span);
    else dropped++;
  };
  const span = (o: Open, outcome: CallSpan['outcome'], usage: Usage | null, error?: string): CallSpan => ({
    model: o.model,
    role: o.role,
    startMs: o.attemptStart,
    endMs: at(),
    jobs: o.jobs,
    inputTokens: usage?.inputTokens ?? 0,
    cachedInputTokens: usage?.cachedInputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    outcome,
    ...(error !== undefined ? { error } : {}),
  });
  return {
    wrap<C extends ModelClient | null>(inner: C, replay?: ReplayCount): C {
      if (!inner) return inner;
      const base: ModelClient = inner;
      // Everything but `call` stays the inner client's, through the prototype (as the redacting client does).
      const client = Object.create(base) as ModelClient;
      client.call = async <T>(request: StructuredCall<T>): Promise<StructuredResult<T>> => {
        const o: Open = { model: request.model, role: request.role, jobs: jobsOf(request), attemptStart: at() };
        const before = replay?.replayed ?? 0;
        const pending = base.call(request);
        const replayed = (replay?.replayed ?? 0) > before;
        open.add(o);
        try {
          const result = await pending;
          push(span(o, replayed ? 'replayed' : 'ok', result.usage));
          return result;
        } catch (err) {
          push(span(o, replayed ? 'replayed' : 'error', usageOf(err), errorCode(err)));
          throw err;
        } finally {
          open.delete(o);
        }
      };
      return client as C;
    },
    throttled(model, reason) {
      if (!/\b429\b/.test(reason)) return;
      // The client names the provider's model id; the call its ref (`anthropic:claude-…`). The oldest attempt is the one
      // most likely answered first.
      let oldest: Open | null = null;
      for (const o of open) {
        if (o.model !== model && !o.model.endsWith(`:${model}`)) continue;
        if (!oldest || o.attemptStart < oldest.attemptStart) oldest = o;
      }
      if (!oldest) return;
      push(span(oldest, 'throttled', null, '429'));
      oldest.attemptStart = at();
    },
    report: () => ({ calls: spans.slice().sort((a, b) => a.startMs - b.startMs), callsDropped: dropped }),
  };
}

type Usage = Pick<StructuredResult<unknown>['usage'], 'inputTokens' | 'cachedInputTokens' | 'outputTokens'>;

/**
 * Jobs a call carries: the keys of a packed worker call's `items` (a strict zod object keyed by job) or of a verifier
 * call's `rejections[].key` enum, else 1.
 */
function jobsOf(request: StructuredCall<unknown>): number {
  type Node = { shape?: Record<string, Node | undefined>; element?: Node; options?: unknown[] };
  const shape = (request.schema as Node).shape;
  const items = shape?.items?.shape;
  if (items) return Math.max(1, Object.keys(items).length);
  const keys = shape?.rejections?.element?.shape?.key?.options;
  return Array.isArray(keys) ? Math.max(1, keys.length) : 1;
}

/** The usage a failed call still cost (CallFailed carries it), or null. */
function usageOf(err: unknown): Usage | null {
  const usage = (err as { usage?: Usage } | null)?.usage;
  return usage && typeof usage.inputTokens === 'number' ? usage : null;
}

/** The fault kind or error code of a failed call (`schemaFailures`, `E_MODEL_CALL`, `AbortError`). */
function errorCode(err: unknown): string {
  const e = err as { fault?: unknown; code?: unknown; name?: unknown } | null;
  for (const v of [e?.fault, e?.code, e?.name]) if (typeof v === 'string' && v) return v;
  return 'error';
}
