import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseReport, runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';

// ajv is a devDependency of @orchestrate/jobs: load it from there (as packages/jobs/test/review-output.test.ts does).
const fromJobs = createRequire(new URL('../../packages/jobs/package.json', import.meta.url));
type Validate = ((data: unknown) => boolean) & { errors?: unknown };
const Ajv = fromJobs('ajv') as new (options: object) => { compile(schema: object): Validate };
const addFormats = fromJobs('ajv-formats') as (ajv: unknown) => void;

/** The official SARIF 2.1.0 schema (draft-04) for ajv: its `id` becomes `$id`; patterns are not unicode regexes. */
function sarifValidator(): Validate {
  const schema = JSON.parse(readFileSync(new URL('../fixtures/sarif-2.1.0.json', import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
  const { $schema: _draft, id, ...rest } = schema;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile({ ...rest, $id: String(id) });
}

const IDENTITY = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com'];

/** The same seven issues, written with names of its own; `issues('y', 2)` differs from `issues('x', 1)` only in names. */
const issues = (v: string, n: number) => `import { ${v === 'x' ? 'join' : 'resolve'} } from 'node:path';

export function load${n}(${v}: any): number {
  console.log(${v});
  if (${v} == ${n}) return ${n};
  try {
    JSON.parse('{');
  } catch {}
  // TODO: clean up ${n}
  const apiKey = "Zx8Qp2Lm9Rt4Vw7Yb3Nc6Hd1Jf5Kg0P${n}";
  return apiKey.length;
}
`;

const RULES_HIT = [
  'eqeqeq',
  'no-console-log',
  'no-empty-catch',
  'no-explicit-any',
  'no-secret-literal',
  'no-todo',
  'no-unused',
];

/** 1-based number of the first line at or after line `from` of `text` that contains `needle`. */
const lineOf = (text: string, needle: string, from = 1) =>
  text.split('\n').findIndex((l, i) => i + 1 >= from && l.includes(needle)) + 1;

let repo: TempRepo | undefined;
let out: string | undefined;
afterEach(() => {
  repo?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
  repo = out = undefined;
});

function commitAll(r: TempRepo, message: string): void {
  r.git('add', '-A');
  r.git(...IDENTITY, 'commit', '--quiet', '-m', message);
}

/** Annotations as `file:line ruleId`, sorted. */
const keys = (report: Record<string, any>) =>
  report.annotations.map((a: any) => `${a.file}:${a.line} ${a.ruleId}`).sort();

describe('orchestrate review', () => {
  it('annotates only the changed lines of HEAD~1..HEAD, writes valid SARIF and a Markdown summary, commits nothing', async () => {
    repo = makeRepo({ 'src/app.ts': issues('x', 1), 'src/untouched.ts': issues('x', 3) });
    const app = `${issues('x', 1)}\n${issues('y', 2)}`;
    repo.write('src/app.ts', app);
    repo.write('src/added.ts', 'export const n = (v: any): boolean => v == 0;\n');
    commitAll(repo, 'add issues');
    out = mkdtempSync(path.join(tmpdir(), 'orch-review-out-'));
    const sarifFile = path.join(out, 'out.sarif');
    const mdFile = path.join(out, 'out.md');
    const head = repo.git('rev-parse', 'HEAD');
    const before = repo.snapshot();

    const result = await runCli([
      'review',
      'HEAD~1',
      '-C',
      repo.dir,
      '--json',
      '--sarif',
      sarifFile,
      '--markdown',
      mdFile,
    ]);
    expect(result.exitCode).toBe(0);
    const report = parseReport(result.stdout);
    expect(report).toMatchObject({ engine: 'offline', branch: null, commits: [], usage: {} });
    expect(report.plan.steps).toEqual([expect.objectContaining({ kind: 'review' })]);

    // Every finding is on a line the commit added; the identical issues on unchanged lines are not reported.
    const firstNew = lineOf(app, 'resolve');
    for (const a of report.annotations) {
      expect(['src/app.ts', 'src/added.ts']).toContain(a.file);
      if (a.file === 'src/app.ts') expect(a.line).toBeGreaterThanOrEqual(firstNew);
      expect(a.source).toBe('rule');
    }
    const onApp = report.annotations.filter((a: any) => a.file === 'src/app.ts' && a.ruleId !== 'missing-doc-export');
    expect(onApp.map((a: any) => `${a.line} ${a.ruleId}`).sort()).toEqual(
      [
        `${firstNew} no-unused`,
        `${lineOf(app, 'any', firstNew)} no-explicit-any`,
        `${lineOf(app, 'console.log', firstNew)} no-console-log`,
        `${lineOf(app, '==', firstNew)} eqeqeq`,
        `${lineOf(app, 'catch {}', firstNew)} no-empty-catch`,
        `${lineOf(app, 'TODO', firstNew)} no-todo`,
        `${lineOf(app, 'apiKey =', firstNew)} no-secret-literal`,
      ].sort(),
    );
    expect(keys(report)).toContain(`src/added.ts:1 no-explicit-any`);
    expect(keys(report)).toContain(`src/added.ts:1 eqeqeq`);
    expect([...new Set(onApp.map((a: any) => a.ruleId))].sort()).toEqual(RULES_HIT);

    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as Record<string, any>;
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const results = sarif.runs[0].results as any[];
    expect(results).toHaveLength(report.annotations.length);
    expect(
      results
        .map(
          (r) =>
            `${r.locations[0].physicalLocation.artifactLocation.uri}:${r.locations[0].physicalLocation.region.startLine} ${r.ruleId}`,
        )
        .sort(),
    ).toEqual(keys(report));

    expect(existsSync(mdFile)).toBe(true);
    const md = readFileSync(mdFile, 'utf8');
    expect(md).toContain('src/app.ts');
    expect(md).toContain('src/added.ts');
    expect(md).not.toContain('src/untouched.ts');

    expect(repo.snapshot()).toBe(before);
    expect(repo.git('rev-parse', 'HEAD')).toBe(head);
    expect(repo.git('branch', '--list', 'orchestrate/*').trim()).toBe('');
    expect(repo.git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  it('without a range, reviews a feature branch against its merge base with main', async () => {
    repo = makeRepo({ 'src/base.ts': issues('x', 1), 'src/shared.ts': 'export const ok = (v: any): unknown => v;\n' });
    repo.git('checkout', '--quiet', '-b', 'feature');
    repo.write('src/one.ts', issues('y', 2));
    commitAll(repo, 'feature 1');
    repo.write('src/two.ts', 'export const n = (v: any): boolean => v == 0;\n');
    commitAll(repo, 'feature 2');
    // main moves on after the fork: a diff against main's tip would flag the feature side of src/shared.ts (`any`).
    repo.git('checkout', '--quiet', 'main');
    repo.write('src/shared.ts', 'export const ok = (v: unknown): unknown => v;\n');
    commitAll(repo, 'main moves on');
    repo.git('checkout', '--quiet', 'feature');
    const before = repo.snapshot();

    const result = await runCli(['review', '-C', repo.dir, '--json']);
    expect(result.exitCode).toBe(0);
    const report = parseReport(result.stdout);
    const files = [...new Set(report.annotations.map((a: any) => a.file))].sort();
    expect(files).toEqual(['src/one.ts', 'src/two.ts']); // both feature commits, nothing from main or the base
    expect(repo.snapshot()).toBe(before);
    expect(repo.git('branch', '--list', 'orchestrate/*').trim()).toBe('');
  });

  it('prints the findings for a terminal without --json', async () => {
    repo = makeRepo({ 'src/a.ts': 'export const a = 1;\n' });
    repo.write('src/a.ts', 'export const a = 1;\nconsole.log(a);\n');
    commitAll(repo, 'log');
    const result = await runCli(['review', 'HEAD~1', '-C', repo.dir]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('src/a.ts');
    expect(result.stdout).toContain('no-console-log');
  });

  it('in a repository of one commit, reviews all of it (against the empty tree), not a ref the user never typed', async () => {
    repo = makeRepo({ 'src/a.ts': 'export const a = 1;\nconsole.log(a);\n' });
    const result = await runCli(['review', '-C', repo.dir, '--no-working-tree', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(keys(parseReport(result.stdout))).toContain('src/a.ts:2 no-console-log');
  });

  it.each([['nope'], ['HEAD~1..nope'], ['HEAD~5']])('an unknown ref (%s) is a usage error, exit 2', async (range) => {
    repo = makeRepo({ 'src/a.ts': 'export const a = 1;\n' });
    repo.write('src/a.ts', 'export const a = 2;\n');
    commitAll(repo, 'two');
    const before = repo.snapshot();
    const result = await runCli(['review', range, '-C', repo.dir, '--json']);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ error: { code: 'E_USAGE', message: expect.any(String) } });
    expect(repo.snapshot()).toBe(before);
    expect(repo.git('branch', '--list', 'orchestrate/*').trim()).toBe('');
  });
});

describe('review --fail-on', () => {
  it('exits 1 when a finding reaches the severity, 0 otherwise', async () => {
    const repo = makeRepo({ 'src/a.ts': 'export const a = 1;\n' });
    try {
      repo.write('src/a.ts', '/** A. */\nexport const a: any = 1;\n');
      repo.git('-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-qam', 'any');
      expect((await runCli(['review', 'HEAD~1', '-C', repo.dir, '--fail-on', 'warning'])).exitCode).toBe(1);
      expect((await runCli(['review', 'HEAD~1', '-C', repo.dir, '--fail-on', 'error'])).exitCode).toBe(0);
    } finally {
      repo.cleanup();
    }
  });
});
