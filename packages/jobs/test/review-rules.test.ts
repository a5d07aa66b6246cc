import { describe, expect, it } from 'vitest';
import type { LineRange } from '@orchestrate/repo';
import { RULES, runRules, shannonEntropy, type Annotation, type RuleId } from '../src/review/index.js';

/** Every line of `lines` counts as changed unless `changed` says which (1-based line numbers). */
function run(lines: string[], changed?: number[], file = 'src/a.ts'): Annotation[] {
  const ranges: LineRange[] = (changed ?? lines.map((_, i) => i + 1)).map((n) => ({ start: n, end: n }));
  return runRules(file, lines.join('\n') + '\n', ranges);
}
const only = (list: Annotation[], ruleId: RuleId) => list.filter((a) => a.ruleId === ruleId);
const linesOf = (list: Annotation[], ruleId: RuleId) => only(list, ruleId).map((a) => a.line);
/** Every line number of `lines` except `n`. */
const allBut = (lines: string[], n: number) => lines.map((_, i) => i + 1).filter((l) => l !== n);

// Credential-shaped fixtures are assembled at run time so the repository never holds one literally.
const join = (...parts: string[]) => parts.join('');
const RANDOM = 'Zq8Xv2LmP4tR9wYk3Hs7Nd1B';
const FAKE = {
  privateKey: join('-----BEGIN RSA ', 'PRIVATE KEY-----'),
  aws: join('AKIA', 'Q3V7EXAMPLEZ2Y4W'),
  github: join('ghp', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'),
  githubPat: join('github', '_pat_', '11ABCDEFG0123456789_abcdefghijklmnop'),
  openai: join('sk', '-proj-', 'Ab3De5Gh7Jk9Mn2Pq4St6Vw8Yz'),
  slack: join('xox', 'b-', '1234567890-abcdefghij'),
};

/** For each rule: code whose line `line` has exactly that issue. */
const CASES: Record<RuleId, { lines: string[]; line: number }> = {
  'no-explicit-any': { lines: ['export const a = 1;', 'export function f(x: any): unknown { return x; }'], line: 2 },
  'no-non-null-assertion': {
    lines: ['export function f(m: Map<string, number>): number {', '  return m.get("k")!;', '}'],
    line: 2,
  },
  'no-console-log': { lines: ['export function f(): void {', '  console.log("hi");', '}'], line: 2 },
  'no-empty-catch': { lines: ['export function f(g: () => void): void {', '  try { g(); } catch {}', '}'], line: 2 },
  eqeqeq: { lines: ['export function f(a: unknown): boolean {', '  return a != 1;', '}'], line: 2 },
  'no-todo': { lines: ['export const a = 1;', '// TODO: remove this', 'export const b = 2;'], line: 2 },
  'no-secret-literal': { lines: ['export const url = "x";', `export const apiKey = "${RANDOM}";`], line: 2 },
  'no-unused': { lines: ['export function f(): number {', '  const unused = 1;', '  return 2;', '}'], line: 2 },
  'missing-doc-export': {
    lines: ['/** Documented. */', 'export function documented(): void {}', 'export function bare(): void {}'],
    line: 3,
  },
};

describe('runRules: every rule reports its issue on a changed line, and nothing when that line is unchanged', () => {
  it('has a case for every rule', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(RULES).sort());
  });

  for (const [ruleId, { lines, line }] of Object.entries(CASES) as [RuleId, (typeof CASES)[RuleId]][]) {
    it(ruleId, () => {
      const found = only(run(lines, [line]), ruleId);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        file: 'src/a.ts',
        line,
        endLine: line,
        ruleId,
        severity: RULES[ruleId].severity,
        source: 'rule',
      });
      expect(found[0]!.message.length).toBeGreaterThan(0);
      expect(only(run(lines, allBut(lines, line)), ruleId)).toEqual([]);
    });
  }

  it('returns nothing when no line changed', () => {
    expect(run(CASES['no-console-log'].lines, [])).toEqual([]);
  });
});

describe('no-explicit-any', () => {
  it('flags `any` written as a type, not a name, a string or a comment', () => {
    const out = run([
      'const any = 1;',
      'export const s = "any"; // any',
      'export const xs: Array<any> = [];',
      'export const y = any as any;',
      'export let z: any[] = [];',
    ]);
    expect(linesOf(out, 'no-explicit-any')).toEqual([3, 4, 5]);
  });
});

describe('no-non-null-assertion', () => {
  it('flags each `!` (on the line of the `!`) but not a definite assignment', () => {
    const out = run([
      'declare const a: { b?: { c?: number } };',
      'export let x!: number;',
      'export const c = a.b!.c!;',
      'export const d = a',
      '  .b!;',
    ]);
    expect(linesOf(out, 'no-non-null-assertion')).toEqual([3, 3, 5]);
  });
});

describe('no-console-log', () => {
  it('flags console.log and console.debug in any call form, not other methods or loggers', () => {
    const out = run([
      'declare const logger: { log(s: string): void };',
      'console.warn("w"); console.error("e"); logger.log("x");',
      'console["log"]("a");',
      'console?.debug("b");',
    ]);
    expect(linesOf(out, 'no-console-log')).toEqual([3, 4]);
    expect(only(out, 'no-console-log')[1]!.message).toContain('console.debug');
  });
});

describe('no-empty-catch', () => {
  it('flags an empty catch across lines, not one with a statement or an explanatory comment', () => {
    const out = run([
      'export function f(g: () => void): void {',
      '  try { g(); } catch (e) {',
      '  }',
      '  try { g(); } catch { /* best effort: the cache is optional */ }',
      '  try { g(); } catch (e) { throw e; }',
      '  try { g(); } finally {}',
      '}',
    ]);
    expect(only(out, 'no-empty-catch').map((a) => [a.line, a.endLine])).toEqual([[2, 3]]);
  });
});

describe('eqeqeq', () => {
  it('flags == and != except against null, and suggests the strict operator', () => {
    const out = run([
      'export function f(a: unknown, b: unknown): boolean[] {',
      '  return [a == null, null != b, a === b, a == undefined, a != b];',
      '}',
    ]);
    const found = only(out, 'eqeqeq');
    expect(found.map((a) => a.message)).toEqual([
      'Loose equality `==` coerces its operands.',
      'Loose equality `!=` coerces its operands.',
    ]);
    expect(found[0]!.suggestion).toContain('`===`');
  });
});

describe('no-todo', () => {
  it('flags TODO and FIXME in comments (on the marker’s line), never in strings, templates, regexes or JSX text', () => {
    const out = run(
      [
        'export const s = "TODO not a comment";',
        'export const t = `FIXME ${s} TODO`;',
        'export const r = /\\/\\/ TODO/;',
        'export const el = <p>// TODO text</p>;',
        '/**',
        ' * Does things.',
        ' * FIXME: handle the empty case',
        ' */',
        'export function f(): void {} // TODO(ann): rename',
        '// todo in lower case is prose',
      ],
      undefined,
      'src/a.tsx',
    );
    expect(only(out, 'no-todo').map((a) => [a.line, a.message])).toEqual([
      [7, 'FIXME left in a comment: handle the empty case'],
      [9, 'TODO left in a comment: (ann): rename'],
    ]);
  });
});

describe('no-secret-literal', () => {
  it('flags every known credential format, without repeating the value in the message', () => {
    const values = Object.values(FAKE);
    const out = run(values.map((v, i) => `export const v${i} = "${v}";`));
    const found = only(out, 'no-secret-literal');
    expect(found.map((a) => a.line)).toEqual(values.map((_, i) => i + 1));
    for (const a of found) for (const v of values) expect(a.message).not.toContain(v);
    expect(found.every((a) => a.severity === 'error')).toBe(true);
  });

  it('flags a random-looking string assigned to a secret-like name, and not words, placeholders or other names', () => {
    const out = run([
      `export const apiKey = "${RANDOM}";`,
      `export const config = { clientSecret: "${RANDOM}" };`,
      `let GITHUB_TOKEN: string; GITHUB_TOKEN = "${RANDOM}";`,
      `export const description = "${RANDOM}";`,
      `export const tokenUrl = "${RANDOM}";`,
      'export const password = "changeme-changeme-changeme";',
      'export const dbPassword = "Please enter your database password here";',
      'export const key = "Zq8Xv2LmP4";',
    ]);
    expect(linesOf(out, 'no-secret-literal')).toEqual([1, 2, 3]);
  });

  it('scans any text file for known formats, but runs no code rules on it', () => {
    const out = run([`GITHUB_TOKEN=${FAKE.github}`, 'console.log(x == y) // TODO'], undefined, '.env.example');
    expect(out.map((a) => [a.line, a.ruleId])).toEqual([[1, 'no-secret-literal']]);
  });

  it('measures Shannon entropy in bits per character', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
    expect(shannonEntropy('')).toBe(0);
  });
});

describe('no-unused', () => {
  it('reports unused imports, locals, parameters, types and type parameters from the checker', () => {
    const out = run([
      'import { used, unusedImport } from "./dep";',
      'import type { T } from "./types";',
      'type Hidden = string;',
      'export function f<U>(p: number, _ignored: number): number {',
      '  const local = used;',
      '  return 1;',
      '}',
      'export type Exported = string;',
    ]);
    const found = only(out, 'no-unused');
    expect(found.map((a) => a.line)).toEqual([1, 2, 3, 4, 4, 5]);
    expect(found.map((a) => a.message).join('\n')).toMatch(
      /'unusedImport'.*\n.*'T'.*\n.*'Hidden'.*\n.*'U'.*\n.*'p'.*\n.*'local'/,
    );
  });

  it('works on JavaScript files too', () => {
    expect(linesOf(run(['export function f() {', '  const x = 1;', '}'], undefined, 'src/a.js'), 'no-unused')).toEqual([
      2,
    ]);
  });
});

describe('missing-doc-export', () => {
  it('flags exported declarations without a doc comment, not documented or private ones', () => {
    const out = run([
      'export interface I { a: number }',
      'export type T = string;',
      'export enum E { A }',
      'export class C {}',
      'export const arrow = (n: number): number => n;',
      '/** Documented. */',
      'export function documented(): void {}',
      'function internal(): void {}',
      'internal();',
    ]);
    expect(only(out, 'missing-doc-export').map((a) => [a.line, a.message])).toEqual([
      [1, 'Exported interface `I` has no doc comment.'],
      [2, 'Exported type alias `T` has no doc comment.'],
      [3, 'Exported enum `E` has no doc comment.'],
      [4, 'Exported class `C` has no doc comment.'],
      [5, 'Exported arrow function `arrow` has no doc comment.'],
    ]);
  });

  it('ignores an old declaration whose body changed but whose declaration line did not', () => {
    const out = run(['export function old(): number {', '  return 2;', '}'], [2]);
    expect(only(out, 'missing-doc-export')).toEqual([]);
  });
});

describe('line numbers', () => {
  it('count lines as git does (only \\n), with a byte-order mark and U+2028 or a lone \\r inside the code', () => {
    const lines = ['\uFEFFexport const s = "a\u2028b"; // c\rd', 'console.log(s);', 'export function f(): void {}'];
    const out = run(lines, [2, 3]);
    expect(out.map((a) => [a.line, a.ruleId])).toEqual([
      [2, 'no-console-log'],
      [3, 'missing-doc-export'],
    ]);
  });
});
