import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readAgentsMd } from '@orchestrate/repo';
import { afterEach, describe, expect, it } from 'vitest';
import { conventionsFor, estimateTokens } from '../src/conventions.js';
import { jobKind } from '../src/registry.js';

const AGENTS_MD = `# Project guide

This repository is a pnpm monorepo. Be nice.

## Setup

Run \`pnpm install\` then \`pnpm build\`. Needs Node 20.

## Code style

- Use single quotes and no default exports.
- Prefer \`readonly\` arrays.

## Documentation

Every exported function has a TSDoc comment with @param and @returns.

\`\`\`ts
# not a heading: inside a code fence
\`\`\`

## Packages

### packages/billing

Money is always an integer number of cents; never use floats for amounts.

### packages/ui

React components use function components and hooks only.

## Releasing

Bump the version with changesets and publish from CI.
`;

/** A job's topic; the kind's words come from its declaration, as a kind's own call passes them. */
const topic = (over: Partial<Parameters<typeof conventionsFor>[1]> = {}) => ({
  kind: 'docstring',
  kindWords: jobKind(over.kind ?? 'docstring').conventionWords,
  file: 'packages/billing/src/invoice.ts',
  keywords: ['createInvoice'],
  ...over,
});

describe('conventionsFor', () => {
  it('keeps the sections that apply, in their original order, with a subsection’s parent heading', () => {
    const out = conventionsFor(AGENTS_MD, topic(), 1000);
    expect(out).toContain('## Code style');
    expect(out).toContain('## Documentation');
    expect(out).toContain('# not a heading: inside a code fence');
    expect(out).toContain('## Packages\n\n### packages/billing\n\nMoney is always');
    expect(out).not.toContain('Setup');
    expect(out).not.toContain('Releasing');
    expect(out).not.toContain('packages/ui');
    expect(out.indexOf('Code style')).toBeLessThan(out.indexOf('Documentation'));
    expect(out.indexOf('Documentation')).toBeLessThan(out.indexOf('packages/billing'));
  });

  it('scores by the kind, the keywords and the file (directory, extension, tests)', () => {
    const reformat = conventionsFor(
      AGENTS_MD,
      topic({ kind: 'reformat', file: 'packages/ui/src/Button.tsx', keywords: [] }),
      1000,
    );
    expect(reformat).toContain('React components');
    expect(reformat).not.toContain('Money is always');
    expect(reformat).not.toContain('TSDoc');
    const releasing = conventionsFor(
      AGENTS_MD,
      topic({ kind: 'custom', file: 'x.md', keywords: ['changesets'] }),
      1000,
    );
    expect(releasing).toContain('## Releasing');
  });

  it('never returns more than the cap, dropping the weakest sections first and cutting a lone section at a line', () => {
    for (const cap of [1, 5, 20, 40, 60, 100, 1000]) {
      expect(estimateTokens(conventionsFor(AGENTS_MD, topic(), cap))).toBeLessThanOrEqual(cap);
    }
    const small = conventionsFor(AGENTS_MD, topic(), 40);
    expect(small).toContain('Money is always'); // the best section: it is about the file's package
    expect(small).not.toContain('Setup');
    const long = `## Documentation\n\n${'Write a TSDoc comment for every export.\n'.repeat(50)}`;
    const cut = conventionsFor(long, topic(), 30);
    expect(cut.endsWith('\n…')).toBe(true);
    expect(estimateTokens(cut)).toBeLessThanOrEqual(30);
  });

  it("returns '' when nothing applies, for an empty file and for a cap of zero", () => {
    expect(conventionsFor('# Setup\n\nRun pnpm install.\n', topic(), 1000)).toBe('');
    expect(conventionsFor('', topic(), 1000)).toBe('');
    expect(conventionsFor(AGENTS_MD, topic(), 0)).toBe('');
  });

  it('handles CRLF files and headings without a preamble', () => {
    const crlf = '## Code style\r\n\r\nTabs.\r\n## Setup\r\n\r\nInstall.\r\n';
    expect(conventionsFor(crlf, topic(), 100)).toBe('## Code style\n\nTabs.');
  });
});

describe('readAgentsMd', () => {
  const cleanups: string[] = [];
  afterEach(() => {
    for (const d of cleanups.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('reads AGENTS.md as committed, not from the working tree, and returns null when the commit has none', async () => {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'jobs-agents-')));
    cleanups.push(dir);
    const run = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    const commit = () =>
      run('-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '--quiet', '--allow-empty', '-m', 'c');
    run('init', '--quiet', '--initial-branch=main');
    writeFileSync(path.join(dir, 'a.ts'), 'x\n');
    run('add', '-A');
    commit();
    const without = run('rev-parse', 'HEAD');
    writeFileSync(path.join(dir, 'AGENTS.md'), '# Code style\n\nTabs.\n');
    run('add', '-A');
    commit();
    const withIt = run('rev-parse', 'HEAD');
    writeFileSync(path.join(dir, 'AGENTS.md'), '# Changed in the working tree\n');
    expect(await readAgentsMd(dir, without)).toBeNull();
    expect(await readAgentsMd(dir, withIt)).toBe('# Code style\n\nTabs.\n');
    await expect(readAgentsMd(dir, 'no-such-commit')).rejects.toMatchObject({ code: 'E_GIT' });
  });
});
