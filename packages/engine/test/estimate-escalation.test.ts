// The estimate's high figure counts self-escalation: the run's cap of jobs worked again on the verifier's model.
import { describe, expect, it } from 'vitest';
import { resolveConfig, UsageLedger } from '@orchestrate/core';
import { escalationCap } from '../src/job/escalation.js';
import { estimateRun } from '../src/estimate.js';
import { docstringTargets } from './fixtures.js';

const FILE = Array.from(
  { length: 10 },
  (_, i) => `export function f${i}(x: number): number {\n  return x + ${i};\n}\n`,
).join('\n');

/** The estimate of the file's ten docstring jobs under `ladder` (verified by default). */
function estimate(ladder: Record<string, unknown>) {
  const config = resolveConfig({ ladder });
  const { kinds, targets } = docstringTargets('src/math.ts', FILE);
  return { config, estimate: estimateRun(targets, config, new UsageLedger(config.prices, null), false, kinds) };
}

describe('estimateRun and self-escalation', () => {
  it("adds the cap's jobs at the verifier model's price, with the full worker output, to the high figure only", () => {
    const off = estimate({ selfEscalate: false });
    const on = estimate({ maxSelfEscalations: 0.2 });
    const { config } = on;
    const verifier = config.models.verifier;
    const extra = on.estimate.costUsdHigh - off.estimate.costUsdHigh;
    const max = escalationCap(10, 0.2).max;
    expect(max).toBe(2);
    // At least the output of two jobs at the verifier's price; the low figure and the call counts do not move.
    const outputOnly = new UsageLedger(config.prices, null).worstCase(verifier, 0, max * config.maxOutputTokens.worker);
    expect(extra).toBeGreaterThan(outputOnly);
    expect(extra).toBeLessThan(outputOnly * 2);
    expect(on.estimate.perModel[verifier]!.calls).toBe(off.estimate.perModel[verifier]!.calls);
    expect(on.estimate.perModel[verifier]!.costUsdLow).toBeCloseTo(off.estimate.perModel[verifier]!.costUsdLow, 10);
    // No verifier-model rung, or a share of 0: nothing is added.
    expect(estimate({ escalate: false }).estimate.perModel[verifier]!.costUsdHigh).toBeCloseTo(
      off.estimate.perModel[verifier]!.costUsdHigh,
      10,
    );
    expect(estimate({ maxSelfEscalations: 0 }).estimate.costUsdHigh).toBeLessThan(on.estimate.costUsdHigh);
  });
});
