// conventionsFor over a root → leaf chain, and the conventions block every kind's context pack ends with.
import { indexFiles } from '@orchestrate/repo';
import { describe, expect, it } from 'vitest';
import { agentsLookup, type AgentsDoc } from '../src/agents-chain.js';
import { conventionsBlock, conventionsFor, estimateTokens } from '../src/conventions.js';
import { kindContextFor, type JobTarget, type KindContext } from '../src/kind.js';
import { jobKind } from '../src/registry.js';
import type { PlanStep } from '@orchestrate/core';

const topic = { kind: 'docstring', kindWords: jobKind('docstring').conventionWords, file: 'src/a.ts', keywords: [] };

describe('conventionsFor over a chain', () => {
  it('renders the kept sections root → leaf, each file’s under a (from <path>) line', () => {
    const chain: AgentsDoc[] = [
      { path: 'AGENTS.md', text: '# Guide\n\n## Code style\n\nSingle quotes.\n\n## Releasing\n\nChangesets.\n' },
      { path: 'src/AGENTS.md', text: '## Code style\n\nNo default exports.\n' },
    ];
    const out = conventionsFor(chain, topic, 400);
    expect(out).toBe(
      '(from AGENTS.md)\n# Guide\n\n## Code style\n\nSingle quotes.\n\n(from src/AGENTS.md)\n## Code style\n\nNo default exports.',
    );
  });

  it('the nearer file wins ties: with room for one of two equal sections, the leaf’s is kept', () => {
    const same = '## Code style\n\nIndent with two spaces.\n';
    const chain: AgentsDoc[] = [
      { path: 'AGENTS.md', text: same.replace('two', 'four') },
      { path: 'src/AGENTS.md', text: same },
    ];
    const room = estimateTokens(`(from src/AGENTS.md)\n${same.trim()}`) + 1;
    const out = conventionsFor(chain, topic, room);
    expect(out).toBe(`(from src/AGENTS.md)\n${same.trim()}`);
    // The root's section still wins when it applies more (its heading names the kind).
    const docs: AgentsDoc[] = [
      { path: 'AGENTS.md', text: '## Documentation\n\nTSDoc on every export.\n' },
      { path: 'src/AGENTS.md', text: same },
    ];
    expect(conventionsFor(docs, topic, room)).toContain('TSDoc on every export.');
  });

  it('a nested file applies to its folder by where it lives: its sections are kept without a keyword hit', () => {
    const chain: AgentsDoc[] = [
      { path: 'AGENTS.md', text: '## Setup\n\nRun pnpm install.\n' },
      { path: 'src/AGENTS.md', text: 'Money is an integer number of cents.\n' },
    ];
    expect(conventionsFor(chain, topic, 400)).toBe('(from src/AGENTS.md)\nMoney is an integer number of cents.');
  });

  it('stays under maxTokens, labels included, and is empty without a section that applies', () => {
    const long = Array.from({ length: 40 }, (_, i) => `- Code rule ${i}: keep it short.`).join('\n');
    const chain: AgentsDoc[] = [
      { path: 'AGENTS.md', text: `## Code style\n\n${long}\n` },
      { path: 'src/AGENTS.md', text: `## Style\n\n${long}\n` },
    ];
    for (const cap of [10, 30, 60, 120, 400])
      expect(estimateTokens(conventionsFor(chain, topic, cap))).toBeLessThanOrEqual(cap);
    expect(conventionsFor([{ path: 'AGENTS.md', text: '## Setup\n\nInstall.\n' }], topic, 400)).toBe('');
    expect(conventionsFor([], topic, 400)).toBe('');
    expect(conventionsFor(chain, topic, 0)).toBe('');
  });
});

const MATH = [
  'export function add(a: number, b: number): number {',
  '  return a + b;',
  '}',
  '',
  'export function later(): number {',
  "  throw new Error('not implemented');",
  '}',
  '',
].join('\n');
const step = (over: Partial<PlanStep> = {}): PlanStep => ({
  id: 'step-1',
  kind: 'docstring',
  variant: null,
  selector: {
    paths: [],
    declarationKinds: [],
    names: [],
    exportedOnly: false,
    missingDocsOnly: true,
    changedSince: null,
  },
  instructions: '',
  ...over,
});

function target(ctx: KindContext, over: Partial<PlanStep> = {}): JobTarget {
  const [first] = jobKind(over.kind ?? 'docstring').select(step(over), ctx);
  return first!;
}

describe('conventionsBlock and the kinds’ context packs', () => {
  const files = indexFiles([{ path: 'src/math.ts', text: MATH }]);
  const AGENTS = new Map([
    ['AGENTS.md', '# Guide\n\n## Code style\n\nTSDoc on every export.\n\n## Releasing\n\nChangesets.\n'],
    ['src/AGENTS.md', '## Code style\n\nNo default exports.\n'],
    ['lib/AGENTS.md', '## Code style\n\nSibling rules.\n'],
  ]);

  it('is empty without AGENTS files, so every kind’s pack is what it was', () => {
    const bare = kindContextFor(files);
    const none = kindContextFor(files, { agentsMdFor: agentsLookup(new Map(), 32_768).agentsMdFor });
    for (const kind of ['docstring', 'custom', 'boilerplate'] as const) {
      const over = kind === 'boilerplate' ? { kind, variant: 'bodies' } : { kind };
      const t = target(bare, over);
      expect(conventionsBlock(t, none)).toBe('');
      expect(jobKind(kind).contextPack(t, none)).toBe(jobKind(kind).contextPack(t, bare));
    }
  });

  it('appends the chain’s sections (root first, no sibling folder’s) to every kind’s pack, under agentsMdTokens', () => {
    const ctx = kindContextFor(files, {
      agentsMdFor: agentsLookup(AGENTS, 32_768).agentsMdFor,
      agentsMdTokens: 400,
      changed: new Map([['src/math.ts', [{ start: 2, end: 2 }]]]),
    });
    for (const over of [
      { kind: 'docstring' as const },
      { kind: 'custom' as const, instructions: 'rename a to left' },
      { kind: 'boilerplate' as const, variant: 'bodies' },
      { kind: 'reformat' as const, variant: 'conventions', instructions: 'use const' },
      { kind: 'review' as const },
    ]) {
      const pack = jobKind(over.kind).contextPack(target(ctx, over), ctx);
      const block = pack.slice(pack.indexOf('Repository conventions (AGENTS.md):'));
      expect(block.indexOf('(from AGENTS.md)'), over.kind).toBeGreaterThan(0);
      expect(block.indexOf('(from src/AGENTS.md)')).toBeGreaterThan(block.indexOf('(from AGENTS.md)'));
      expect(block).toContain('No default exports.');
      expect(block).not.toContain('Sibling rules.');
      expect(block).not.toContain('Changesets.');
      expect(estimateTokens(block)).toBeLessThanOrEqual(400);
    }
    const small = { ...ctx, agentsMdTokens: 20 };
    const block = conventionsBlock(target(small), small);
    expect(estimateTokens(block)).toBeLessThanOrEqual(20);
    expect(conventionsBlock(target(ctx), { ...ctx, agentsMdTokens: 0 })).toBe('');
  });

  it('gives the packable docstring jobs of one file one block; another kind matches the declaration’s name', () => {
    const named = new Map([['src/AGENTS.md', '## Code style\n\nTabs.\n\n## later\n\nThrow a NotReady error.\n']]);
    const ctx = kindContextFor(files, { agentsMdFor: agentsLookup(named, 32_768).agentsMdFor, agentsMdTokens: 30 });
    const [add, later] = jobKind('docstring').select(step(), ctx);
    const blockOf = (pack: string) => pack.slice(pack.indexOf('Repository conventions'));
    expect(blockOf(jobKind('docstring').contextPack(add!, ctx))).toBe(
      blockOf(jobKind('docstring').contextPack(later!, ctx)),
    );
    const custom = jobKind('custom').select(step({ kind: 'custom' }), ctx);
    const laterCustom = custom.find((t) => t.job.symbol === 'later')!;
    expect(conventionsBlock(laterCustom, ctx, { bySymbol: true })).toContain('NotReady');
  });

  it('still reads the root text of a caller that gives `agentsMd` alone', () => {
    const ctx = kindContextFor(files, { agentsMd: '## Code style\n\nTSDoc on every export.\n' });
    expect(conventionsBlock(target(ctx), ctx)).toBe(
      'Repository conventions (AGENTS.md):\n(from AGENTS.md)\n## Code style\n\nTSDoc on every export.',
    );
  });
});
