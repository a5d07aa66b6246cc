import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReviewAnnotation, ReviewFinding, RunReport } from '@orchestrate/core';
import { tempRepos } from '../../../test/helpers/repo.js';
import {
  FINDING_FINGERPRINT_KEY,
  findingFingerprint,
  reviewFindings,
  reviewSarif,
  SARIF_MAX_RESULTS,
  writeReviewFiles,
} from '../src/index.js';

const repos = tempRepos(afterEach);

// ajv is a devDependency of @orchestrate/jobs: load it from there (as test/e2e/review-cli.test.ts does).
const fromJobs = createRequire(new URL('../../jobs/package.json', import.meta.url));
type Validate = ((data: unknown) => boolean) & { errors?: unknown };
const Ajv = fromJobs('ajv') as new (options: object) => { compile(schema: object): Validate };
const addFormats = fromJobs('ajv-formats') as (ajv: unknown) => void;

/** The official SARIF 2.1.0 schema (draft-04) for ajv: its `id` becomes `$id`; patterns are not unicode regexes. */
function sarifValidator(): Validate {
  const schema = JSON.parse(
    readFileSync(new URL('../../../test/fixtures/sarif-2.1.0.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  const { $schema: _draft, id, ...rest } = schema;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile({ ...rest, $id: String(id) });
}

const annotation = (over: Partial<ReviewAnnotation> = {}): ReviewAnnotation => ({
  file: 'src/a.ts',
  line: 3,
  endLine: 3,
  severity: 'warning',
  ruleId: 'no-console-log',
  message: 'console.log call.',
  source: 'rule',
  ...over,
});

/** The fields of a report reviewFindings reads. */
const reportOf = (repo: string, baseCommit: string, annotations: ReviewAnnotation[]) =>
  ({ id: '20261204-201823-ab12', repo, baseCommit, annotations }) as unknown as RunReport;

const finding = (over: Partial<ReviewFinding> = {}): ReviewFinding => ({
  ...annotation(),
  fingerprint: '0'.repeat(32),
  code: ['console.log(x);'],
  ...over,
});

describe('findingFingerprint', () => {
  it('is 32 hex of file, rule and code, blind to whitespace and indentation', () => {
    const fp = findingFingerprint('src/a.ts', 'eqeqeq', ['  if (a == b) {']);
    expect(fp).toMatch(/^[0-9a-f]{32}$/);
    expect(findingFingerprint('src/a.ts', 'eqeqeq', ['if (a  ==  b)   {'])).toBe(fp);
    expect(findingFingerprint('src/a.ts', 'eqeqeq', ['\tif (a == b)', '{'])).toBe(fp);
    expect(findingFingerprint('src/b.ts', 'eqeqeq', ['  if (a == b) {'])).not.toBe(fp);
    expect(findingFingerprint('src/a.ts', 'no-todo', ['  if (a == b) {'])).not.toBe(fp);
    expect(findingFingerprint('src/a.ts', 'eqeqeq', ['  if (a == c) {'])).not.toBe(fp);
  });
});

describe('reviewFindings', () => {
  const V1 = ['export function f(x: number): void {', '  const y = x;', '  console.log(y);', '}', ''].join('\n');

  it('survives moved lines and a reworded message; takes the code from the reviewed commit', async () => {
    const repo = repos.make({ 'src/a.ts': V1 });
    const first = repo.git('rev-parse', 'HEAD').trim();
    repo.write('src/a.ts', `// one\n// two\n// three\n${V1.replace('  console.log(y);', '    console.log(y);')}`);
    const second = repo.commit('move it down and re-indent it');
    const [before] = await reviewFindings(reportOf(repo.dir, first, [annotation()]));
    const [after] = await reviewFindings(
      reportOf(repo.dir, second, [
        annotation({ line: 6, endLine: 6, message: 'A console.log is left in.', source: 'model' }),
      ]),
    );
    expect(before).toMatchObject({ line: 3, code: ['  console.log(y);'], message: 'console.log call.' });
    expect(after).toMatchObject({ line: 6, code: ['    console.log(y);'] });
    expect(after!.fingerprint).toBe(before!.fingerprint);
    expect(before!.fingerprint).toBe(findingFingerprint('src/a.ts', 'no-console-log', ['console.log(y);']));
  });

  it('numbers repeats in file and line order, whatever order the report lists them in', async () => {
    const text = ['console.log(1);', 'const a = 1;', 'console.log(1);', 'console.log(1);', ''].join('\n');
    const repo = repos.make({ 'src/a.ts': text });
    const head = repo.git('rev-parse', 'HEAD').trim();
    const list = [4, 1, 3].map((line) => annotation({ line, endLine: line }));
    const found = await reviewFindings(reportOf(repo.dir, head, list));
    const base = findingFingerprint('src/a.ts', 'no-console-log', ['console.log(1);']);
    expect(found.map((f) => [f.line, f.fingerprint])).toEqual([
      [4, `${base}:2`],
      [1, base],
      [3, `${base}:1`],
    ]);
  });

  it('carries at most 20 lines of code, without CRs, secrets redacted; a file the commit lacks has none', async () => {
    const secret = ['ghp', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'].join('');
    const lines = Array.from({ length: 30 }, (_, i) => `const v${i} = ${i};`);
    lines[1] = `const token = "${secret}";`;
    const repo = repos.make({ 'src/a.ts': `${lines.join('\r\n')}\r\n` });
    const head = repo.git('rev-parse', 'HEAD').trim();
    const [long, missing] = await reviewFindings(
      reportOf(repo.dir, head, [annotation({ line: 1, endLine: 30 }), annotation({ file: 'src/gone.ts' })]),
    );
    expect(long!.code).toHaveLength(20);
    expect(long!.code[0]).toBe('const v0 = 0;');
    expect(long!.code[1]).toBe('const token = "[redacted]";');
    expect(long!.code.join('\n')).not.toContain(secret);
    // The fingerprint is of the code as it is (a redacted value would make every secret look alike).
    expect(long!.fingerprint).toBe(findingFingerprint('src/a.ts', 'no-console-log', lines.slice(0, 20)));
    expect(missing!.code).toEqual([]);
  });
});

describe('reviewSarif', () => {
  it('is valid SARIF 2.1.0 with the shell’s automation id and the finding’s fingerprint', () => {
    const log = reviewSarif(
      [
        finding({ fingerprint: 'a'.repeat(32) }),
        finding({ severity: 'error', ruleId: 'custom-x', fingerprint: 'b'.repeat(32) }),
      ],
      { version: '1.2.3', automationId: 'orchestrate/action/review/77' },
    );
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0].automationDetails).toEqual({ id: 'orchestrate/action/review/77' });
    expect(log.runs[0].tool.driver).toMatchObject({ name: 'orchestrate', version: '1.2.3' });
    const fps = log.runs[0].results.map((r) => r.partialFingerprints[FINDING_FINGERPRINT_KEY]);
    expect(fps).toEqual(['b'.repeat(32), 'a'.repeat(32)]); // the most serious first
  });

  it('keeps the 5,000 most serious results', () => {
    const many = Array.from({ length: SARIF_MAX_RESULTS + 5 }, (_, i) =>
      finding({ severity: i < 5 ? 'note' : i % 2 ? 'error' : 'warning', line: i + 1, endLine: i + 1 }),
    );
    const results = reviewSarif(many, { version: '1', automationId: 'o/x/1' }).runs[0].results;
    expect(results).toHaveLength(SARIF_MAX_RESULTS);
    expect(results.some((r) => r.level === 'note')).toBe(false);
  });

  it('redacts messages and known values, and leaves out a fix that holds a secret', () => {
    const secret = ['ghp', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'].join('');
    const log = reviewSarif(
      [
        finding({ message: `leaks ${secret} and sk-known-value-123`, fix: { replacement: `const t = "${secret}";` } }),
        finding({ suggestion: 'use sk-known-value-123', fix: { replacement: 'console.info(x);' } }),
      ],
      { version: '1', automationId: 'o/x/1', known: ['sk-known-value-123'] },
    );
    const [a, b] = log.runs[0].results;
    expect(a!.message.text).toBe('leaks [redacted] and [redacted]');
    expect(a!.fixes).toBeUndefined();
    expect(b!.message.text).toContain('Suggestion: use [redacted]');
    expect(b!.fixes?.[0]?.artifactChanges[0]?.replacements[0]?.insertedContent.text).toBe('console.info(x);');
    expect(JSON.stringify(log)).not.toContain('sk-known-value-123');
  });
});

describe('writeReviewFiles', () => {
  it('writes SARIF with the CLI’s automation id, orchestrate/cli/<run-id>', async () => {
    const repo = repos.make({ 'src/a.ts': 'const a = 1;\nconst b = 2;\nconsole.log(a);\n' });
    const head = repo.git('rev-parse', 'HEAD').trim();
    const out = mkdtempSync(path.join(tmpdir(), 'orch-findings-'));
    try {
      await writeReviewFiles(reportOf(repo.dir, head, [annotation()]), {
        sarif: 'r.sarif',
        cwd: out,
        version: '0.1.0',
      });
      const log = JSON.parse(readFileSync(path.join(out, 'r.sarif'), 'utf8')) as {
        runs: { automationDetails: { id: string }; results: { partialFingerprints: Record<string, string> }[] }[];
      };
      expect(log.runs[0]!.automationDetails.id).toBe('orchestrate/cli/20261204-201823-ab12');
      expect(log.runs[0]!.results[0]!.partialFingerprints[FINDING_FINGERPRINT_KEY]).toBe(
        findingFingerprint('src/a.ts', 'no-console-log', ['console.log(a);']),
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
