// The AGENTS files of every folder are read in the one ls-tree pass that reads the sources, from the commit only.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as GitModule from '../src/git.js';

const calls = vi.hoisted(() => ({ git: [] as string[][], input: [] as string[] }));
vi.mock('../src/git.js', async (importOriginal) => {
  const real = await importOriginal<typeof GitModule>();
  return {
    ...real,
    gitBuffer: (...args: Parameters<typeof real.gitBuffer>) => {
      calls.git.push(args[1]);
      calls.input.push(String(args[2] ?? ''));
      return real.gitBuffer(...args);
    },
  };
});
const { readAgentsDocs, readCommitFiles } = await import('../src/index.js');

const NAMES = ['AGENTS.override.md', 'AGENTS.md'];
const OPTIONS = { include: ['**/*.ts'], exclude: ['**/node_modules/**'], maxFileBytes: 20_000 };

let dir = '';
let head = '';
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
const write = (file: string, content: string) => {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), content);
};

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'repo-agents-'));
  git('init', '--quiet', '--initial-branch=main');
  write('src/a.ts', 'export const a = 1;\n');
  write('AGENTS.md', '# Root\n');
  write('packages/api/AGENTS.md', '# API\n');
  write('packages/api/AGENTS.override.md', '# API override\n');
  write('packages/api/src/deep/AGENTS.md', '# Deep\n');
  write('docs/agents.md', '# not the name (case matters, as in git)\n');
  write('packages/api/NOT-AGENTS.md', '# not the name\n');
  write('node_modules/pkg/AGENTS.md', '# a dependency’s, excluded\n');
  write('target.md', '# linked to\n');
  write('bin/AGENTS.md', '# binary\u0000\n');
  writeFileSync(path.join(dir, 'AGENTS.override.md'), Buffer.from('# caf\xe9\n', 'latin1'));
  mkdirSync(path.join(dir, 'linked'));
  symlinkSync('../target.md', path.join(dir, 'linked/AGENTS.md'));
  git('add', '-A');
  git('-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '--quiet', '-m', 'c');
  head = git('rev-parse', 'HEAD');
  // The working tree is never read.
  write('AGENTS.md', '# Changed in the working tree\n');
  write('src/AGENTS.md', '# Untracked\n');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  calls.git.length = 0;
  calls.input.length = 0;
});

describe('readCommitFiles extraNames', () => {
  it('collects the names at any depth in the same pass as the sources: one ls-tree, one cat-file', async () => {
    const { files, extras } = await readCommitFiles(dir, head, {
      ...OPTIONS,
      extras: ['package.json'],
      extraNames: NAMES,
    });
    expect(files.map((f) => f.path)).toEqual(['src/a.ts']);
    expect([...extras.keys()].sort()).toEqual([
      'AGENTS.md',
      'packages/api/AGENTS.md',
      'packages/api/AGENTS.override.md',
      'packages/api/src/deep/AGENTS.md',
    ]);
    expect(extras.get('AGENTS.md')).toBe('# Root\n');
    expect(extras.get('packages/api/src/deep/AGENTS.md')).toBe('# Deep\n');
    expect(calls.git.map((args) => args[0])).toEqual(['ls-tree', 'cat-file']);
  });

  it('ignores a symlink so named, one in an excluded folder, and one that is not UTF-8 text', async () => {
    const { extras } = await readCommitFiles(dir, head, { ...OPTIONS, extraNames: NAMES });
    expect(extras.has('linked/AGENTS.md')).toBe(false);
    expect(extras.has('bin/AGENTS.md')).toBe(false);
    expect(extras.has('AGENTS.override.md')).toBe(false);
    expect(extras.has('node_modules/pkg/AGENTS.md')).toBe(false);
    expect([...extras.values()].join('')).not.toContain('linked to');
  });

  it('reads none without extraNames (the sources are as before)', async () => {
    const { files, extras } = await readCommitFiles(dir, head, OPTIONS);
    expect(files.map((f) => f.path)).toEqual(['src/a.ts']);
    expect(extras.size).toBe(0);
  });
});

describe('readAgentsDocs', () => {
  it('reads the AGENTS files of another commit without reading its sources', async () => {
    const docs = await readAgentsDocs(dir, head, NAMES, OPTIONS.exclude);
    expect([...docs.keys()].sort()).toEqual([
      'AGENTS.md',
      'packages/api/AGENTS.md',
      'packages/api/AGENTS.override.md',
      'packages/api/src/deep/AGENTS.md',
    ]);
    expect(docs.get('AGENTS.md')).toBe('# Root\n');
    expect(calls.git).toEqual([expect.arrayContaining(['ls-tree']), ['cat-file', '--batch']]);
    // The blobs asked for are the six AGENTS files only (two of them are not text, so they are left out).
    expect(calls.input[1]!.trim().split('\n')).toHaveLength(6);
  });
});
