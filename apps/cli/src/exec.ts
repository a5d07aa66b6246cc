// `orchestrate exec`: a task run for programs (CI scripts, agents). It never asks (--yes is implied). With --json (or
// --jsonl) stdout holds only event lines, one JSON object per line, from the engine's one renderer, so a consumer reads
// the run as it happens; stderr keeps the plain progress lines; the exit code mirrors the run's status. Without --json
// it is the task form.
import type { Command } from 'commander';
import { eventLinesJsonSchema, UsageError, type EventLine } from '@orchestrate/core';
import { createEventLines, runExitCode, runTask, type EventLineRenderer } from '@orchestrate/engine';
import { addFlags, readFlags, type FlagKey, type ParsedFlags } from './flags.js';
import { guarded, type IO } from './guard.js';
import { EXEC_HELP } from './help.js';
import { interruptions } from './interrupt.js';
import { createProgress } from './progress.js';

/** The options only exec declares. */
interface ExecOptions {
  jsonl?: boolean;
  schema?: boolean;
}

/** The task form's run, for exec without --json (main.ts owns it). */
export type HumanRun = (task: string, flags: ParsedFlags) => Promise<number>;

const USAGE = 'orchestrate exec [options] "<task>", e.g. orchestrate exec --json "add docstrings to src/"';

/** Declares `orchestrate exec` on `program` with the task form's flags (`keys`, from RUN_FLAGS); main adds the action. */
export function addExecCommand(program: Command, keys: readonly FlagKey[]): Command {
  const cmd = program
    .command('exec')
    .argument('[task...]', 'the task, e.g. "add docstrings to the public API"')
    .description(
      'Run a task without asking, for programs: with --json, stdout is one JSON event line per run event (JSONL)',
    )
    .addHelpText('after', EXEC_HELP)
    .showHelpAfterError('(run orchestrate exec --help for usage)');
  // --yes is implied, so it is not offered; the program still accepts it wherever it is written.
  addFlags(
    cmd,
    keys.filter((k) => k !== 'yes'),
    { json: 'print event lines on stdout, one JSON object per line (progress goes to stderr); errors too' },
  );
  return cmd
    .option('--jsonl', 'the same as --json')
    .option('--schema', 'print the JSON Schema of the event lines and exit');
}

/** Runs `orchestrate exec` once commander has parsed it; `opts` are exec's options merged over the program's. */
export async function execCommand(
  words: string[],
  opts: Record<string, unknown>,
  keys: readonly FlagKey[],
  io: IO,
  human: HumanRun,
): Promise<number> {
  const own = opts as ExecOptions;
  const flags = readFlags(opts, keys);
  flags.cli.yes = true;
  const task = words.join(' ').trim();
  if (own.schema) {
    io.stdout.write(`${JSON.stringify(eventLinesJsonSchema(), null, 2)}\n`);
    return 0;
  }
  if (!flags.cli.json && !own.jsonl) return guarded(io, false, () => human(needTask(task), flags));
  const renderer = createEventLines();
  const out = lineWriter(io);
  return guarded(
    io,
    true,
    () => runLines(needTask(task), flags, io, renderer, out),
    (err) => out.write(renderer.error(err)),
  );
}

function needTask(task: string): string {
  if (!task) throw new UsageError(`No task given. Usage: ${USAGE}`);
  return task;
}

/** Writes lines on stdout; `end` writes the last one and resolves once it is flushed, after which nothing is written. */
interface LineWriter {
  write(line: EventLine): void;
  end(line: EventLine): Promise<void>;
}

function lineWriter(io: Pick<IO, 'stdout'>): LineWriter {
  let ended = false;
  // JSON.stringify escapes every control character, so model or repository text cannot break a line.
  const text = (line: EventLine) => `${JSON.stringify(line)}\n`;
  return {
    write(line) {
      if (!ended) io.stdout.write(text(line));
    },
    end(line) {
      if (ended) return Promise.resolve();
      ended = true;
      // A pipe's write is asynchronous on some platforms: the process may exit only once the line is out.
      return new Promise((resolve) => io.stdout.write(text(line), () => resolve()));
    },
  };
}

async function runLines(
  task: string,
  { run }: ParsedFlags,
  io: IO,
  renderer: EventLineRenderer,
  out: LineWriter,
): Promise<number> {
  const progress = createProgress(io.stderr, { live: false, dryRun: run.dryRun });
  let runId: string | null = null;
  // The first Ctrl-C stops the run and its lines go on to run.completed (interrupted, exit 130); the second ends them
  // with an E_INTERRUPTED error line naming how to resume.
  const signals = interruptions(
    io,
    progress,
    true,
    () => runId,
    (err) => out.end(renderer.error(err, { runId })),
  );
  try {
    const report = await runTask({
      ...run,
      task,
      stop: signals.stop,
      signal: signals.abort,
      onEvent: (event) => {
        if (event.type === 'run-start') runId = event.runId;
        progress.onEvent(event);
        for (const line of renderer.push(event)) out.write(line);
      },
    });
    return runExitCode(report);
  } finally {
    signals.dispose();
    progress.stop();
  }
}

/** Prints one `error` line on stdout (a usage error commander found before exec ran). */
export function printErrorLine(io: Pick<IO, 'stdout'>, err: unknown): void {
  io.stdout.write(`${JSON.stringify(createEventLines().error(err))}\n`);
}

/**
 * Whether `argv` is `exec` with --json or --jsonl (before `--`), known before commander parses, so that its own
 * errors are an `error` line too: `exec` must be the first word that is neither an option nor an option's value.
 */
export function wantsLines(argv: readonly string[], program: Command): boolean {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  if (!args.includes('--json') && !args.includes('--jsonl')) return false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-') || arg === '-') return arg === 'exec';
    const option = program.options.find((o) => o.long === arg || o.short === arg);
    if (option && (option.required || option.optional)) i++;
  }
  return false;
}
