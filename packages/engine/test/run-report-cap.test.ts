// The report's cut of review findings (config `maxAnnotations`) is said, never silent: a PR with more findings than the
// cap shows the most serious ones and a warning with how many more there were and how to keep them.
import { afterEach, describe, expect, it } from 'vitest';
import { runEngine } from '../../../test/helpers/engine.js';
import { makeRepo, type TempRepo } from '../../../test/helpers/repo.js';

const flagged = (n: number) =>
  `export function load${n}(x: any): number {\n  console.log(x);\n  if (x == ${n}) return ${n};\n  return 0;\n}\n`;

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

describe('the report cuts review findings at maxAnnotations', () => {
  it('keeps the cap and warns how many more were found', async () => {
    repo = makeRepo({
      'src/a.ts': 'export const a = 1;\n',
      'agents.config.ts': 'export default { maxAnnotations: 2 };\n',
    });
    repo.write('src/a.ts', flagged(1) + flagged(2));
    repo.commit('flagged code');
    const { report } = await runEngine({ cwd: repo.dir, task: 'review the last commit', engine: 'offline' });
    expect(report.annotations).toHaveLength(2);
    const cut = (report.warnings as string[]).find((w) => /more findings were not kept/.test(w));
    expect(cut).toMatch(/^\d+ more findings were not kept: a run keeps its 2 most serious .*`maxAnnotations`/);
    expect(Number(/^(\d+)/.exec(cut!)![1])).toBeGreaterThanOrEqual(4);
  });

  it('warns of nothing under the cap', async () => {
    repo = makeRepo({ 'src/a.ts': 'export const a = 1;\n' });
    repo.write('src/a.ts', flagged(1));
    repo.commit('flagged code');
    const { report } = await runEngine({ cwd: repo.dir, task: 'review the last commit', engine: 'offline' });
    expect(report.annotations.length).toBeGreaterThan(0);
    expect((report.warnings as string[]).filter((w) => /not kept/.test(w))).toEqual([]);
  });
});
