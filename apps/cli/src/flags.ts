import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULTS, InternalError } from '@orchestrate/core';
import { SEVERITIES, type RunTaskOptions, type Severity } from '@orchestrate/engine';

/** What a flag can hold. */
type Leaf = string | number | boolean;

/** How a flag takes its value; its type follows the option it sets, so a flag of the wrong type does not compile. */
type FlagValue<T> = [T] extends [boolean]
  ? {
      arg?: never;
      parse?: never;
      choices?: never;
      /** What `--help` says of `--no-<long>`, when it exists. */
      negate?: string;
    }
  : [T] extends [string]
    ? string extends T
      ? { arg: `<${string}>`; parse?: (raw: string) => T; choices?: never; negate?: never }
      : { arg: `<${string}>`; choices: readonly T[]; parse?: never; negate?: never }
    : { arg: `<${string}>`; parse: (raw: string) => T; choices?: never; negate?: never };

/** One command-line flag, declared once: its name, what `--help` says, where its default comes from, its parser. */
export type Flag<T> = {
  /** `--<long>`; commander names the value after it (`--dry-run` → `dryRun`). */
  long: string;
  short?: string;
  description: string;
  /**
   * Where the value comes from when the flag is not given, as `--help` shows it. Never applied here: the engine
   * resolves defaults (the config file's, then its own), so a default written here would override the config.
   */
  default?: string;
} & FlagValue<T>;

/** Options a flag cannot set: callbacks, signals and open-ended records. */
type NotAFlag = ((...args: never[]) => unknown) | AbortSignal;

/** The dotted paths of an options type's leaves (`cwd`, `models.planner`, `review.workingTree`). */
export type LeafPaths<O> = {
  [K in keyof O & string]-?: NonNullable<O[K]> extends Leaf
    ? K
    : NonNullable<O[K]> extends NotAFlag
      ? never
      : string extends keyof NonNullable<O[K]>
        ? never
        : `${K}.${LeafPaths<NonNullable<O[K]>>}`;
}[keyof O & string];

/** The type of the leaf at a dotted path. */
export type At<O, P extends string> = P extends `${infer K}.${infer R}`
  ? K extends keyof O
    ? At<NonNullable<O[K]>, R>
    : never
  : P extends keyof O
    ? NonNullable<O[P]>
    : never;

/** Flags keyed by the option each sets (vitest's `CLIOptions<Config>`): a key that is no option does not compile. */
export type FlagsFor<O> = { [P in LeafPaths<O>]?: Flag<At<O, P>> };

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

function positiveUsd(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!value.trim() || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(`${flag} needs a positive number of USD, e.g. ${flag} 0.50`);
    }
    return n;
  };
}

function concurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new InvalidArgumentError('--concurrency needs a whole number from 1 to 256');
  }
  return n;
}

const model = (role: keyof typeof DEFAULTS.models): Flag<string> => ({
  long: role,
  arg: '<model>',
  description: `the ${role} model`,
  default: `${DEFAULTS.models[role]}, or the config's models.${role}`,
});

/** The flags that set `runTask()` options. */
export const RUN_FLAGS = {
  dryRun: {
    long: 'dry-run',
    description: 'show the plan, the jobs and the estimated tokens and $ per model; spend nothing on jobs',
  },
  batch: {
    long: 'batch',
    description:
      'send worker and verifier calls through the OpenAI Batch API (half price; waits for the batches)',
  },
  detach: {
    long: 'detach',
    description: 'with --batch: submit the batch and exit; `orchestrate resume <run-id>` collects it',
  },
  cwd: { long: 'cwd', short: 'C', arg: '<dir>', description: 'run in this repository', default: 'the current directory' },
  engine: {
    long: 'engine',
    arg: '<engine>',
    description: 'auto = openai when an API key is configured, else offline',
    choices: ['auto', 'openai', 'offline'],
  },
  concurrency: {
    long: 'concurrency',
    arg: '<n>',
    description: 'model calls in flight at once',
    default: `${DEFAULTS.concurrency}, or the config's`,
    parse: concurrency,
  },
  budgetUsd: {
    long: 'budget',
    arg: '<usd>',
    description: 'hard cap on spend in USD',
    default: "none, or the config's budgetUsd",
    parse: positiveUsd('--budget'),
  },
  'models.planner': model('planner'),
  'models.worker': model('worker'),
  'models.verifier': model('verifier'),
  configFile: {
    long: 'config',
    arg: '<file>',
    description: 'use this config file instead of agents.config.ts at the repository root',
    // Relative to where orchestrate was started; the engine wants it absolute.
    parse: (file) => path.resolve(file),
  },
  'review.workingTree': {
    long: 'working-tree',
    description: 'include uncommitted changes (read only; the default when no <head> is given)',
    negate: 'review committed changes only',
  },
} satisfies FlagsFor<RunTaskOptions>;

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
    if (flag.parse) option.argParser(flag.parse);
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
