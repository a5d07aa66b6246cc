import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { parseShardArg, UsageError } from '@orchestrate/core';
import {
  assertPlanOut,
  formatBundleLine,
  formatDryRun,
  formatRunOutput,
  formatShardPlan,
  planShards,
  runExitCode,
  runFromPlan,
  threadIndexer,
} from '@orchestrate/engine';
import { guarded, type IO } from './guard.js';
import { addFlags, COMMON_FLAGS, readFlags, type FlagKey, type ParsedFlags } from './flags.js';
import { EXIT, PLAN_HELP, RUN_PLAN_HELP } from './help.js';
import { interruptions } from './interrupt.js';
import { assertOwnFlags } from './own-flags.js';
import { createProgress } from './progress.js';

/** The flags of `orchestrate plan` (the task form's that shape a plan). */
const PLAN_KEYS = COMMON_FLAGS;
/** The flags of `orchestrate run --plan`: no planner runs, so neither `--planning` nor `--planner` is taken. */
const RUN_PLAN_KEYS = COMMON_FLAGS.filter(
  (k) => k !== 'planning' && k !== 'models.planner',
) as unknown as readonly FlagKey[];

/** Where `orchestrate plan` writes the plan file without `--out`: the current directory. */
export const DEFAULT_PLAN_FILE = 'orchestrate-plan.json';

/**
 * Declares `plan` and `run` on the program; `merged` gives a subcommand's options over the program's, `done` the exit
 * code.
 */
export function addShardCommands(
  program: Command,
  io: IO,
  merged: (own: Record<string, unknown>) => Record<string, unknown>,
  done: (exit: number) => void,
): void {
  addFlags(program.command('plan').argument('[task...]', 'the task to plan, e.g. "add docstrings to src/"'), PLAN_KEYS)
    .requiredOption('--shards <n>', 'split the jobs into this many shards (1 to 256), by file')
    .option('--out <file>', `the plan file to write (default: ./${DEFAULT_PLAN_FILE})`)
    .option('--from <ref>', 'the base commit every shard starts from (default: HEAD)')
    .description('Plan a task once and split its jobs into shards for a CI matrix: writes the plan file, runs nothing')
    .addHelpText('after', PLAN_HELP)
    .action(async (words: string[], own: Record<string, unknown>, cmd: Command) => {
      const opts = merged(own);
      const flags = readFlags(opts, PLAN_KEYS);
      done(
        await guarded(io, flags.cli.json, () => {
          assertOwnFlags(program, cmd);
          return planCommand(words.join(' ').trim(), opts, flags, io);
        }),
      );
    });
  addFlags(program.command('run'), RUN_PLAN_KEYS)
    .requiredOption('--plan <file>', 'the plan file `orchestrate plan --shards N` wrote')
    .option('--shard <i/N>', "run only this shard (a `shard` value of the plan's matrix)")
    .option('--out <dir>', "write the shard's bundle into this folder (required with --shard, only with --shard)")
    .description('Run a saved plan (no planner call): one shard into a bundle, or the whole plan on a branch')
    .addHelpText('after', RUN_PLAN_HELP)
    .action(async (own: Record<string, unknown>, cmd: Command) => {
      const opts = merged(own);
      const flags = readFlags(opts, RUN_PLAN_KEYS);
      done(
        await guarded(io, flags.cli.json, () => {
          assertOwnFlags(program, cmd);
          return runPlanCommand(opts, flags, io);
        }),
      );
    });
}

async function planCommand(task: string, opts: Record<string, unknown>, { run, cli }: ParsedFlags, io: IO) {
  if (!task)
    throw new UsageError(
      'No task given. Usage: orchestrate plan "<task>" --shards N, e.g. orchestrate plan "add docstrings to src/" --shards 4.',
    );
  const raw = String(opts.shards);
  const shards = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (Number.isNaN(shards)) throw new UsageError(`--shards expects a whole number from 1 to 256, got "${raw}".`);
  const given = typeof opts.out === 'string' ? opts.out : DEFAULT_PLAN_FILE;
  const out = path.resolve(given);
  await assertPlanOut(out, given);
  const progress = createProgress(io.stderr, { live: live(io), dryRun: true });
  let planned: Awaited<ReturnType<typeof planShards>>;
  try {
    planned = await planShards({
      ...run,
      task,
      shards,
      ...(typeof opts.from === 'string' ? { from: opts.from } : {}),
      indexer: io.indexThread && threadIndexer(io.indexThread),
      onEvent: (event) => progress.onEvent(event),
    });
  } finally {
    progress.stop();
  }
  const text = `${JSON.stringify(planned.file, null, 2)}\n`;
  await writeFile(out, text).catch((err: Error) => {
    throw new UsageError(`--out ${given} could not be written (${err.message}): name another file.`);
  });
  io.stdout.write(
    cli.json ? text : `${formatShardPlan(planned.file, path.relative(process.cwd(), out) || out, planned.warnings)}\n`,
  );
  return EXIT.ok;
}

async function runPlanCommand(opts: Record<string, unknown>, { run, cli }: ParsedFlags, io: IO) {
  const shard = typeof opts.shard === 'string' ? parseShardArg(opts.shard) : undefined;
  const out = typeof opts.out === 'string' ? opts.out : undefined;
  const progress = createProgress(io.stderr, { live: live(io) });
  let runId: string | null = null;
  const signals = interruptions(io, progress, Boolean(cli.json), () => runId);
  let result: Awaited<ReturnType<typeof runFromPlan>>;
  try {
    result = await runFromPlan({
      ...run,
      planFile: path.resolve(String(opts.plan)),
      ...(shard ? { shard } : {}),
      ...(out !== undefined ? { out: path.resolve(out) } : {}),
      indexer: io.indexThread && threadIndexer(io.indexThread),
      stop: signals.stop,
      signal: signals.abort,
      onEvent: (event) => {
        if (event.type === 'run-start') runId = event.runId;
        progress.onEvent(event);
      },
    });
  } finally {
    signals.dispose();
    progress.stop();
  }
  const { report, bundle, how } = result;
  if (cli.json) io.stdout.write(`${JSON.stringify({ how, bundle, report }, null, 2)}\n`);
  else {
    const text =
      report.status === 'dry-run' ? formatDryRun(report) : await formatRunOutput(report, Boolean(io.stdout.isTTY));
    io.stdout.write(`${text}\n${bundle && out ? `${formatBundleLine(bundle, out, how)}\n` : ''}`);
  }
  return runExitCode(report);
}

/** Whether progress is one live line: stderr is a terminal and not a CI log. */
function live(io: IO): boolean {
  return Boolean(io.stderr.isTTY) && !process.env.CI;
}
