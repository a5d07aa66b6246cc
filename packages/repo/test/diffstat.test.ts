import { describe, expect, it, onTestFinished } from 'vitest';
import { diffStat, parseNumstat } from '../src/diffstat.js';
import { makeRepo } from '../../../test/helpers/repo.js';

describe('diffStat', () => {
  it('counts added and removed lines per file, binary as -1, renames by their new name, odd names intact', async () => {
    const repo = makeRepo({
      'a.txt': 'one\ntwo\nthree\n',
      'gone.txt': 'bye\n',
      'old-name.txt': 'same content\nthat is long enough\nto be found as a rename\n',
    });
    onTestFinished(() => repo.cleanup());
    const base = repo.git('rev-parse', 'HEAD').trim();
    repo.write('a.txt', 'one\nTWO\nthree\nfour\n');
    repo.remove('gone.txt');
    repo.git('mv', 'old-name.txt', 'new-name.txt');
    repo.write('bin.dat', '\u0000\u0001\u0002binary');
    repo.write('tab\there "q".txt', 'x\n');
    const head = repo.commit('change');
    const stat = await diffStat(repo.dir, base, head);
    const byPath = Object.fromEntries(stat.map((s) => [s.path, [s.added, s.removed]]));
    expect(byPath).toEqual({
      'a.txt': [2, 1],
      'gone.txt': [0, 1],
      'new-name.txt': [0, 0],
      'bin.dat': [-1, -1],
      'tab\there "q".txt': [1, 0],
    });
    expect(await diffStat(repo.dir, head, head)).toEqual([]);
  });

  it('parses the -z format of plain and renamed entries', () => {
    expect(parseNumstat('1\t2\tsrc/a.ts\0-\t-\timg.png\0' + '3\t0\t\0old.ts\0new.ts\0')).toEqual([
      { path: 'src/a.ts', added: 1, removed: 2 },
      { path: 'img.png', added: -1, removed: -1 },
      { path: 'new.ts', added: 3, removed: 0 },
    ]);
    expect(parseNumstat('')).toEqual([]);
  });

  it('refuses a revision that looks like an option (git fails, no option is read)', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    onTestFinished(() => repo.cleanup());
    await expect(diffStat(repo.dir, '--output=/tmp/x', 'HEAD')).rejects.toMatchObject({ code: 'E_GIT' });
  });
});
