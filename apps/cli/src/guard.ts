import { EXIT_CODES, isOrchestrateError, safeText, type ErrorCode } from '@orchestrate/core';
import type { IndexThread } from '@orchestrate/engine';

/**
 * What the process gives the CLI: its streams, and (bin/load.cjs) an index thread started with the process, which
 * runs index the files on.
 */
export type IO = {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  indexThread?: IndexThread;
};

/** Whether `--json` was asked for anywhere before `--` (known before commander parses, so its own errors are JSON too). */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** Prints `{ "error": { code, message, ... } }` on stdout: a `--json` run always ends with one JSON document. */
export function printJsonError(
  io: Pick<IO, 'stdout'>,
  code: ErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
): void {
  io.stdout.write(`${JSON.stringify({ error: { code, message, ...extra } }, null, 2)}\n`);
}

/**
 * Ends a command on an error: user errors print their code and message (and JSON with --json), bugs say so; the exit
 * code is the error class's own. Messages can embed repository or model text (a path, a ref, a planner's words), so
 * they are escaped before the terminal.
 */
export async function guarded(io: IO, json: boolean | undefined, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (isOrchestrateError(err) && err.userFacing) {
      io.stderr.write(`orchestrate: error [${err.code}]: ${safeText(err.message, { multiline: true })}\n`);
      if (json) printJsonError(io, err.code, err.message);
      return err.processExitCode;
    }
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    const hint = 'internal error — this is a bug, please report it with the output below.';
    io.stderr.write(`orchestrate: ${hint}\n${safeText(detail, { multiline: true })}\n`);
    // An InternalError's message ends with how to report it; other errors that reach here are bugs too.
    if (json) printJsonError(io, 'E_INTERNAL', err instanceof Error ? err.message : String(err));
    return isOrchestrateError(err) ? err.processExitCode : EXIT_CODES.failures;
  }
}
