import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlanStep } from '@orchestrate/core';
import { indexFiles } from '@orchestrate/repo';
import { codeStyleOf, editorconfigStyle } from '../src/boilerplate/test-frame.js';
import { testsKind } from '../src/boilerplate/tests.js';
import { syntaxErrors } from '../src/code-text.js';
import { kindContextFor, type JobOutcome } from '../src/index.js';

const cleanups: string[] = [];
afterEach(() => {
  for (const d of cleanups.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A repository root holding only an `.editorconfig` (or nothing). */
function rootWith(editorconfig?: string): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'jobs-tests-')));
  cleanups.push(dir);
  if (editorconfig !== undefined) writeFileSync(path.join(dir, '.editorconfig'), editorconfig);
  return dir;
}

const TABS_NO_SEMI =
  "import { join } from 'node:path'\n\nexport function add(a: number, b: number): number {\n\treturn a + b\n}\n\nexport const twice = (n: number): number => {\n\treturn add(n, n)\n}\n";
const SPACES_DOUBLE =
  'import { join } from "node:path";\n\nexport function add(a: number, b: number): number {\n    return a + b;\n}\n\nexport const twice = (n: number): number => {\n    return add(n, n);\n};\n';

const step: PlanStep = {
  id: 'step-1',
  kind: 'boilerplate',
  variant: 'tests',
  selector: {
    paths: ['src/math.ts'],
    declarationKinds: [],
    names: [],
    exportedOnly: false,
    missingDocsOnly: false,
    changedSince: null,
  },
  instructions: '',
};

/** Generates the test file for src/math.ts in a repository with `files`, the given runner and root. */
function generate(
  runner: string,
  files: Record<string, string>,
  output: 'offline' | Record<string, { name: string; code: string }[]>,
  root = rootWith(),
) {
  const index = indexFiles(Object.entries(files).map(([p, text]) => ({ path: p, text })));
  const ctx = kindContextFor(index, {
    root,
    tests: {
      runner,
      pathFor: (source) => source.replace(/^src\//, 'test/').replace(/\.ts$/, runner === 'ava' ? '.ts' : '.test.ts'),
    },
  });
  const [target] = testsKind.select(step, ctx);
  const answer =
    output === 'offline'
      ? (testsKind.offline(target!, ctx) as Parameters<typeof testsKind.apply>[1])
      : { tests: Object.entries(output).map(([functionName, cases]) => ({ functionName, cases })) };
  const outcome = testsKind.apply(target!, answer, ctx) as JobOutcome;
  const file = outcome.newFiles[0]!;
  expect(syntaxErrors(file.path, file.text), file.text).toBe(0);
  return { ...file, context: testsKind.contextPack(target!, ctx) };
}

const CASES = { add: [{ name: 'adds two numbers', code: 't.is(add(1, 2), 3)' }] };

describe('generated tests use the repository runner and style', () => {
  it("an ava repository gets ava's API (test + t), tab-indented, without semicolons, never vitest", () => {
    const file = generate(
      'ava',
      {
        'src/math.ts': TABS_NO_SEMI,
        'test/parse.ts': "import test from 'ava'\n\ntest('x', (t) => {\n\tt.pass()\n})\n",
      },
      CASES,
    );
    expect(file.path).toBe('test/math.ts');
    expect(file.text).toBe(
      [
        "import test from 'ava'",
        "import { add } from '../src/math'",
        '',
        "test('add: adds two numbers', async (t) => {",
        '\tt.is(add(1, 2), 3)',
        '})',
        '',
      ].join('\n'),
    );
    expect(file.context).toMatch(
      /Test runner: ava; assertions: ava's `t`.*code style: tabs, single quotes, no semicolons/,
    );
  });

  it('ava skeletons (offline) are todos whose titles use the imports', () => {
    const file = generate('ava', { 'src/math.ts': TABS_NO_SEMI }, 'offline');
    expect(file.text).toContain("import { add, twice } from '../src/math'");
    expect(file.text).toContain('test.todo(`${add.name} works`)\n');
    expect(file.text).not.toMatch(/vitest|describe/);
  });

  it("node:test with node's assert, indented as .editorconfig says, double quotes and semicolons from the files", () => {
    const root = rootWith('root = true\n\n[*]\nindent_style = space\nindent_size = 3\n\n[*.md]\nindent_size = 2\n');
    const file = generate(
      'node',
      { 'src/math.ts': SPACES_DOUBLE },
      { add: [{ name: 'adds', code: 'assert.equal(add(1, 2), 3);' }] },
      root,
    );
    expect(file.text).toBe(
      [
        'import { describe, it } from "node:test";',
        'import assert from "node:assert/strict";',
        'import { add } from "../src/math";',
        '',
        'describe(add.name, () => {',
        '   it("adds", async () => {',
        '      assert.equal(add(1, 2), 3);',
        '   });',
        '});',
        '',
      ].join('\n'),
    );
  });

  it('jest imports from @jest/globals when the repository does, and uses the globals when it does not', () => {
    const existing =
      "import { describe, expect, it } from '@jest/globals';\n\ndescribe('x', () => {\n  it('y', () => {\n    expect(1).toBe(1);\n  });\n});\n";
    const cases = { add: [{ name: 'adds', code: 'expect(add(1, 2)).toBe(3);' }] };
    const withGlobals = generate('jest', { 'src/math.ts': SPACES_DOUBLE, 'src/x.test.ts': existing }, cases);
    expect(withGlobals.text.split('\n')[0]).toBe("import { describe, expect, it } from '@jest/globals';");
    const plain = generate('jest', { 'src/math.ts': SPACES_DOUBLE }, cases);
    expect(plain.text.split('\n')[0]).toBe('import { add } from "../src/math";');
  });

  it("mocha uses chai's expect when the repository's tests do, else node's assert", () => {
    const chai =
      "import { expect } from 'chai';\n\ndescribe('x', () => {\n  it('y', () => {\n    expect(1).to.equal(1);\n  });\n});\n";
    const withChai = generate(
      'mocha',
      { 'src/math.ts': TABS_NO_SEMI, 'test/x.test.ts': chai },
      { add: [{ name: 'adds', code: 'expect(add(1, 2)).to.equal(3);' }] },
    );
    expect(withChai.text).toContain("import { expect } from 'chai';\n");
    expect(withChai.context).toMatch(/assertions: expect\(\.\.\.\) from chai/);
    const plain = generate(
      'mocha',
      { 'src/math.ts': TABS_NO_SEMI },
      { add: [{ name: 'adds', code: 'assert.equal(add(1, 2), 3)' }] },
    );
    expect(plain.text).toContain("import assert from 'node:assert/strict'\n");
  });

  it('uses require when the repository loads modules with it (a default export is `default`)', () => {
    const source = 'export default function add(a: number, b: number): number {\n  return a + b;\n}\n';
    const existing =
      "const { describe, it } = require('node:test');\nconst assert = require('node:assert/strict');\n\ndescribe('x', () => {\n  it('y', () => {\n    assert.ok(true);\n  });\n});\n";
    const file = generate(
      'node',
      { 'src/math.ts': source, 'test/x.test.ts': existing },
      { add: [{ name: 'adds', code: 'assert.equal(add(1, 2), 3);' }] },
    );
    expect(file.text.split('\n').slice(0, 3)).toEqual([
      "const { describe, it } = require('node:test');",
      "const assert = require('node:assert/strict');",
      "const { default: add } = require('../src/math');",
    ]);
  });

  it('keeps the vitest frame for a repository that says nothing (two spaces, single quotes, semicolons)', () => {
    const file = generate(
      'vitest',
      { 'src/math.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n' },
      'offline',
    );
    expect(file.text).toBe(
      "import { describe, it } from 'vitest';\nimport { add } from '../src/math';\n\ndescribe(add.name, () => {\n  it.todo('add works');\n});\n",
    );
  });

  it('writes CRLF files for a CRLF repository', () => {
    const file = generate(
      'vitest',
      { 'src/math.ts': 'export function add(a: number, b: number): number {\r\n  return a + b;\r\n}\r\n' },
      'offline',
    );
    expect(file.text).toContain("from 'vitest';\r\n");
    expect(file.text.replace(/\r\n/g, '')).not.toContain('\n');
  });
});

describe('codeStyleOf / editorconfigStyle', () => {
  const style = { indent: '  ', quote: "'", semicolons: true, eol: '\n' } as const;

  it('takes the majority of the files', () => {
    expect(codeStyleOf([{ text: TABS_NO_SEMI }, { text: TABS_NO_SEMI }, { text: SPACES_DOUBLE }], null)).toEqual({
      indent: '\t',
      quote: "'",
      semicolons: false,
      eol: '\n',
    });
    expect(codeStyleOf([{ text: SPACES_DOUBLE }], null)).toEqual({
      indent: '    ',
      quote: '"',
      semicolons: true,
      eol: '\n',
    });
    expect(codeStyleOf([], null)).toEqual(style);
  });

  it('reads the sections that cover a .ts file, later ones winning', () => {
    expect(editorconfigStyle('[*]\nindent_style = tab\n', style)).toEqual({ indent: '\t' });
    expect(
      editorconfigStyle(
        '[*]\nindent_style = tab\n[*.{ts,tsx}]\nindent_style = space\nindent_size = 4\nend_of_line = crlf\nquote_type = double\n',
        style,
      ),
    ).toEqual({
      indent: '    ',
      eol: '\r\n',
      quote: '"',
    });
    expect(editorconfigStyle('[*.md]\nindent_style = tab\n[Makefile]\nindent_style = tab\n', style)).toEqual({});
    expect(editorconfigStyle('# comment\n[*]\nindent_size = 4 ; four\n', { ...style, indent: '\t' })).toEqual({});
  });
});
