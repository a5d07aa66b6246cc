import { describe, expect, it, vi } from 'vitest';
import { docstringKind } from '@orchestrate/jobs';
import { contextParts, jobContext, packContexts, packTokens, sharedSection } from '../src/job/context.js';
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

const THREE = [1, 2, 3].map((i) => `export function f${i}(x: number): number {\n  return x + ${i};\n}\n`).join('\n');
const AGENTS = '# Guide\n\n## Code style\n\nWrite TSDoc in plain sentences.\n';

/** Three docstring jobs of one file, with a root AGENTS.md or without one. */
function three(agents: boolean) {
  const { kinds, targets } = docstringTargets('src/three.ts', THREE);
  const docs = [{ path: 'AGENTS.md', text: AGENTS }];
  return { kinds: agents ? { ...kinds, agentsMdFor: () => docs } : kinds, targets };
}

describe('packContexts', () => {
  it('sends the conventions block the jobs of a pack share once, and counts it once', () => {
    const { kinds, targets } = three(true);
    const whole = targets.map((t) => jobContext(t, kinds, 3_000));
    const { items, shared } = packContexts(targets, kinds, 3_000);
    expect(shared).toMatch(/^Repository conventions \(AGENTS\.md\):\n/);
    expect(shared).toContain('Write TSDoc in plain sentences.');
    // Each item is its job's context without the block, which ended it.
    items.forEach((item, i) => expect(`${item}\n${shared}`).toBe(whole[i]));
    for (const item of items) expect(item).not.toContain('Repository conventions');
    expect(contextParts(targets, kinds, 3_000)).toEqual([...items, sharedSection(shared)]);
    const parts = [...items, sharedSection(shared)].reduce((n, p) => n + estimateTokens(p), 0);
    expect(packTokens(targets, kinds, 3_000)).toBe(parts);
    expect(parts).toBeLessThan(whole.reduce((n, c) => n + estimateTokens(c), 0));
  });

  it('keeps contexts whole for one job, without AGENTS.md, or when the cap cut them', () => {
    const withAgents = three(true);
    const one = packContexts(withAgents.targets.slice(0, 1), withAgents.kinds, 3_000);
    expect(one).toEqual({ items: [jobContext(withAgents.targets[0]!, withAgents.kinds, 3_000)], shared: '' });
    const plain = three(false);
    expect(packContexts(plain.targets, plain.kinds, 3_000)).toEqual({
      items: plain.targets.map((t) => jobContext(t, plain.kinds, 3_000)),
      shared: '',
    });
    expect(packTokens(plain.targets, plain.kinds, 3_000)).toBe(
      plain.targets.reduce((n, t) => n + estimateTokens(jobContext(t, plain.kinds, 3_000)), 0),
    );
    const cut = three(true);
    const tight = estimateTokens(jobContext(cut.targets[0]!, cut.kinds, 3_000)) - 5;
    const packed = packContexts(cut.targets, cut.kinds, tight);
    expect(packed.shared).toBe('');
    expect(packed.items).toEqual(cut.targets.map((t) => jobContext(t, cut.kinds, tight)));
  });

  it('keeps contexts whole when the jobs end with different blocks', () => {
    const { kinds, targets } = three(true);
    let calls = 0;
    // A lookup that gives each file a new chain: the second job's block differs from the first's.
    const differing = {
      ...kinds,
      agentsMdFor: () => [{ path: 'AGENTS.md', text: `${AGENTS}\n## Code ${++calls}\n\nRule ${calls}.\n` }],
    };
    const packed = packContexts(targets.slice(0, 2), differing, 3_000);
    expect(packed.shared).toBe('');
    expect(packed.items[0]).toContain('Rule 1.');
    expect(packed.items[1]).not.toContain('Rule 1.');
    expect(packed.items).toEqual(targets.slice(0, 2).map((t) => jobContext(t, differing, 3_000)));
  });
});
