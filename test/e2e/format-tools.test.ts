// End-to-end: the CLI, run as a user runs it (no NODE_PATH), formats with its own bundled prettier when the repository
// has no formatter config. The repository's own formatter and its failures are tested in process:
// packages/engine/test/run-task-format-tools.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { proveFormattingOnly } from '@orchestrate/repo';
import { parseReport, runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

/** Runs the real CLI offline with --json; checks the user's tree is untouched; returns exit code, report and stderr. */
async function run(
  r: TempRepo,
  task = 'format the code',
): Promise<{ exitCode: number; report: Record<string, any>; stderr: string }> {
  const before = r.snapshot();
  // As a user runs it: no NODE_PATH (the test runner's package manager sets one to its own store, prettier included).
  const result = await runCli(['-C', r.dir, '--json', task], { NODE_PATH: undefined });
  expect(result.stderr).not.toMatch(/internal error/);
  expect(r.snapshot()).toBe(before);
  return { exitCode: result.exitCode, report: parseReport(result.stdout), stderr: result.stderr };
}

const show = (r: TempRepo, ref: string, file: string) => r.git('show', `${ref}:${file}`);

describe('a repository without a formatter config keeps its own style', () => {
  it('tabs from .editorconfig and the dominant single quotes, no semicolons and no trailing commas; the plan says which options', async () => {
    const file = (n: number) =>
      [
        "import { join } from 'node:path'",
        `export const name${n} = 'x${n}'`,
        `export const list${n} = [`,
        "\t'a',",
        "\t'b'",
        ']',
        `export function f${n}(a:number,b:string){`,
        "\tif (a>1) return join(b,'c')",
        "\treturn 'd'",
        '}',
        '',
      ].join('\n');
    repo = makeRepo({
      '.editorconfig': 'root = true\n\n[*]\nindent_style = tab\n',
      'src/a.ts': file(1),
      'src/b.ts': file(2),
    });
    const { exitCode, report } = await run(repo);
    expect(exitCode).toBe(0);
    const after = show(repo, report.branch, 'src/a.ts');
    expect(after).toBe(
      [
        "import { join } from 'node:path'",
        "export const name1 = 'x1'",
        "export const list1 = ['a', 'b']",
        'export function f1(a: number, b: string) {',
        "\tif (a > 1) return join(b, 'c')",
        "\treturn 'd'",
        '}',
        '',
      ].join('\n'),
    );
    expect(proveFormattingOnly('src/a.ts', show(repo, 'HEAD', 'src/a.ts'), after)).toEqual({ ok: true });
    const note = report.plan.warnings.find((w: string) => w.includes('formatter:'));
    expect(note).toMatch(/orchestrate's prettier/);
    expect(note).toMatch(/useTabs: true \(\.editorconfig\)/);
    expect(note).toMatch(/singleQuote: true/);
    expect(note).toMatch(/semi: false/);
    expect(report.warnings).toContain(note);
  });
});
