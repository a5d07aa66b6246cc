import { InvalidArgumentError, Option, type Command } from 'commander';
import { InternalError, UsageError } from '@orchestrate/core';
import { RUN_FLAGS, SEVERITIES, type FlagsFor, type RunTaskOptions, type Severity } from '@orchestrate/engine';

/** What only the CLI does with a flag: the engine has no option for these. */
export interface CliOnlyOptions {
  /** The report (or an error) as JSON on stdout. */
  json?: boolean;
  /** Do not ask before spending. */
  yes?: boolean;
  /** Review output files (written by `writeReviewFiles`). */
  sarif?: string;
  markdown?: string;
  /** The `--fail-on` policy. */
  failOn?: Severity;
}

/** The flags only the CLI acts on. */
export const CLI_FLAGS = {
  json: { long: 'json', description: 'print the final report as JSON on stdout (progress goes to stderr); errors too' },
  yes: { long: 'yes', short: 'y', description: 'do not ask for confirmation (implied when stdin is not a TTY)' },
  sarif: { long: 'sarif', arg: '<file>', description: 'write SARIF 2.1.0 (GitHub code scanning)' },
  failOn: {
    long: 'fail-on',
    arg: '<severity>',
    description: 'exit 1 when a finding has this severity or worse (for CI)',
    choices: [...SEVERITIES].reverse(),
  },
  markdown: { long: 'markdown', arg: '<file>', description: 'write a Markdown summary' },
} satisfies FlagsFor<CliOnlyOptions>;

/** A flag's key: the option it sets. */
export type FlagKey = keyof typeof RUN_FLAGS | keyof typeof CLI_FLAGS;

/** The flags every running command takes (the task form, review, resume), in `--help` order. */
export const COMMON_FLAGS = [
  'cwd',
  'engine',
  'concurrency',
  'budgetUsd',
  'planning',
  'models.planner',
  'models.worker',
  'models.verifier',
  'configFile',
  'json',
] as const satisfies readonly FlagKey[];

/** Any flag, as the code that turns flags into commander options sees it. */
interface AnyFlag {
  long: string;
  short?: string;
  description: string;
  default?: string;
  arg?: string;
  parse?: (raw: string) => unknown;
  choices?: readonly string[];
  negate?: string;
}

function flagOf(key: FlagKey): AnyFlag {
  const flag = key in RUN_FLAGS ? RUN_FLAGS[key as keyof typeof RUN_FLAGS] : CLI_FLAGS[key as keyof typeof CLI_FLAGS];
  if (!flag) throw new InternalError(`no flag ${key}`);
  return flag as AnyFlag;
}

/** Declares `keys` on `cmd` as commander options, with a description of its own for some (e.g. resume's --detach). */
export function addFlags(
  cmd: Command,
  keys: readonly FlagKey[],
  descriptions: Partial<Record<FlagKey, string>> = {},
): Command {
  for (const key of keys) {
    const flag = flagOf(key);
    const text = descriptions[key] ?? flag.description;
    const names = `${flag.short ? `-${flag.short}, ` : ''}--${flag.long}${flag.arg ? ` ${flag.arg}` : ''}`;
    const option = new Option(names, flag.default ? `${text} (default: ${flag.default})` : text);
    if (flag.choices) option.choices(flag.choices);
    const parse = flag.parse;
    // The table's parsers throw E_USAGE; commander reports an InvalidArgumentError as its own usage error (exit 2).
    if (parse) {
      option.argParser((raw: string) => {
        try {
          return parse(raw);
        } catch (err) {
          throw err instanceof UsageError ? new InvalidArgumentError(err.message) : err;
        }
      });
    }
    cmd.addOption(option);
    if (flag.negate) cmd.addOption(new Option(`--no-${flag.long}`, flag.negate));
  }
  return cmd;
}

/** What a command's flags set, split into `runTask()` options and the CLI's own. */
export interface ParsedFlags {
  run: Partial<RunTaskOptions>;
  cli: CliOnlyOptions;
}

/**
 * Reads the values of `keys` from commander's parsed options into the options they set: a flag not given sets
 * nothing, so the config file and the engine's defaults stay in charge.
 */
export function readFlags(opts: Record<string, unknown>, keys: readonly FlagKey[]): ParsedFlags {
  const run: Record<string, unknown> = {};
  const cli: Record<string, unknown> = {};
  for (const key of keys) {
    // Commander's name of the value: `--dry-run` → `dryRun`.
    const value = opts[new Option(`--${flagOf(key).long}`).attributeName()];
    if (value === undefined) continue;
    const [head, ...rest] = key.split('.') as [string, ...string[]];
    const target = key in RUN_FLAGS ? run : cli;
    if (!rest.length) target[head] = value;
    else target[head] = { ...(target[head] as object | undefined), [rest.join('.')]: value };
  }
  return { run: run as Partial<RunTaskOptions>, cli: cli as CliOnlyOptions };
}
