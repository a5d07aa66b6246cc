import { resolveConfig } from '@orchestrate/core';
import { describe, expect, it } from 'vitest';
import { agentsChain, agentsLookup } from '../src/agents-chain.js';

const docs = (entries: Record<string, string>) => new Map(Object.entries(entries));

const TREE = docs({
  'AGENTS.md': '# Root\n\nUse pnpm.\n',
  'package.json': '{}',
  'packages/AGENTS.md': '# Packages\n\nOne README each.\n',
  'packages/api/AGENTS.md': '# API (shadowed)\n',
  'packages/api/AGENTS.override.md': '# API override\n\nNo default exports.\n',
  'packages/api/src/AGENTS.md': ' \n\t\n',
  'packages/web/AGENTS.md': '# Web\n\nReact only.\n',
  'packages/apiary/AGENTS.md': '# A folder whose name starts like api\n',
});

const paths = (chain: { docs: { path: string }[] }) => chain.docs.map((d) => d.path);

describe('agentsChain', () => {
  it('walks from the root down to the file’s folder, root first, so the nearest file comes last', () => {
    const chain = agentsChain(TREE, 'packages/api/src/routes/users.ts', 32_768);
    expect(paths(chain)).toEqual(['AGENTS.md', 'packages/AGENTS.md', 'packages/api/AGENTS.override.md']);
    expect(chain.docs[0]!.text).toBe('# Root\n\nUse pnpm.\n');
    expect(chain).toMatchObject({ truncated: false, cutAt: null });
  });

  it('takes AGENTS.override.md over AGENTS.md in a folder, and an empty override falls back to AGENTS.md', () => {
    const chain = agentsChain(TREE, 'packages/api/index.ts', 32_768);
    expect(paths(chain)).toContain('packages/api/AGENTS.override.md');
    expect(paths(chain)).not.toContain('packages/api/AGENTS.md');
    const emptyOverride = docs({ 'src/AGENTS.override.md': '\n', 'src/AGENTS.md': 'Tabs.\n' });
    expect(paths(agentsChain(emptyOverride, 'src/a.ts', 100))).toEqual(['src/AGENTS.md']);
  });

  it('skips empty and whitespace-only files', () => {
    expect(paths(agentsChain(TREE, 'packages/api/src/a.ts', 32_768))).not.toContain('packages/api/src/AGENTS.md');
    expect(agentsChain(docs({ 'AGENTS.md': '' }), 'a.ts', 100).docs).toEqual([]);
  });

  it('never takes a sibling folder’s file, nor one of a folder that only starts like the file’s', () => {
    const chain = agentsChain(TREE, 'packages/api/a.ts', 32_768);
    expect(paths(chain)).not.toContain('packages/web/AGENTS.md');
    expect(paths(chain)).not.toContain('packages/apiary/AGENTS.md');
    expect(paths(agentsChain(TREE, 'README.ts', 32_768))).toEqual(['AGENTS.md']);
    expect(paths(agentsChain(docs({ 'src/AGENTS.md': 'x' }), 'lib/a.ts', 100))).toEqual([]);
  });

  it('caps the chain in UTF-8 bytes: the file crossing the cap is cut at a character boundary, the rest left out', () => {
    const tree = docs({ 'AGENTS.md': 'ab', 'src/AGENTS.md': 'é漢字', 'src/deep/AGENTS.md': 'leaf' });
    // 'ab' is 2 bytes, 'é' 2, '漢' 3: 6 bytes end inside '漢', so only 'é' of the second file fits.
    const chain = agentsChain(tree, 'src/deep/x.ts', 6);
    expect(chain.docs).toEqual([
      { path: 'AGENTS.md', text: 'ab' },
      { path: 'src/AGENTS.md', text: 'é' },
    ]);
    expect(chain).toMatchObject({ truncated: true, cutAt: 'src/AGENTS.md' });
    for (let cap = 0; cap <= 14; cap++) {
      const cut = agentsChain(tree, 'src/deep/x.ts', cap);
      const bytes = cut.docs.reduce((n, d) => n + Buffer.byteLength(d.text), 0);
      expect(bytes).toBeLessThanOrEqual(cap);
      expect(cut.docs.map((d) => d.text).join('')).not.toContain('\uFFFD');
    }
    expect(agentsChain(tree, 'src/deep/x.ts', 14)).toMatchObject({ truncated: false });
    expect(agentsChain(tree, 'src/deep/x.ts', 13).docs.at(-1)).toEqual({ path: 'src/deep/AGENTS.md', text: 'lea' });
    // A cut that keeps nothing of a file leaves it out.
    expect(paths(agentsChain(tree, 'src/deep/x.ts', 3))).toEqual(['AGENTS.md']);
  });
});

describe('agentsLookup', () => {
  it('memoizes per folder: the files of one folder share one chain', () => {
    const lookup = agentsLookup(TREE, 32_768);
    const a = lookup.agentsMdFor('packages/api/a.ts');
    expect(lookup.agentsMdFor('packages/api/b.ts')).toBe(a);
    expect(lookup.agentsMdFor('packages/web/a.ts')).not.toBe(a);
    expect(lookup.agentsMdFor('a.ts').map((d) => d.path)).toEqual(['AGENTS.md']);
  });

  it('gives [] and no warning when the commit has no AGENTS file', () => {
    const lookup = agentsLookup(docs({ 'package.json': '{}' }), 32_768);
    expect(lookup.agentsMdFor('src/a.ts')).toEqual([]);
    expect(lookup.warning(['src/a.ts'])).toBeNull();
  });

  it('says once which file the cap cut, and how to fix it', () => {
    const lookup = agentsLookup(docs({ 'AGENTS.md': 'x'.repeat(50), 'src/AGENTS.md': 'y'.repeat(50) }), 60);
    expect(lookup.warning(['a.ts'])).toBeNull();
    const warning = lookup.warning(['a.ts', 'src/a.ts', 'src/b.ts']);
    expect(warning).toContain('src/AGENTS.md was cut');
    expect(warning).toContain('agentsMd.maxBytes (60 bytes)');
    expect(warning!.split('\n')).toHaveLength(1);
  });
});

describe('config agentsMd', () => {
  it('defaults to 32 KiB and 400 tokens, and refuses bad values with E_CONFIG naming the key', () => {
    expect(resolveConfig({}).agentsMd).toEqual({ maxBytes: 32_768, maxTokens: 400 });
    expect(resolveConfig({ agentsMd: { maxTokens: 0 } }).agentsMd).toEqual({ maxBytes: 32_768, maxTokens: 0 });
    for (const [bad, key] of [
      [{ maxBytes: -1 }, 'agentsMd.maxBytes'],
      [{ maxTokens: 2.5 }, 'agentsMd.maxTokens'],
      [{ maxToken: 10 }, 'did you mean `maxTokens`'],
    ] as const) {
      expect(() => resolveConfig({ agentsMd: bad })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
      expect(() => resolveConfig({ agentsMd: bad })).toThrow(key);
    }
  });
});
