import { describe, expect, it, vi } from 'vitest';
import { docstringKind } from '@orchestrate/jobs';
import { jobContext } from '../src/job/context.js';
import { capTokens, estimateTokens } from '../src/tokens.js';
import { docstringTargets } from './fixtures.js';

const body = Array.from({ length: 120 }, (_, i) => `  const v${i} = total + ${i} * factor; // step ${i}`).join('\n');
const SOURCE = `export interface Totals { sum: number }\n\nexport function total(items: number[], factor: number): Totals {\n${body}\n  return { sum: 0 };\n}\n`;

function setup() {
  const { kinds, targets } = docstringTargets('src/total.ts', SOURCE);
  return { kinds, target: targets.find((t) => t.declaration!.symbol === 'total')! };
}

describe('jobContext', () => {
  it("is the kind's context pack cut to the per-job cap, as capTokens cuts it", () => {
    const { kinds, target } = setup();
    const full = docstringKind.contextPack(target, kinds);
    expect(jobContext(target, kinds, 100_000)).toBe(full);
    const cut = jobContext(target, kinds, 300);
    expect(cut).toBe(capTokens(full, 300).text);
    expect(estimateTokens(cut)).toBeLessThanOrEqual(300);
    expect(cut).toContain('cut to fit the context budget');
  });

  it("builds a job's context once for the packing, the call and the estimate, and again only for another cap or run", () => {
    const { kinds, target } = setup();
    const spy = vi.spyOn(docstringKind, 'contextPack');
    try {
      const first = jobContext(target, kinds, 3_000);
      expect(jobContext(target, kinds, 3_000)).toBe(first);
      expect(jobContext(target, kinds, 3_000)).toBe(first);
      expect(spy).toHaveBeenCalledTimes(1);
      jobContext(target, kinds, 300);
      expect(spy).toHaveBeenCalledTimes(2);
      jobContext(target, { ...kinds }, 300);
      expect(spy).toHaveBeenCalledTimes(3);
    } finally {
      spy.mockRestore();
    }
  });
});
