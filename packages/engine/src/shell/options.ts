import path from 'node:path';
import { DEFAULTS, UsageError } from '@orchestrate/core';
import type { RunTaskOptions } from '../run-task.js';

// The runTask() options a user sets by name (a CLI flag, an Action input, an MCP tool argument), declared once: the
// name, what help says, where the default comes from, the parser. Typed against RunTaskOptions so the two cannot drift.

/** What a flag can hold. */
export type Leaf = string | number | boolean;

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

/**
 * Parsers of the numeric options, for any shell: `shown` is the name the user typed (`--budget`, the input `budget-usd`),
 * so the E_USAGE message names it; a flag (`--x`) gets an example of its use.
 */
export const OPTION_PARSERS = {
  budgetUsd(shown: string): (raw: string) => number {
    const example = shown.startsWith('-') ? `${shown} 0.50` : '0.50';
    return (value) => {
      const n = Number(value);
      if (!value.trim() || !Number.isFinite(n) || n <= 0) {
        throw new UsageError(`${shown} needs a positive number of USD, e.g. ${example}`);
      }
      return n;
    };
  },
  concurrency(shown: string): (raw: string) => number {
    return (value) => {
      const n = Number(value);
      if (!value.trim() || !Number.isInteger(n) || n < 1 || n > 256) {
        throw new UsageError(`${shown} needs a whole number from 1 to 256`);
      }
      return n;
    };
  },
};

const model = (role: keyof typeof DEFAULTS.models): Flag<string> => ({
  long: role,
  arg: '<model>',
  description: `the ${role} model`,
  default: `${DEFAULTS.models[role]}, or the config's models.${role}`,
});

/** The flags that set `runTask()` options; a parser throws E_USAGE for a value it refuses. */
export const RUN_FLAGS = {
  dryRun: {
    long: 'dry-run',
    description: 'show the plan, the jobs and the estimated tokens and $ per model; spend nothing on jobs',
  },
  batch: {
    long: 'batch',
    description: 'send worker and verifier calls through the OpenAI Batch API (half price; waits for the batches)',
  },
  detach: {
    long: 'detach',
    description: 'with --batch: submit the batch and exit; `orchestrate resume <run-id>` collects it',
  },
  cwd: {
    long: 'cwd',
    short: 'C',
    arg: '<dir>',
    description: 'run in this repository',
    default: 'the current directory',
  },
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
    default: "the config's, else the worker provider's (OpenAI 64)",
    parse: OPTION_PARSERS.concurrency('--concurrency'),
  },
  budgetUsd: {
    long: 'budget',
    arg: '<usd>',
    description: 'hard cap on spend in USD',
    default: "none, or the config's budgetUsd",
    parse: OPTION_PARSERS.budgetUsd('--budget'),
  },
  planning: {
    long: 'planning',
    arg: '<who>',
    description: 'who plans: auto = the rules when they map the task (no planner call), else the planner model',
    choices: ['auto', 'model', 'rules'],
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
