// A subcommand takes only its own flags: commander hands the program's flags (`--batch`, `--detach`…) to it from
// anywhere on the line, so one it does not declare would be silently ignored.
import type { Command } from 'commander';
import { UsageError } from '@orchestrate/core';

/**
 * E_USAGE naming the first flag written on the command line that the program declares but `sub` does not (it would
 * change nothing there), with `orchestrate <sub> --help` to see what it takes.
 */
export function assertOwnFlags(program: Command, sub: Command): void {
  const own = new Set(sub.options.map((o) => o.attributeName()));
  for (const option of program.options) {
    const key = option.attributeName();
    if (own.has(key) || program.getOptionValueSource(key) !== 'cli') continue;
    const name = option.long ?? option.short ?? key;
    throw new UsageError(
      `orchestrate ${sub.name()} does not take ${name}: it would change nothing there. ` +
        `Run \`orchestrate ${sub.name()} --help\` for the flags it takes.`,
    );
  }
}
