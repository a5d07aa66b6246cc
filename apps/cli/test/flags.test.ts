import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { addFlags, COMMON_FLAGS, readFlags } from '../src/flags.js';

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
    expect(parse(keys, ['-C', 'd', '--engine', 'offline', '--planning', 'model', '--fail-on', 'note'])).toEqual({
      run: { cwd: 'd', engine: 'offline', planning: 'model' },
      cli: { failOn: 'note' },
    });
  });

  it('refuses values the parsers and choices refuse', () => {
    expect(() => parse(COMMON_FLAGS, ['--concurrency', '0'])).toThrow(/whole number from 1 to 256/);
    expect(() => parse(COMMON_FLAGS, ['--budget', '-1'])).toThrow(/positive number of USD/);
    expect(() => parse(COMMON_FLAGS, ['--engine', 'magic'])).toThrow(/Allowed choices/);
    expect(() => parse(COMMON_FLAGS, ['--planning', 'always'])).toThrow(/Allowed choices/);
  });
});
