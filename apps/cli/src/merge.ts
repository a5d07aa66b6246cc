// `orchestrate merge <dir>…`: parses the arguments, hands them to the engine's mergeShards, renders the report.
import type { Command } from 'commander';
import { formatMerge, mergeShards, mergeSummary, runExitCode } from '@orchestrate/engine';
import { guarded, type IO } from './guard.js';
import { EXIT, MERGE_HELP } from './help.js';
import { assertOwnFlags } from './own-flags.js';

/** Declares `merge` on the program; `merged` gives its options over the program's, `done` the exit code. */
export function addMergeCommand(
  program: Command,
  io: IO,
  merged: (own: Record<string, unknown>) => Record<string, unknown>,
  done: (exit: number) => void,
): void {
  program
    .command('merge')
    .argument('<dir...>', 'the bundle dirs of the shards (`--out` of each `orchestrate run --plan … --shard i/N`)')
    .option('-C, --cwd <dir>', 'run in this repository')
    .option('--json', "print the merged run's summary as JSON (errors too)")
    .description("Merge the shards' bundles of one plan onto one run branch, with one report")
    .addHelpText('after', MERGE_HELP)
    .action(async (dirs: string[], own: Record<string, unknown>, cmd: Command) => {
      const opts = merged(own) as { cwd?: string; json?: boolean };
      done(
        await guarded(io, opts.json, async () => {
          assertOwnFlags(program, cmd);
          const onEvent = opts.json
            ? undefined
            : (e: { type: string; message?: string }) => {
                if (e.type === 'warning' && e.message) io.stderr.write(`warning: ${e.message}\n`);
              };
          const report = await mergeShards({ cwd: opts.cwd, dirs, onEvent });
          io.stdout.write(`${opts.json ? JSON.stringify(mergeSummary(report), null, 2) : formatMerge(report)}\n`);
          return report.shards?.missing.length ? EXIT.failures : runExitCode(report);
        }),
      );
    });
}
