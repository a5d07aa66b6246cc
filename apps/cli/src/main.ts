import path from 'node:path';
import { z } from 'zod';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULTS, UsageError, type RunReport } from '@orchestrate/core';
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
  undoRun,
  writeReviewFiles,
} from '@orchestrate/engine';
import { guarded, printJsonError, wantsJson, type IO } from './guard.js';
import { EXIT, MAIN_HELP, RESUME_HELP, REVIEW_HELP } from './help.js';
import { ask, interruptions } from './interrupt.js';
import { createProgress } from './progress.js';
import { VERSION } from './version.js';

// Each job's output schema is new and parsed once: zod's JIT would compile code for every one of them and never reuse it.
z.config({ jitless: true });

export { EXIT } from './help.js';

interface CliOptions {
  cwd?: string;
  batch?: boolean;
  detach?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  engine?: 'auto' | 'openai' | 'offline';
  concurrency?: number;
  budget?: number;
  json?: boolean;
  planner?: string;
  worker?: string;
  verifier?: string;
  config?: string;
}

function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!value.trim() || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} needs a positive number of USD, e.g. ${flag} 0.50`);
    return n;
  };
}

function concurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError('--concurrency needs a whole number from 1 to 256');
  return n;
}

interface ReviewOptions extends Omit<CliOptions, 'dryRun' | 'yes'> {
  sarif?: string;
  markdown?: string;
  failOn?: 'error' | 'warning' | 'note';
  workingTree?: boolean;
}

/** The command line, declared here and handed to the engine; returns the exit code. */
export async function main(argv: string[], io: IO = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }): Promise<number> {
  let exit: number = EXIT.ok;
  const json = wantsJson(argv);
  const common = (cmd: Command) =>
    cmd
      .option('-C, --cwd <dir>', 'run in this repository (default: the current directory)')
      .addOption(new Option('--engine <engine>', 'auto = openai when an API key is configured, else offline').choices(['auto', 'openai', 'offline']))
      .option('--concurrency <n>', `model calls in flight at once (default: ${DEFAULTS.concurrency}, or the config's)`, concurrency)
      .option('--budget <usd>', 'hard cap on spend in USD (default: none, or the config\'s budgetUsd)', positiveNumber('--budget'))
      .option('--planner <model>', `the planner model (default: ${DEFAULTS.models.planner}, or the config's models.planner)`)
      .option('--worker <model>', `the worker model (default: ${DEFAULTS.models.worker}, or the config's models.worker)`)
      .option('--verifier <model>', `the verifier model (default: ${DEFAULTS.models.verifier}, or the config's models.verifier)`)
      .option('--config <file>', 'use this config file instead of agents.config.ts at the repository root')
      .option('--json', 'print the final report as JSON on stdout (progress goes to stderr); errors too');
  const program = common(
    new Command('orchestrate')
      .description('Plan a coding task, fan it out to small model jobs, verify them and commit the verified work on a new branch.')
      .argument('[task...]', 'the task, e.g. "add docstrings to the public API"')
      .option('--dry-run', 'show the plan, the jobs and the estimated tokens and $ per model; spend nothing on jobs')
      .option('--batch', 'send worker and verifier calls through the OpenAI Batch API (half price; waits for the batches)')
      .option('--detach', 'with --batch: submit the batch and exit; `orchestrate resume <run-id>` collects it')
      .option('-y, --yes', 'do not ask for confirmation (implied when stdin is not a TTY)'),
  )
    .version(VERSION, '-V, --version')
    .helpCommand('help [command]', 'show help for a command (or for orchestrate)')
    .addHelpText('after', MAIN_HELP)
    .showHelpAfterError('(run orchestrate --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .action(async (words: string[], opts: CliOptions) => {
      const task = words.join(' ').trim();
      // No task: the usage on stderr (stdout stays for results), then the E_USAGE error, exit 2.
      if (!task && !opts.json) io.stderr.write(`${program.helpInformation()}\n`);
      exit = await guarded(io, opts.json, async () => {
        commandWord(program, task);
        return runCommand(task, opts, io);
      });
    });
  common(program.command('review').argument('[range]', '<base>..<head>, or <base> (head = HEAD); default: the merge base with the default branch'))
    .description('Annotate the changed lines of a range (no edits): terminal, --sarif, --markdown, --json')
    .option('--sarif <file>', 'write SARIF 2.1.0 (GitHub code scanning)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding has this severity or worse (for CI)').choices(['error', 'warning', 'note']))
    .option('--markdown <file>', 'write a Markdown summary')
    .option('--working-tree', 'include uncommitted changes (read only; the default when no <head> is given)')
    .option('--no-working-tree', 'review committed changes only')
    .addHelpText('after', REVIEW_HELP)
    .action(async (range: string | undefined, own: ReviewOptions) => {
      const opts = withProgramOptions<ReviewOptions>(program, own);
      exit = await guarded(io, opts.json, () => reviewCommand(range, opts, io));
    });
  common(program.command('resume').argument('[run-id]', 'an interrupted or detached run (default: the newest one)'))
    .description('Finish an interrupted run (killed, or stopped with Ctrl-C) or collect a detached run\'s batches: answers already received are not paid again')
    .option('--detach', 'submit the next batch and exit again instead of waiting')
    .addHelpText('after', RESUME_HELP)
    .action(async (runId: string | undefined, own: CliOptions) => {
      const opts = withProgramOptions<CliOptions>(program, own);
      exit = await guarded(io, opts.json, () => runCommand('', { ...opts, yes: true, resume: runId ?? '' }, io));
    });
  program
    .command('undo')
    .argument('<run-id>', 'the run to undo')
    .option('-C, --cwd <dir>', 'run in this repository')
    .option('--force', 'delete even if the branch was merged or holds commits the run did not make')
    .description("Delete a run's branch and worktree")
    .action(async (runId: string, own: { cwd?: string; force?: boolean }) => {
      const opts = withProgramOptions<{ cwd?: string; force?: boolean }>(program, own);
      exit = await guarded(io, false, async () => {
        const result = await undoRun({ cwd: opts.cwd, runId, force: opts.force });
        const deleted = [result.deletedBranch ? `branch ${result.branch}` : '', result.removedWorktree ? 'its worktree' : ''].filter(Boolean);
        io.stdout.write(`${deleted.length ? `deleted ${deleted.join(' and ')}` : 'nothing to delete'}${result.markedUndone ? `; run ${runId} is marked undone (no longer resumable)` : ''}\n`);
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
  program
    .command('show')
    .argument('<run-id>', 'the run to show (see `orchestrate runs`)')
    .option('-C, --cwd <dir>', 'run in this repository')
    .option('--json', 'print the run (and its report) as JSON')
    .description("Show a run's summary, or an interrupted run's progress and how to resume it")
    .action(async (runId: string, own: { cwd?: string; json?: boolean }) => {
      const opts = withProgramOptions<{ cwd?: string; json?: boolean }>(program, own);
      exit = await guarded(io, opts.json, async () => {
        const run = await showRun({ cwd: opts.cwd, runId });
        io.stdout.write(`${opts.json ? JSON.stringify(run, null, 2) : formatRun(run)}\n`);
        return EXIT.ok;
      });
    });
  program
    .command('apply')
    .argument('<run-id>', 'the run whose branch to merge (see `orchestrate runs`)')
    .option('-C, --cwd <dir>', 'run in this repository')
    .description("Merge a run's branch into the current branch (fast-forward when possible); needs a clean working tree")
    .action(async (runId: string, own: { cwd?: string }) => {
      const opts = withProgramOptions<{ cwd?: string }>(program, own);
      exit = await guarded(io, false, async () => {
        const r = await applyRun({ cwd: opts.cwd, runId });
        const how = r.fastForward ? 'fast-forward' : `merge commit ${r.head.slice(0, 8)}`;
        io.stdout.write(`merged ${r.branch} into ${r.into} (${how}, ${r.commits} commit${r.commits === 1 ? '' : 's'})\n`);
        return EXIT.ok;
      });
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.exitCode === 0) return EXIT.ok;
    // Commander already printed the error on stderr; with --json, stdout gets it as JSON too.
    if (json) printJsonError(io, 'E_USAGE', err.message.replace(/^error: /, ''));
    return EXIT.usage;
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
  throw new UsageError(`"${task}" is a command, not a task: run \`orchestrate ${word}\`. A task says what to do, e.g. orchestrate "add docstrings to src/".`);
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

/** The model flags and the config file as run options; the file is relative to where orchestrate was started. */
function modelOptions(opts: CliOptions): { models?: { planner?: string; worker?: string; verifier?: string }; configFile?: string } {
  const models = { planner: opts.planner, worker: opts.worker, verifier: opts.verifier };
  return {
    ...(Object.values(models).some((m) => m !== undefined) ? { models } : {}),
    ...(opts.config !== undefined ? { configFile: path.resolve(opts.config) } : {}),
  };
}

async function runCommand(task: string, opts: CliOptions & { resume?: string }, io: IO): Promise<number> {
  if (!task && opts.resume === undefined) throw new UsageError('No task given. Usage: orchestrate [options] "<task>", e.g. orchestrate "add docstrings to src/"');
  const progress = createProgress(io.stderr, { live: liveProgress(io), dryRun: opts.dryRun });
  const interactive = Boolean(io.stdin.isTTY) && !opts.yes && !opts.json;
  let runId: string | null = null;
  const signals = interruptions(io, progress, Boolean(opts.json), () => runId);
  let report: RunReport;
  try {
    report = await runTask({
      stop: signals.stop,
      signal: signals.abort,
      task,
      cwd: opts.cwd,
      engine: opts.engine,
      dryRun: opts.dryRun,
      batch: opts.batch,
      detach: opts.detach,
      resume: opts.resume,
      concurrency: opts.concurrency,
      budgetUsd: opts.budget,
      ...modelOptions(opts),
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
  if (opts.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(`${report.status === 'dry-run' ? formatDryRun(report) : await formatRunOutput(report, Boolean(io.stdout.isTTY))}\n`);
  return runExitCode(report);
}

async function reviewCommand(range: string | undefined, opts: ReviewOptions, io: IO): Promise<number> {
  const { base, head } = parseReviewRange(range);
  const progress = createProgress(io.stderr, { live: liveProgress(io) });
  let report: RunReport;
  try {
    report = await runTask({
      task: `review ${range ?? 'the current branch'}`,
      cwd: opts.cwd,
      engine: opts.engine,
      concurrency: opts.concurrency,
      budgetUsd: opts.budget,
      ...modelOptions(opts),
      onEvent: progress.onEvent,
      review: { base, head, workingTree: opts.workingTree },
    });
  } finally {
    progress.stop();
  }
  await writeReviewFiles(report, { sarif: opts.sarif, markdown: opts.markdown, cwd: process.cwd(), version: VERSION });
  if (opts.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(`${await formatReview(report, Boolean(io.stdout.isTTY))}\n\n${formatSummary(report)}\n`);
  return reviewExitCode(report, opts.failOn);
}
