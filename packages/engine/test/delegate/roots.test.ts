import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isWithin, realRoots, resolveInRoots } from '../../src/delegate/roots.js';
import { makeRepo } from '../../../../test/helpers/repo.js';

// One folder holding a repository with a sub-folder, a plain folder and a link that leads out of the root.
const outer = makeRepo({ 'src/a.ts': 'export const a = 1;\n', 'pkg/b.ts': 'export const b = 2;\n' });
const plain = makeRepo({}, { git: false });
const elsewhere = makeRepo({}, { git: false });
mkdirSync(path.join(plain.dir, 'sub'));
writeFileSync(path.join(plain.dir, 'file.txt'), 'x');
symlinkSync(elsewhere.dir, path.join(outer.dir, 'src', 'out'));
afterAll(() => [outer, plain, elsewhere].forEach((r) => r.cleanup()));

describe('resolveInRoots', () => {
  it('defaults to the first root and takes a relative cwd from it', async () => {
    const roots = realRoots([outer.dir]);
    expect(await resolveInRoots(roots)).toEqual({ cwd: outer.dir, repoRoot: outer.dir });
    expect(await resolveInRoots(roots, 'src')).toEqual({ cwd: path.join(outer.dir, 'src'), repoRoot: outer.dir });
    expect(await resolveInRoots(roots, path.join(outer.dir, 'pkg'))).toMatchObject({ repoRoot: outer.dir });
  });

  it('refuses a folder outside the roots, also through a symbolic link, naming the --root to use', async () => {
    const roots = realRoots([outer.dir]);
    await expect(resolveInRoots(roots, '..')).rejects.toMatchObject({ code: 'E_OUTSIDE_ROOTS', processExitCode: 2 });
    const err = await resolveInRoots(roots, 'src/out').catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'E_OUTSIDE_ROOTS' });
    expect((err as Error).message).toContain(`--root ${elsewhere.dir}`);
    expect((err as Error).message).toContain('symbolic link');
  });

  it('refuses a repository whose top is above the root', async () => {
    const roots = realRoots([path.join(outer.dir, 'src')]);
    const err = await resolveInRoots(roots).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'E_OUTSIDE_ROOTS' });
    expect((err as Error).message).toContain(`the repository ${outer.dir} is above the roots`);
    expect((err as Error).message).toContain(`--root ${outer.dir}`);
  });

  it('a folder in no repository is the engine’s E_NOT_GIT_REPO; a missing folder or a file is E_USAGE', async () => {
    const roots = realRoots([plain.dir, outer.dir]);
    await expect(resolveInRoots(roots, 'sub')).rejects.toMatchObject({ code: 'E_NOT_GIT_REPO' });
    await expect(resolveInRoots(roots, 'nope')).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(resolveInRoots(roots, 'file.txt')).rejects.toMatchObject({ code: 'E_USAGE' });
    // A later root is reachable by its absolute path.
    expect(await resolveInRoots(roots, outer.dir)).toMatchObject({ repoRoot: outer.dir });
  });

  it('realRoots refuses a missing root and an empty list', () => {
    expect(() => realRoots([path.join(plain.dir, 'missing')])).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => realRoots([])).toThrow(expect.objectContaining({ code: 'E_INTERNAL' }));
  });

  it('isWithin: the folder itself and folders under it, not a sibling with the same prefix', () => {
    expect(isWithin('/a/b', '/a/b')).toBe(true);
    expect(isWithin('/a/b', '/a/b/c')).toBe(true);
    expect(isWithin('/a/b', '/a/bc')).toBe(false);
    expect(isWithin('/a/b', '/a')).toBe(false);
  });
});
