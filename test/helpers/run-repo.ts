import { expect } from 'vitest';
import { parseReport, runCli } from './cli.js';
import { makeRepo, type TempRepo } from './repo.js';

/** A committer identity for a test's own commits (the machine may have none). */
export const IDENTITY = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com'];

/** The one source file of `repoWithRun`. */
export const SOURCE = 'export function area(width: number, height: number): number {\n  return width * height;\n}\n';

/** A repository with one completed offline run (a doc comment on `area`); returns the run id and its branch. */
export async function repoWithRun(): Promise<{ r: TempRepo; id: string; branch: string }> {
  const r = makeRepo({ 'src/a.ts': SOURCE });
  const result = await runCli(['-C', r.dir, '--json', 'add docstrings']);
  expect(result.exitCode).toBe(0);
  const report = parseReport(result.stdout);
  expect(report.branch).toBe(`orchestrate/${report.id}`);
  return { r, id: report.id as string, branch: report.branch as string };
}
