// `orchestrate exec`: a task run for programs (CI scripts, agents). It never asks (--yes is implied). With --json (or
// --jsonl) stdout holds only event lines, one JSON object per line, from the engine's one renderer, so a consumer reads
// the run as it happens; stderr keeps the plain progress lines; the exit code mirrors the run's status. Without --json
// it is the task form.
import { Console } from 'node:console';
import type { Command } from 'commander';
import { EXIT_CODES, eventLinesJsonSchema, UsageError, type EventLine } from '@orchestrate/core';
import { createEventLines, runExitCode, runTask, threadIndexer, type EventLineRenderer } from '@orchestrate/engine';
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

/** What exec takes from the task form (main.ts owns it). */
export interface ExecShell {
  /** The task form's flags (RUN_FLAGS keys), which exec reads too. */
  keys: readonly FlagKey[];
  io: IO;
  /** The task form's run: exec without --json. */
  human: (task: string, flags: ParsedFlags) => Promise<number>;
  /** Refuses a task that is a mistyped command (`exec help`), before anything is planned or paid for. */
  check: (task: string) => void;
}

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
export async function execCommand(words: string[], opts: Record<string, unknown>, shell: ExecShell): Promise<number> {
  const { keys, io, human, check } = shell;
  const own = opts as ExecOptions;
  const flags = readFlags(opts, keys);
  flags.cli.yes = true;
  const task = words.join(' ').trim();
  if (own.schema) {
    io.stdout.write(`${JSON.stringify(eventLinesJsonSchema(), null, 2)}\n`);
    return EXIT_CODES.ok;
  }
  const checked = () => {
    if (!task) throw new UsageError(`No task given. Usage: ${USAGE}`);
    check(task);
    return task;
  };
  if (!flags.cli.json && !own.jsonl) return guarded(io, false, () => human(checked(), flags));
  const renderer = createEventLines();
  const out = lineWriter(io);
  return guarded(
    io,
    true,
    () => runLines(checked(), flags, io, renderer, out),
    (err) => out.write(renderer.error(err)),
  );
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
    const report = await consoleTo(io.stderr, () =>
      runTask({
        ...run,
        task,
        indexer: io.indexThread && threadIndexer(io.indexThread),
        stop: signals.stop,
        signal: signals.abort,
        onEvent: (event) => {
          if (event.type === 'run-start') runId = event.runId;
          progress.onEvent(event);
          for (const line of renderer.push(event)) out.write(line);
        },
      }),
    );
    return runExitCode(report);
  } finally {
    signals.dispose();
    progress.stop();
  }
}

/**
 * Sends what `console` would print on stdout to `stream` while `fn` runs: a repository's agents.config.ts runs in this
 * process, and one `console.log` in it would break the lines.
 */
async function consoleTo<T>(stream: NodeJS.WritableStream, fn: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, info: console.info, debug: console.debug, dir: console.dir, table: console.table };
  const other = new Console({ stdout: stream, stderr: stream });
  Object.assign(console, {
    log: other.log.bind(other),
    info: other.info.bind(other),
    debug: other.debug.bind(other),
    dir: other.dir.bind(other),
    table: other.table.bind(other),
  });
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
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
