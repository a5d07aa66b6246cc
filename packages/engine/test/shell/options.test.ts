import { describe, expect, expectTypeOf, it } from 'vitest';
import { OPTION_PARSERS, RUN_FLAGS, type FlagsFor, type LeafPaths, type RunTaskOptions } from '../../src/index.js';

describe('RUN_FLAGS', () => {
  it('parsers refuse bad values as E_USAGE', () => {
    expect(() => RUN_FLAGS.concurrency.parse('0')).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => RUN_FLAGS.budgetUsd.parse('')).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    expect(RUN_FLAGS.budgetUsd.parse('0.5')).toBe(0.5);
  });

  it('OPTION_PARSERS name what the user typed: a flag with an example of its use, an input by its name', () => {
    expect(() => RUN_FLAGS.budgetUsd.parse('-1')).toThrow(
      '--budget needs a positive number of USD, e.g. --budget 0.50',
    );
    const budget = OPTION_PARSERS.budgetUsd('budget-usd');
    expect(() => budget('abc')).toThrow('budget-usd needs a positive number of USD, e.g. 0.50');
    expect(() => budget(' ')).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    expect(budget('0.25')).toBe(0.25);
    const concurrency = OPTION_PARSERS.concurrency('concurrency');
    for (const bad of ['', '0', '257', '1.5', 'x'])
      expect(() => concurrency(bad)).toThrow('concurrency needs a whole number from 1 to 256');
    expect(concurrency('8')).toBe(8);
    expect(() => RUN_FLAGS.concurrency.parse('0')).toThrow('--concurrency needs a whole number from 1 to 256');
  });

  it('is typed against RunTaskOptions: a flag for no option, or of the wrong type, does not compile', () => {
    expectTypeOf<'models.planner'>().toMatchTypeOf<LeafPaths<RunTaskOptions>>();
    expectTypeOf<'review.workingTree'>().toMatchTypeOf<LeafPaths<RunTaskOptions>>();
    // @ts-expect-error a callback is no flag
    const onEvent: FlagsFor<RunTaskOptions> = { onEvent: { long: 'on-event', description: 'x' } };
    const budget: FlagsFor<RunTaskOptions> = {
      // @ts-expect-error `budget` is no option (the option is budgetUsd)
      budget: { long: 'budget', arg: '<usd>', description: 'x', parse: Number },
    };
    // @ts-expect-error a number needs a parser
    const noParser: FlagsFor<RunTaskOptions> = { concurrency: { long: 'concurrency', arg: '<n>', description: 'x' } };
    // @ts-expect-error a parser of the wrong type
    const wrong: FlagsFor<RunTaskOptions> = { concurrency: { long: 'c', arg: '<n>', description: 'x', parse: String } };
    const choice: FlagsFor<RunTaskOptions> = {
      // @ts-expect-error a choice the option does not take
      engine: { long: 'engine', arg: '<e>', description: 'x', choices: ['magic'] },
    };
    // @ts-expect-error a boolean takes no value
    const value: FlagsFor<RunTaskOptions> = { dryRun: { long: 'dry-run', arg: '<x>', description: 'x' } };
    expect([onEvent, budget, noParser, wrong, choice, value]).toHaveLength(6);
  });
});
