// How every shell stops a run (Ctrl-C in the CLI, cancel_run and shutdown in the MCP server): first a graceful stop
// (runTask's `stop`: no new calls, verified work is committed, the run is resumable), then, after a grace period or on
// demand, an abort of the calls still in flight (runTask's `signal`).

/** The two signals runTask() takes, and the controls that raise them. */
export interface GracefulStop {
  /** runTask's `stop`: raised by {@link GracefulStop.requestStop}. */
  readonly stop: AbortSignal;
  /** runTask's `signal`: raised `graceMs` after the stop, or by {@link GracefulStop.abortNow}. */
  readonly abort: AbortSignal;
  /** Stops the run gracefully and arms the abort; false when a stop was already asked for (nothing changes). */
  requestStop(): boolean;
  /** Aborts the calls in flight now (and stops, if that was not asked for yet). */
  abortNow(): void;
  /** Disarms the pending abort: the run ended, and nothing may fire after it. */
  dispose(): void;
}

/** A stop for one run: the abort fires `graceMs` after the stop unless the run ends first. */
export function gracefulStop(graceMs: number): GracefulStop {
  const stop = new AbortController();
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  const clear = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return {
    stop: stop.signal,
    abort: abort.signal,
    requestStop() {
      if (stop.signal.aborted) return false;
      stop.abort();
      if (!disposed && !abort.signal.aborted) {
        timer = setTimeout(() => abort.abort(), Math.max(0, graceMs));
        // A pending abort must not keep a process alive whose run has already ended.
        timer.unref?.();
      }
      return true;
    },
    abortNow() {
      clear();
      if (!stop.signal.aborted) stop.abort();
      if (!abort.signal.aborted) abort.abort();
    },
    dispose() {
      disposed = true;
      clear();
    },
  };
}
