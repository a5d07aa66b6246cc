// runTask() in process: `format the code` runs the repository's own formatter as the repository runs it (its binary, config and
// plugins, in a child process), and a formatter that is missing, misconfigured or cannot parse a file fails jobs, never
// the run (issue #12 §5).
import { chmodSync, mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { proveFormattingOnly } from '@orchestrate/repo';
import { formatSummary, runEngine } from '../../../test/helpers/engine.js';
import { makeRepo, type TempRepo } from '../../../test/helpers/repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

/** Our own prettier (a dependency of packages/repo), linked into a temp repository as if the repository installed it. */
const PRETTIER = realpathSync(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../repo/node_modules/prettier'),
);

function installPrettier(r: TempRepo): void {
  mkdirSync(path.join(r.dir, 'node_modules'), { recursive: true });
  symlinkSync(PRETTIER, path.join(r.dir, 'node_modules', 'prettier'), 'dir');
}

/** Runs the engine offline in process (an internal error rejects); checks the user's tree is untouched. */
async function run(r: TempRepo, task = 'format the code'): Promise<{ report: Record<string, any> }> {
  const before = r.snapshot();
  const { report } = await runEngine({ cwd: r.dir, task });
  expect(r.snapshot()).toBe(before);
  return { report };
}

const MESSY = 'export function add(a:number,b:number){return a+b}\n';
const item = (report: Record<string, any>, file: string) => report.items.find((i: any) => i.file === file);
const show = (r: TempRepo, ref: string, file: string) => r.git('show', `${ref}:${file}`);

describe('a formatter that cannot run fails its jobs, not the run', () => {
  it('a prettier config naming a plugin that is not installed: every job fails naming the command', async () => {
    repo = makeRepo({
      '.prettierrc': '{ "plugins": ["prettier-plugin-nope"] }\n',
      'src/a.ts': MESSY,
      'src/b.ts': MESSY,
    });
    const { report } = await run(repo);
    expect(report).toMatchObject({ status: 'completed-with-failures', commits: [], branch: null });
    expect(report.jobs).toMatchObject({ total: 2, failed: 2 });
    for (const file of ['src/a.ts', 'src/b.ts']) {
      expect(item(report, file).error).toContain(`prettier --stdin-filepath ${file}`);
      expect(item(report, file).error).toContain('prettier-plugin-nope');
    }
  });

  it("a repository that declares prettier but has not installed it: the jobs say to run the repository's install", async () => {
    repo = makeRepo({
      'package.json': JSON.stringify({ devDependencies: { prettier: '^3.0.0' } }),
      'pnpm-lock.yaml': '',
      'src/a.ts': MESSY,
    });
    const { report } = await run(repo);
    expect(report.status).toBe('completed-with-failures');
    expect(item(report, 'src/a.ts')).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('pnpm install'),
    });
    expect(report.plan.warnings.some((w: string) => /formatter: .*not installed/.test(w))).toBe(true);
  });

  it('a file the formatter cannot parse fails its own job; the others are formatted; the counts say what was committed', async () => {
    repo = makeRepo({
      'src/good.ts': MESSY,
      'src/clean.ts': 'export const c = 1;\n',
      'src/bad.ts': 'export const a = (\n',
    });
    const { report } = await run(repo);
    expect(report.status).toBe('completed-with-failures');
    expect(item(report, 'src/bad.ts')).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('prettier --stdin-filepath src/bad.ts'),
    });
    expect(item(report, 'src/bad.ts').error).toMatch(/SyntaxError|expected/);
    expect(item(report, 'src/good.ts').status).toBe('succeeded');
    expect(item(report, 'src/clean.ts')).toMatchObject({ status: 'succeeded', unchanged: true });
    expect(report.jobs).toEqual({ total: 3, succeeded: 2, failed: 1, skipped: 0, unchanged: 1 });
    expect(repo.git('diff', '--name-only', 'HEAD', report.branch).trim()).toBe('src/good.ts');
    expect(report.commits).toEqual([expect.objectContaining({ jobs: 1 })]);
    expect(formatSummary(report as never)).toContain(
      '2 succeeded (1 already formatted or ignored, no change), 1 failed',
    );
  });
});

describe("the repository's own formatter, as the repository runs it", () => {
  it('loads a prettier plugin installed in the repository (resolved from the repository, not from orchestrate)', async () => {
    repo = makeRepo({
      '.gitignore': 'node_modules\n',
      'package.json': JSON.stringify({ devDependencies: { prettier: '3.10.1', 'prettier-plugin-pkg': '1.0.0' } }),
      '.prettierrc': '{ "plugins": ["prettier-plugin-pkg"] }\n',
      // A plugin that wraps prettier's TypeScript parser and asks for an indentation of 8: visible, formatting only.
      'node_modules/prettier-plugin-pkg/package.json':
        '{ "name": "prettier-plugin-pkg", "version": "1.0.0", "main": "index.js" }\n',
      'node_modules/prettier-plugin-pkg/index.js': [
        "const ts = require('prettier/plugins/typescript');",
        'module.exports = { parsers: { typescript: { ...ts.parsers.typescript, preprocess: (text, options) => { options.tabWidth = 8; return text; } } } };',
      ].join('\n'),
      'src/a.ts': MESSY,
    });
    installPrettier(repo);
    const { report } = await run(repo);
    expect(item(report, 'src/a.ts').error).toBeNull();
    expect(report.status).toBe('completed');
    expect(show(repo, report.branch, 'src/a.ts')).toBe(
      'export function add(a: number, b: number) {\n        return a + b;\n}\n',
    );
    expect(report.plan.warnings).toContainEqual(expect.stringMatching(/formatter: the repository's prettier 3\.10\.1/));
  });

  /** A stand-in for the repository's biome: indents with tabs (what prettier would not do here) and trims trailing blanks. */
  const FAKE_BIOME = [
    '#!/usr/bin/env node',
    'let input = "";',
    'process.stdin.on("data", (d) => (input += d)).on("end", () => {',
    '  if (process.argv[2] !== "format" || !process.argv[3].startsWith("--stdin-file-path=")) process.exit(3);',
    '  process.stdout.write(input.replace(/^( {2})+/gm, (m) => "\\t".repeat(m.length / 2)).replace(/[ \\t]+$/gm, ""));',
    '});',
  ].join('\n');
  const BIOME_PACKAGE = JSON.stringify({
    scripts: { format: 'biome format --write .' },
    'lint-staged': { '*.ts': 'biome check --write' },
    devDependencies: { '@biomejs/biome': '2.0.0' },
  });

  it("uses biome when the repository's format script runs biome, even beside a prettier config", async () => {
    repo = makeRepo({
      '.gitignore': 'node_modules\n',
      'package.json': BIOME_PACKAGE,
      '.prettierrc': '{}\n',
      'node_modules/.bin/biome': FAKE_BIOME,
      'src/a.ts': 'export function f() {\n  return 1;   \n}\n',
    });
    chmodSync(path.join(repo.dir, 'node_modules/.bin/biome'), 0o755);
    const { report } = await run(repo);
    expect(report.status).toBe('completed');
    expect(show(repo, report.branch, 'src/a.ts')).toBe('export function f() {\n\treturn 1;\n}\n');
    expect(report.plan.warnings).toContainEqual(
      expect.stringMatching(/formatter: the repository's biome .*scripts\.format runs biome/),
    );
  });

  it('fails the jobs with "run the install first" when that biome is not installed, never formatting with prettier', async () => {
    repo = makeRepo({ 'package.json': BIOME_PACKAGE, 'src/a.ts': 'export function f() {\n  return 1;   \n}\n' });
    const { report } = await run(repo);
    expect(report.status).toBe('completed-with-failures');
    expect(item(report, 'src/a.ts')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/biome.*not installed.*npm install/),
    });
    expect(report.commits).toEqual([]);
  });
});
