import type { Command, CommanderError } from 'commander';
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
 * they are escaped before the terminal. `jsonError` prints the error on stdout in the command's own form instead of
 * the `{ "error": … }` document (exec's `error` line).
 */
export async function guarded(
  io: IO,
  json: boolean | undefined,
  body: () => Promise<number>,
  jsonError?: (err: unknown) => void,
): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (isOrchestrateError(err) && err.userFacing) {
      io.stderr.write(`orchestrate: error [${err.code}]: ${safeText(err.message, { multiline: true })}\n`);
      if (json && jsonError) jsonError(err);
      else if (json) printJsonError(io, err.code, err.message);
      return err.processExitCode;
    }
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    const hint = 'internal error — this is a bug, please report it with the output below.';
    io.stderr.write(`orchestrate: ${hint}\n${safeText(detail, { multiline: true })}\n`);
    // An InternalError's message ends with how to report it; other errors that reach here are bugs too.
    if (json && jsonError) jsonError(err);
    else if (json) printJsonError(io, 'E_INTERNAL', err instanceof Error ? err.message : String(err));
    return isOrchestrateError(err) ? err.processExitCode : EXIT_CODES.failures;
  }
}

/**
 * The exit code of a command line commander refused (it has printed why on stderr): 0 for `--help`, else 2, with the
 * error also handed to `onStdout` (the --json forms). `help <word>` for a word that is no command gets a message that
 * names the commands, as commander's own says only "(outputHelp)".
 */
export function parseFailed(
  err: CommanderError,
  argv: readonly string[],
  program: Command,
  io: Pick<IO, 'stderr'>,
  onStdout: (message: string) => void,
): number {
  if (err.exitCode === 0) return EXIT_CODES.ok;
  if (err.code === 'commander.help') {
    const word = argv[argv.indexOf('help') + 1] ?? '';
    const names = program.commands.map((c) => c.name()).join(', ');
    const message = `"${word}" is not a command; the commands are ${names}. Run \`orchestrate help <command>\`.`;
    io.stderr.write(`orchestrate: error [E_USAGE]: ${safeText(message)}\n`);
    onStdout(message);
    return EXIT_CODES.usage;
  }
  onStdout(err.message.replace(/^error: /, ''));
  return EXIT_CODES.usage;
}
