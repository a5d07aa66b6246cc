import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Command } from 'commander';
import type { RunTaskOptions } from '@orchestrate/engine';
import { addFlags, COMMON_FLAGS, readFlags, type FlagsFor, type LeafPaths } from '../src/flags.js';

/** Parses `argv` with the flags `keys` declared from the table, as the CLI does. */
function parse(keys: Parameters<typeof readFlags>[1], argv: string[]) {
  const cmd = addFlags(new Command('t').exitOverride().configureOutput({ writeErr: () => {} }), keys);
  cmd.parse(argv, { from: 'user' });
  return readFlags(cmd.opts(), keys);
}

describe('flags table', () => {
  it('sets the runTask() options the flags name, nested ones too; a flag not given sets nothing', () => {
    const keys = [...COMMON_FLAGS, 'dryRun', 'review.workingTree', 'failOn'] as const;
    const flags = parse(keys, ['--budget', '0.5', '--worker', 'w', '--config', 'c.ts', '--no-working-tree', '--json']);
    expect(flags.run).toEqual({
      budgetUsd: 0.5,
      models: { worker: 'w' },
      configFile: path.resolve('c.ts'),
      review: { workingTree: false },
    });
    expect(flags.cli).toEqual({ json: true });
    expect(parse(keys, [])).toEqual({ run: {}, cli: {} });
    expect(parse(keys, ['-C', 'd', '--engine', 'offline', '--fail-on', 'note'])).toEqual({
      run: { cwd: 'd', engine: 'offline' },
      cli: { failOn: 'note' },
    });
  });

  it('refuses values the parsers and choices refuse', () => {
    expect(() => parse(COMMON_FLAGS, ['--concurrency', '0'])).toThrow(/whole number from 1 to 256/);
    expect(() => parse(COMMON_FLAGS, ['--budget', '-1'])).toThrow(/positive number of USD/);
    expect(() => parse(COMMON_FLAGS, ['--engine', 'magic'])).toThrow(/Allowed choices/);
  });

  it('is typed against RunTaskOptions: a flag for no option, or of the wrong type, does not compile', () => {
    expectTypeOf<'models.planner'>().toMatchTypeOf<LeafPaths<RunTaskOptions>>();
    expectTypeOf<'review.workingTree'>().toMatchTypeOf<LeafPaths<RunTaskOptions>>();
    // @ts-expect-error a callback is no flag
    const onEvent: FlagsFor<RunTaskOptions> = { onEvent: { long: 'on-event', description: 'x' } };
    // @ts-expect-error `budget` is no option (the option is budgetUsd)
    const budget: FlagsFor<RunTaskOptions> = { budget: { long: 'budget', arg: '<usd>', description: 'x', parse: Number } };
    // @ts-expect-error a number needs a parser
    const noParser: FlagsFor<RunTaskOptions> = { concurrency: { long: 'concurrency', arg: '<n>', description: 'x' } };
    // @ts-expect-error a parser of the wrong type
    const wrong: FlagsFor<RunTaskOptions> = { concurrency: { long: 'c', arg: '<n>', description: 'x', parse: String } };
    // @ts-expect-error a choice the option does not take
    const choice: FlagsFor<RunTaskOptions> = { engine: { long: 'engine', arg: '<e>', description: 'x', choices: ['magic'] } };
    // @ts-expect-error a boolean takes no value
    const value: FlagsFor<RunTaskOptions> = { dryRun: { long: 'dry-run', arg: '<x>', description: 'x' } };
    expect([onEvent, budget, noParser, wrong, choice, value]).toHaveLength(6);
  });
});
