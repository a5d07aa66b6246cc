import { createInterface } from 'node:readline/promises';
import { InterruptedError } from '@orchestrate/core';
import { gracefulStop } from '@orchestrate/engine';
import { printJsonError, type IO } from './guard.js';
import type { Progress } from './progress.js';

/** How long calls in flight may finish after the first Ctrl-C before they are aborted. */
const GRACE_MS = 20_000;

/**
 * Ctrl-C: the first press stops scheduling (calls in flight finish, aborted after a grace period), verified work is
 * committed and the report says how to resume; a second press aborts at once, and the journal still resumes the run.
 * With --json the second press still ends stdout with one JSON document: the E_INTERRUPTED error naming the run.
 * `onAbort`, when given, writes that ending instead (exec's `error` line); the process exits once it has resolved.
 */
export function interruptions(
  io: IO,
  progress: Progress,
  json: boolean,
  runId: () => string | null,
  onAbort?: (err: InterruptedError) => Promise<void> | void,
): { stop: AbortSignal; abort: AbortSignal; dispose: () => void } {
  const stopper = gracefulStop(GRACE_MS);
  const hint = () => (runId() ? `orchestrate resume ${runId()}` : 'orchestrate resume');
  let ending = false;
  const onSigint = () => {
    if (stopper.requestStop()) {
      progress.note(
        `orchestrate: stopping — no new calls; letting calls in flight finish (up to ${GRACE_MS / 1000} s). Ctrl-C again aborts now.`,
      );
      return;
    }
    // A third press while the ending is written must not write it twice.
    if (ending) return;
    ending = true;
    stopper.abortNow();
    progress.note(
      `orchestrate: aborted. Nothing is lost: \`${hint()}\` finishes the run without paying again for answers received.`,
    );
    progress.stop();
    const why = "Aborted by a second Ctrl-C; answers received so far are kept in the run's journal.";
    const err = new InterruptedError(why);
    if (!onAbort) {
      if (json) printJsonError(io, err.code, err.message, { runId: runId(), resume: hint() });
      process.exit(err.processExitCode);
    }
    void Promise.resolve()
      .then(() => onAbort(err))
      .finally(() => process.exit(err.processExitCode));
  };
  process.on('SIGINT', onSigint);
  return {
    stop: stopper.stop,
    abort: stopper.abort,
    dispose: () => {
      stopper.dispose();
      process.off('SIGINT', onSigint);
    },
  };
}

/** Asks whether to run `jobs` jobs costing at most `maxUsd` (Enter = yes). */
export async function ask(jobs: number, maxUsd: number, io: IO): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const cost = maxUsd > 0 ? `at most $${maxUsd.toFixed(4)}` : 'no model calls';
    const answer = await rl.question(`Run ${jobs} jobs (${cost})? [Y/n] `);
    return !/^n/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
