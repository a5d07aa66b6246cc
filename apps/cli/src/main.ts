import { z } from 'zod';
import { Command, CommanderError } from 'commander';
import { UsageError, type RunReport } from '@orchestrate/core';
import {
  applyRun,
  formatDryRun,
  formatReview,
  formatRun,
  formatRunOutput,
  formatRuns,
  formatSummary,
  listRuns,
  parseReviewRange,
  reviewExitCode,
  runExitCode,
  runTask,
  showRun,
  writeRunHtml,
  threadIndexer,
  undoRun,
  writeReviewFiles,
} from '@orchestrate/engine';
import { guarded, parseFailed, printJsonError, wantsJson, type IO } from './guard.js';
import { DOCTOR_HELP, EXIT, MAIN_HELP, MODELS_HELP, RESUME_HELP, REVIEW_HELP } from './help.js';
import { addFlags, COMMON_FLAGS, readFlags, type FlagKey, type ParsedFlags } from './flags.js';
import { addExecCommand, execCommand, printErrorLine, wantsLines } from './exec.js';
import { ask, interruptions } from './interrupt.js';
import { DOCTOR_KEYS, doctorCommand, MODELS_KEYS, modelsCommand } from './models.js';
import { createProgress } from './progress.js';
import { addMergeCommand } from './merge.js';
import { addShardCommands } from './shards.js';
import { VERSION } from './version.js';

// Each job's output schema is new and parsed once: zod's JIT would compile code for every one of them and never reuse it.
z.config({ jitless: true });

export { EXIT } from './help.js';

/** The flags of the task form (`orchestrate "<task>"`), in `--help` order. */
const RUN_KEYS = ['dryRun', 'batch', 'detach', 'yes', ...COMMON_FLAGS] as const satisfies readonly FlagKey[];
/** The flags of `orchestrate review`. */
const REVIEW_KEYS = [
  ...COMMON_FLAGS,
  'sarif',
  'failOn',
  'markdown',
  'review.workingTree',
] as const satisfies readonly FlagKey[];
/**
 * The flags `orchestrate resume` reads: the task form's (its own are a part of them), as commander gives the program's
 * options to it wherever they are written (`orchestrate --batch resume` resumes with batch).
 */
const RESUME_KEYS = RUN_KEYS;

/** The command line, declared here and handed to the engine; returns the exit code. */
export async function main(
  argv: string[],
  io: IO = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
): Promise<number> {
  let exit: number = EXIT.ok;
  const json = wantsJson(argv);
  const program = addFlags(
    new Command('orchestrate')
      .description(
        'Plan a coding task, fan it out to small model jobs, verify them and commit the verified work on a new branch.',
      )
      .argument('[task...]', 'the task, e.g. "add docstrings to the public API"'),
    RUN_KEYS,
  )
    .version(VERSION, '-V, --version')
    .helpCommand('help [command]', 'show help for a command (or for orchestrate)')
    .addHelpText('after', MAIN_HELP)
    .showHelpAfterError('(run orchestrate --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // The parser's errors carry their code like every other error (`orchestrate: error [E_USAGE]: …`).
      outputError: (s, write) => write(s.replace(/^error: /, 'orchestrate: error [E_USAGE]: ')),
    })
    .action(async (words: string[], opts: Record<string, unknown>) => {
      const task = words.join(' ').trim();
      const flags = readFlags(opts, RUN_KEYS);
      // No task: the usage on stderr (stdout stays for results), then the E_USAGE error, exit 2.
      if (!task && !flags.cli.json) io.stderr.write(`${program.helpInformation()}\n`);
      exit = await guarded(io, flags.cli.json, async () => {
        commandWord(program, task);
        return runCommand(task, flags, io);
      });
    });
  addExecCommand(program, RUN_KEYS).action(async (words: string[], own: Record<string, unknown>) => {
    const human = (task: string, flags: ParsedFlags) => runCommand(task, flags, io);
    const check = (task: string) => commandWord(program, task);
    exit = await execCommand(words, withProgramOptions(program, own), { keys: RUN_KEYS, io, human, check });
  });
  const range = '<base>..<head>, or <base> (head = HEAD); default: the merge base with the default branch';
  addFlags(program.command('review').argument('[range]', range), REVIEW_KEYS)
    .description('Annotate the changed lines of a range (no edits): terminal, --sarif, --markdown, --json')
    .addHelpText('after', REVIEW_HELP)
    .action(async (range: string | undefined, own: Record<string, unknown>) => {
      const flags = readFlags(withProgramOptions(program, own), REVIEW_KEYS);
      exit = await guarded(io, flags.cli.json, () => reviewCommand(range, flags, io));
    });
  const resumeArg = 'an interrupted or detached run (default: the newest one)';
  addFlags(program.command('resume').argument('[run-id]', resumeArg), [...COMMON_FLAGS, 'detach'], {
    detach: 'submit the next batch and exit again instead of waiting',
  })
    .description(
      "Finish an interrupted run (killed, or stopped with Ctrl-C) or collect a detached run's batches: " +
        'answers already received are not paid again',
    )
    .addHelpText('after', RESUME_HELP)
    .action(async (runId: string | undefined, own: Record<string, unknown>) => {
      const flags = readFlags(withProgramOptions(program, own), RESUME_KEYS);
      flags.cli.yes = true;
      flags.run.resume = runId ?? '';
      exit = await guarded(io, flags.cli.json, () => runCommand('', flags, io));
    });
  addShardCommands(
    program,
    io,
    (own) => withProgramOptions(program, own),
    (code) => (exit = code),
  );
  addMergeCommand(
    program,
    io,
    (own) => withProgramOptions(program, own),
    (code) => (exit = code),
  );
  program
    .command('undo')
    .argument('<run-id>', 'the run to undo')
    .option('-C, --cwd <dir>', 'run in this repository')
    .option('--force', 'delete even if the branch was merged or holds commits the run did not make')
    .option('--json', 'print the result as JSON (errors too)')
    .description("Delete a run's branch and worktree")
    .action(async (runId: string, own: { cwd?: string; force?: boolean; json?: boolean }) => {
      const opts = withProgramOptions<{ cwd?: string; force?: boolean; json?: boolean }>(program, own);
      exit = await guarded(io, opts.json, async () => {
        const result = await undoRun({ cwd: opts.cwd, runId, force: opts.force });
        if (opts.json) {
          io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          return EXIT.ok;
        }
        const deleted = [
          result.deletedBranch ? `branch ${result.branch}` : '',
          result.removedWorktree ? 'its worktree' : '',
        ].filter(Boolean);
        io.stdout.write(
          `${deleted.length ? `deleted ${deleted.join(' and ')}` : 'nothing to delete'}${result.markedUndone ? `; run ${runId} is marked undone (no longer resumable)` : ''}\n`,
        );
        return EXIT.ok;
      });
    });
  program
    .command('runs')
    .option('-C, --cwd <dir>', 'run in this repository')
    .option('--json', 'print the runs as JSON')
    .description('List the runs of this repository, newest first: id, task, status, jobs, cost, age')
    .action(async (own: { cwd?: string; json?: boolean }) => {
      const opts = withProgramOptions<{ cwd?: string; json?: boolean }>(program, own);
      exit = await guarded(io, opts.json, async () => {
        const runs = await listRuns({ cwd: opts.cwd });
        io.stdout.write(`${opts.json ? JSON.stringify(runs, null, 2) : formatRuns(runs)}\n`);
        return EXIT.ok;
      });
    });
  addFlags(program.command('models'), MODELS_KEYS, { json: 'print the roles, providers and prices as JSON' })
    .description(
      "List the roles' providers and models: price, capabilities, concurrency, engine and whether each key is set",
    )
    .addHelpText('after', MODELS_HELP)
    .action(async (own: Record<string, unknown>) => {
      const flags = readFlags(withProgramOptions(program, own), MODELS_KEYS);
      exit = await guarded(io, flags.cli.json, () => modelsCommand(flags, io));
    });
  addFlags(program.command('doctor'), DOCTOR_KEYS, { json: 'print the checks as JSON' })
    .description('Check each provider the roles use with one tiny model call, and say what one call cannot check')
    .addHelpText('after', DOCTOR_HELP)
    .action(async (own: Record<string, unknown>) => {
      const flags = readFlags(withProgramOptions(program, own), DOCTOR_KEYS);
      exit = await guarded(io, flags.cli.json, () => doctorCommand(flags, io));
    });
  program
    .command('show')
    .argument('<run-id>', 'the run to show (see `orchestrate runs`)')
    .option('-C, --cwd <dir>', 'run in this repository')
    .option('--json', 'print the run (and its report) as JSON; with --html, { "html": path }')
    .option('--html [file]', "write the run's report as one HTML page (default: report.html in the run's directory)")
    .description("Show a run's summary, or an interrupted run's progress and how to resume it")
    .action(async (runId: string, own: { cwd?: string; json?: boolean; html?: string | boolean }) => {
      const opts = withProgramOptions<{ cwd?: string; json?: boolean; html?: string | boolean }>(program, own);
      exit = await guarded(io, opts.json, async () => {
        if (opts.html !== undefined) {
          const file = typeof opts.html === 'string' ? opts.html : undefined;
          const written = await writeRunHtml({ cwd: opts.cwd, runId, file });
          io.stdout.write(opts.json ? `${JSON.stringify(written)}\n` : `${written.html}\n`);
          return EXIT.ok;
        }
        const run = await showRun({ cwd: opts.cwd, runId });
        io.stdout.write(`${opts.json ? JSON.stringify(run, null, 2) : formatRun(run)}\n`);
        return EXIT.ok;
      });
    });
  program
    .command('apply')
    .argument('<run-id>', 'the run whose branch to merge (see `orchestrate runs`)')
    .option('-C, --cwd <dir>', 'run in this repository')
    .option('--json', 'print the result as JSON (errors too)')
    .description(
      "Merge a run's branch into the current branch (fast-forward when possible); needs a clean working tree",
    )
    .action(async (runId: string, own: { cwd?: string; json?: boolean }) => {
      const opts = withProgramOptions<{ cwd?: string; json?: boolean }>(program, own);
      exit = await guarded(io, opts.json, async () => {
        const r = await applyRun({ cwd: opts.cwd, runId });
        if (opts.json) {
          io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
          return EXIT.ok;
        }
        const how = r.fastForward ? 'fast-forward' : `merge commit ${r.head.slice(0, 8)}`;
        io.stdout.write(
          `merged ${r.branch} into ${r.into} (${how}, ${r.commits} commit${r.commits === 1 ? '' : 's'})\n`,
        );
        return EXIT.ok;
      });
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    // With --json, stdout gets the parser's error too: as exec's `error` line, or as the `{ "error": … }` document.
    const lines = wantsLines(argv, program);
    return parseFailed(err, argv, program, io, (message) => {
      if (lines) printErrorLine(io, new UsageError(message));
      else if (json) printJsonError(io, 'E_USAGE', message);
    });
  }
  return exit;
}

/**
 * Refuses a task that is one word naming a command (`Help`, `RUNS`, `-- review`): it is a mistyped command, not a
 * task, and running it would plan (and pay for) a task nobody meant.
 */
function commandWord(program: Command, task: string): void {
  const word = task.toLowerCase();
  if (/\s/.test(word)) return;
  const names = new Set(['help', ...program.commands.flatMap((c) => [c.name(), ...c.aliases()])]);
  if (!names.has(word)) return;
  throw new UsageError(
    `"${task}" is a command, not a task: run \`orchestrate ${word}\`. A task says what to do, e.g. orchestrate "add docstrings to src/".`,
  );
}

/**
 * A subcommand's options merged over the program's: commander gives an option that both declare (`-C`, `--json`,
 * `--engine`, …) to the program wherever it is written, so `orchestrate review -C dir --json` would lose them.
 */
function withProgramOptions<T extends object>(program: Command, own: T): T {
  const merged: Record<string, unknown> = { ...program.opts() };
  for (const [key, value] of Object.entries(own)) if (value !== undefined) merged[key] = value;
  return merged as T;
}

/** Whether progress is one live line: stderr is a terminal and not a CI log. */
function liveProgress(io: IO): boolean {
  return Boolean(io.stderr.isTTY) && !process.env.CI;
}

async function runCommand(task: string, { run, cli }: ParsedFlags, io: IO): Promise<number> {
  if (!task && run.resume === undefined) {
    const usage = 'orchestrate [options] "<task>", e.g. orchestrate "add docstrings to src/"';
    throw new UsageError(`No task given. Usage: ${usage}`);
  }
  const progress = createProgress(io.stderr, { live: liveProgress(io), dryRun: run.dryRun });
  const interactive = Boolean(io.stdin.isTTY) && !cli.yes && !cli.json;
  let runId: string | null = null;
  const signals = interruptions(io, progress, Boolean(cli.json), () => runId);
  let report: RunReport;
  try {
    report = await runTask({
      ...run,
      indexer: io.indexThread && threadIndexer(io.indexThread),
      stop: signals.stop,
      signal: signals.abort,
      task,
      onEvent: (event) => {
        if (event.type === 'run-start') runId = event.runId;
        progress.onEvent(event);
      },
      confirm: interactive
        ? (info) => {
            progress.stop();
            return ask(info.jobs, info.estimate.costUsdHigh, io);
          }
        : undefined,
    });
  } finally {
    signals.dispose();
    progress.stop();
  }
  if (cli.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else
    io.stdout.write(
      `${report.status === 'dry-run' ? formatDryRun(report) : await formatRunOutput(report, Boolean(io.stdout.isTTY))}\n`,
    );
  return runExitCode(report);
}

async function reviewCommand(range: string | undefined, { run, cli }: ParsedFlags, io: IO): Promise<number> {
  const { base, head } = parseReviewRange(range);
  const progress = createProgress(io.stderr, { live: liveProgress(io) });
  let runId: string | null = null;
  // Ctrl-C as for a task (stop, then abort); with --json a second press still ends stdout with one JSON document.
  const signals = interruptions(io, progress, Boolean(cli.json), () => runId);
  let report: RunReport;
  try {
    report = await runTask({
      ...run,
      indexer: io.indexThread && threadIndexer(io.indexThread),
      stop: signals.stop,
      signal: signals.abort,
      task: `review ${range ?? 'the current branch'}`,
      onEvent: (event) => {
        if (event.type === 'run-start') runId = event.runId;
        progress.onEvent(event);
      },
      review: { base, head, workingTree: run.review?.workingTree },
    });
  } finally {
    signals.dispose();
    progress.stop();
  }
  await writeReviewFiles(report, { sarif: cli.sarif, markdown: cli.markdown, cwd: process.cwd(), version: VERSION });
  if (cli.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(`${await formatReview(report, Boolean(io.stdout.isTTY))}\n\n${formatSummary(report)}\n`);
  return reviewExitCode(report, cli.failOn);
}
