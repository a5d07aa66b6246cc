// Every model-driven job kind but docstrings (boilerplate tests, custom, reformat conventions, review) through runTask()
// in process on real temp repositories, with the openai engine against the fake server (roles told apart by schema).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { makeRepo } from '../../../test/helpers/repo.js';
import {
  commitAll,
  existsAt,
  fileAt,
  inputText,
  item,
  linkNodeModules,
  requests,
  runBranches,
  engineKinds,
  step,
  verifierItems,
  workerRequestsFor,
} from '../../../test/e2e/kinds-script.js';

const VITEST_PKG = `${JSON.stringify({ type: 'module', devDependencies: { vitest: '4.1.12' } }, null, 2)}\n`;

const SCALE_TS = [
  'export function scale(x: number): number {',
  '  return x * 2;',
  '}',
  '',
  'export function shift(x: number): number {',
  '  return x + 1;',
  '}',
  '',
].join('\n');

const LEGACY_TS = [
  'export function total(items: number[]): number {',
  '  var sum = 0;',
  '  for (const item of items) sum += item;',
  '  return sum;',
  '}',
  '',
  'export function double(n: number): number {',
  '  return n * 2;',
  '}',
  '',
  'export const LIMIT = 10;',
  '',
].join('\n');

const AGENTS_MD = [
  '# Agents',
  '',
  '## Style',
  '',
  'Use const, never var. Use let only for a binding that is reassigned.',
  '',
  '## Releases',
  '',
  'Tag versions with semver and publish after the changelog is updated.',
  '',
].join('\n');

const CALC_V1 = [
  'export function price(qty: number, unit: number): number {',
  '  return qty * unit;',
  '}',
  '',
  'export function label(name: string): string {',
  '  return name.trim();',
  '}',
  '',
  'export function ratio(a: number, b: number): number {',
  '  return a / b;',
  '}',
  '',
  'export function untouchedHelper(s: string): string {',
  '  return s.toLowerCase();',
  '}',
  '',
].join('\n');

const CALC_V2 = CALC_V1.replace('qty * unit;', 'qty * unit * 1.2;')
  .replace('name.trim();', 'name;')
  .replace('a / b;', 'a / (b || 1);');

/** A model annotation (schema-shaped). */
function note(line: number, ruleId: string, confidence: number, severity = 'warning') {
  return {
    line,
    endLine: line,
    severity,
    ruleId,
    message: `Finding ${ruleId}.`,
    suggestion: null,
    replacement: null,
    confidence,
  };
}

/** The `Changed lines: a-b` of a review worker request. */
function hunkOf(input: string): { start: number; end: number } {
  const m = /Changed lines: (\d+)-(\d+)/.exec(input);
  if (!m) throw new Error('review request names no hunk');
  return { start: Number(m[1]), end: Number(m[2]) };
}

describe.concurrent('openai engine end to end: job kinds', () => {
  // Runs vitest four times (one passing file, three attempts at the failing one): more time than the default.
  it(
    'boilerplate/tests with the real vitest: the passing test file is committed, the failing one is not',
    { timeout: 150_000 },
    async ({ expect, onTestFinished }) => {
      const run = await engineKinds(
        {
          files: {
            'package.json': VITEST_PKG,
            '.gitignore': 'node_modules\n',
            'src/math.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
            'src/other.ts': 'export function sub(a: number, b: number): number {\n  return a - b;\n}\n',
          },
          prepare: linkNodeModules,
          script: {
            steps: [step({ kind: 'boilerplate', variant: 'tests', paths: ['src'] })],
            worker: (input) =>
              input.includes('File: src/math.ts')
                ? {
                    tests: [
                      {
                        functionName: 'add',
                        cases: [{ name: 'adds two numbers', code: 'expect(add(2, 3)).toBe(5);' }],
                      },
                    ],
                  }
                : {
                    tests: [
                      {
                        functionName: 'sub',
                        cases: [{ name: 'subtracts wrongly', code: 'expect(sub(3, 1)).toBe(5);' }],
                      },
                    ],
                  },
          },
          task: 'write unit tests for src',
        },
        onTestFinished,
      );
      const { repo, server, report } = run;
      expect(run.error).toBeNull();
      expect(run.report!.status).toBe('completed-with-failures');
      expect(report!.jobs).toEqual({ total: 2, succeeded: 1, failed: 1, skipped: 0 });
      expect(item(report!, '(file)', 'src/math.ts').status).toBe('succeeded');
      const other = item(report!, '(file)', 'src/other.ts');
      expect(other.status).toBe('failed');
      expect(other.error).toContain('generated tests fail');
      // Every attempt for src/other.ts ran its tests and failed them; none reached the verifier.
      expect(other.attempts).toHaveLength(3);
      for (const a of other.attempts) expect(a.rejected).toContain('generated tests fail');
      expect(
        requests(server, 'verifier')
          .flatMap(verifierItems)
          .some((i) => i.text.includes('src/other.ts')),
      ).toBe(false);

      // One commit that adds exactly the math test file, where the engine put it; it imports and tests add.
      expect(report!.commits).toHaveLength(1);
      const added = repo
        .git('diff', '--name-only', '--diff-filter=A', `${report!.baseCommit}..${report!.branch}`)
        .split('\n')
        .filter(Boolean);
      expect(added).toHaveLength(1);
      const testFile = added[0]!;
      expect(testFile).toMatch(/(^|\/)math\.test\.ts$/);
      expect(existsAt(repo, report!.branch, testFile)).toBe(true);
      const text = fileAt(repo, report!.branch, testFile);
      expect(text).toMatch(/import \{ add \} from '(\.\.?\/)+(src\/)?math(\.[jt]s)?'/);
      expect(text).toContain('expect(add(2, 3)).toBe(5);');
      const otherTest = testFile.replace(/math\.test\.ts$/, 'other.test.ts');
      expect(existsAt(repo, report!.branch, otherTest)).toBe(false);
      expect(
        repo.git('diff', '--name-only', `${report!.baseCommit}..${report!.branch}`).split('\n').filter(Boolean),
      ).toEqual([testFile]);
      // The test runs left nothing in the user's repository (vitest's caches stay in the run's worktree).
      expect(repo.git('status', '--porcelain', '--ignored=no').trim()).toBe('');
    },
  );

  it('custom: a bounded instruction on one declaration is committed; a replacement that renames the function is rejected by the gate', async ({
    expect,
    onTestFinished,
  }) => {
    const instructions = 'rename the parameter x to value';
    const run = await engineKinds(
      {
        files: { 'src/scale.ts': SCALE_TS },
        script: {
          steps: [step({ kind: 'custom', names: ['scale', 'shift'], instructions })],
          worker: (input) => ({
            code: input.includes('`shift`')
              ? 'export function moved(value: number): number {\n  return value + 1;\n}'
              : 'export function scale(value: number): number {\n  return value * 2;\n}',
          }),
        },
        task: instructions,
      },
      onTestFinished,
    );
    const { repo, server, report } = run;
    expect(run.error).toBeNull();
    expect(run.report!.status).toBe('completed-with-failures');
    expect(report!.jobs).toEqual({ total: 2, succeeded: 1, failed: 1, skipped: 0 });
    for (const r of requests(server, 'worker')) expect(inputText(r)).toContain(instructions);
    expect(item(report!, 'scale').status).toBe('succeeded');
    const shift = item(report!, 'shift');
    expect(shift.status).toBe('failed');
    expect(shift.attempts).toHaveLength(3);
    for (const a of shift.attempts) expect(a.rejected).toMatch(/scope/);
    expect(workerRequestsFor(server, '`shift`')).toHaveLength(3);
    expect(
      requests(server, 'verifier')
        .flatMap(verifierItems)
        .some((i) => i.text.includes('moved')),
    ).toBe(false);
    const scaled = fileAt(repo, report!.branch, 'src/scale.ts');
    expect(scaled).toBe(
      SCALE_TS.replace(
        'scale(x: number): number {\n  return x * 2;',
        'scale(value: number): number {\n  return value * 2;',
      ),
    );
    expect(scaled).not.toContain('moved');
    expect(report!.commits).toHaveLength(1);
  });

  it("custom with a test command: the tests run in the run's tree, which holds every file of the base commit, and a change they fail is rejected", async ({
    expect,
    onTestFinished,
  }) => {
    const logDir = makeRepo({}, { git: false, prefix: 'tests-gate-' });
    onTestFinished(() => logDir.cleanup());
    const log = path.join(logDir.dir, 'runs.log');
    // The repository's tests: the untouched files must be there, and scale must still double.
    const check = [
      "import { appendFileSync, readFileSync } from 'node:fs';",
      "const scale = readFileSync('src/scale.ts', 'utf8');",
      "const other = readFileSync('lib/deep/other.ts', 'utf8');",
      `appendFileSync(${JSON.stringify(log)}, scale.includes('* 3') ? 'triples\\n' : 'doubles\\n');`,
      "if (!other.includes('OTHER')) process.exit(3);",
      "if (scale.includes('* 3')) { console.error('scale must double'); process.exit(1); }",
      '',
    ].join('\n');
    const instructions = 'rename the parameter x to value';
    const run = await engineKinds(
      {
        files: {
          'src/scale.ts': SCALE_TS,
          'lib/deep/other.ts': 'export const OTHER = 1;\n',
          'check.mjs': check,
          'agents.config.ts': "export default { testCommand: ['node', 'check.mjs'], ladder: { escalate: false } };\n",
        },
        script: {
          steps: [step({ kind: 'custom', names: ['scale'], instructions })],
          worker: () => ({ code: 'export function scale(value: number): number {\n  return value * 3;\n}' }),
        },
        task: instructions,
      },
      onTestFinished,
    );
    const { report } = run;
    expect(run.error).toBeNull();
    expect(run.report!.status).toBe('completed-with-failures');
    expect(report!.warnings.filter((w: string) => /tests gate|tests fail at the base/.test(w))).toEqual([]);
    const scale = item(report!, 'scale');
    expect(scale.status).toBe('failed');
    expect(scale.error).toMatch(/^tests fail with this change: .*scale must double/s);
    // Run at the base (passing: every file was there), then once per attempt with the change.
    expect(readFileSync(log, 'utf8')).toBe('doubles\ntriples\ntriples\n');
    expect(report!.commits).toHaveLength(0);
  });

  it('reformat/conventions: only the declaration with `var` gets a job, with the AGENTS.md Style section and not the unrelated one', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await engineKinds(
      {
        files: { 'AGENTS.md': AGENTS_MD, 'src/legacy.ts': LEGACY_TS },
        script: {
          steps: [step({ kind: 'reformat', variant: 'conventions', instructions: 'convert var to let/const' })],
          worker: () => ({
            code: 'export function total(items: number[]): number {\n  let sum = 0;\n  for (const item of items) sum += item;\n  return sum;\n}',
          }),
        },
        task: 'convert var to let/const',
      },
      onTestFinished,
    );
    const { repo, server, report } = run;
    expect(run.error).toBeNull();
    expect(report!.status).toBe('completed');
    expect(report!.jobs).toEqual({ total: 1, succeeded: 1, failed: 0, skipped: 0 });
    expect(item(report!, 'total').status).toBe('succeeded');
    const workers = requests(server, 'worker');
    expect(workers).toHaveLength(1);
    const input = inputText(workers[0]!);
    expect(input).toContain('`total`');
    expect(input).toContain('Use const, never var.');
    expect(input).not.toContain('Releases');
    expect(input).not.toContain('semver');
    expect(requests(server, 'verifier')).toHaveLength(1);
    const legacy = fileAt(repo, report!.branch, 'src/legacy.ts');
    expect(legacy).toBe(LEGACY_TS.replace('var sum', 'let sum'));
    expect(report!.commits).toHaveLength(1);
  });

  it('review HEAD~1: a worker per hunk with a line-bounded schema; low-confidence and verifier-rejected annotations dropped; nothing committed', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await engineKinds(
      {
        files: { 'src/calc.ts': CALC_V1 },
        prepare: (repo) => {
          repo.write('src/calc.ts', CALC_V2);
          commitAll(repo, 'change calc');
        },
        script: {
          worker: (input) => {
            const { start } = hunkOf(input);
            if (start === 2) return { annotations: [note(2, 'magic-number', 0.9), note(2, 'unsure-guess', 0.3)] };
            if (start === 6) return { annotations: [note(6, 'lost-trim', 0.8, 'error')] };
            return { annotations: [] };
          },
          accept: (i) => !i.text.includes('Changed lines: 6-6'),
        },
        task: 'review HEAD~1',
        run: { review: { base: 'HEAD~1', head: null } },
      },
      onTestFinished,
    );
    const { repo, server, report } = run;
    const head = repo.git('rev-parse', 'HEAD').trim();
    expect(requests(server, 'planner')).toHaveLength(0);
    expect(report!.baseCommit).toBe(head);
    expect(report!.plan.steps.map((s: any) => s.kind)).toEqual(['review']);

    // One worker request per changed hunk (three hunks), holding the hunk's code and not the rest of the file.
    const workers = requests(server, 'worker');
    const hunks = [...new Set(workers.map((r) => JSON.stringify(hunkOf(inputText(r)))))].map((h) => JSON.parse(h));
    expect(hunks.sort((a, b) => a.start - b.start)).toEqual([
      { start: 2, end: 2 },
      { start: 6, end: 6 },
      { start: 10, end: 10 },
    ]);
    for (const r of workers) {
      const { start, end } = hunkOf(inputText(r));
      const line = r.schema.properties.annotations.items.properties.line;
      expect([line.minimum, line.maximum]).toEqual([start, end]);
      const endLine = r.schema.properties.annotations.items.properties.endLine;
      expect([endLine.minimum, endLine.maximum]).toEqual([start, end]);
      expect(inputText(r)).toContain(CALC_V2.split('\n')[start - 1]);
      expect(inputText(r)).not.toContain('untouchedHelper');
      expect(inputText(r)).not.toContain('toLowerCase');
    }
    const first = workers.find((r) => hunkOf(inputText(r)).start === 2)!;
    expect(inputText(first)).not.toContain('name;');

    // The hunk the verifier rejects goes down the ladder and fails; the empty hunk needs no verifier; the kept one succeeds.
    expect(workerRequestsFor(server, 'Changed lines: 6-6')).toHaveLength(3);
    expect(workerRequestsFor(server, 'Changed lines: 2-2')).toHaveLength(1);
    expect(workerRequestsFor(server, 'Changed lines: 10-10')).toHaveLength(1);
    const judged = requests(server, 'verifier').flatMap(verifierItems);
    expect(judged.some((i) => i.text.includes('Changed lines: 10-10'))).toBe(false);
    expect(item(report!, 'lines 2-2').status).toBe('succeeded');
    expect(item(report!, 'lines 10-10').status).toBe('succeeded');
    expect(item(report!, 'lines 6-6').status).toBe('failed');
    expect(run.error).toBeNull();
    expect(run.report!.status).toBe('completed-with-failures');
    expect(report!.status).toBe('completed-with-failures');

    // Only the confident, verified annotation is reported.
    expect(report!.annotations).toEqual([
      {
        file: 'src/calc.ts',
        line: 2,
        endLine: 2,
        severity: 'warning',
        ruleId: 'magic-number',
        message: 'Finding magic-number.',
        source: 'model',
        confidence: 0.9,
      },
    ]);
    // Nothing committed, no branch kept, the user's repository untouched.
    expect(report!.commits).toEqual([]);
    expect(report!.branch).toBeNull();
    expect(runBranches(repo)).toEqual([]);
    expect(repo.git('rev-parse', 'HEAD').trim()).toBe(head);
    expect(repo.git('status', '--porcelain').trim()).toBe('');
  });
});
