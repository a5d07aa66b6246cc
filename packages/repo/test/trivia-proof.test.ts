import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../test/bench/synthetic.js';
import { applyEdits, proveCommentOnly, triviaCertificate, type Edit } from '../src/index.js';

/** An edit of `[start, end)` of `before` into `text`. */
const edit = (before: string, start: number, end: number, text: string): Edit => ({
  owner: 'j',
  start,
  end,
  text,
  expect: before.slice(start, end),
});
/** An insertion of `text` before the first occurrence of `marker` (at `offset` into it). */
const insert = (before: string, marker: string, text: string, offset = 0): Edit => {
  const at = before.indexOf(marker);
  if (at < 0) throw new Error(`no ${marker}`);
  return edit(before, at + offset, at + offset, text);
};
const certified = (before: string, edits: Edit[], file = 'src/a.ts') =>
  triviaCertificate(file, before, applyEdits(before, edits).text, edits);

const SOURCE = [
  'import { x } from "./x";',
  '',
  'export function add(a: number, b: number): number {',
  '  return a + b;',
  '}',
  '',
  '/** Old doc. */',
  'export class Box<T> {',
  '  constructor(private readonly value: T) {}',
  '  get(): T {',
  '    return this.value;',
  '  }',
  '}',
  '',
].join('\n');

describe('triviaCertificate: what a docstring job does is shown without a second parse', () => {
  it('shows an inserted doc comment, a rewritten one and an indented one, in one file', () => {
    const edits = [
      insert(SOURCE, 'export function add', '/**\n * Adds two numbers.\n * @param a - first\n */\n'),
      edit(SOURCE, SOURCE.indexOf('/** Old doc. */'), SOURCE.indexOf('export class'), '/** New doc. */\n'),
      insert(SOURCE, '  get(): T', '/** Reads it. */\n  ', 2),
    ];
    expect(certified(SOURCE, edits)).toBe(true);
    expect(proveCommentOnly('src/a.ts', SOURCE, applyEdits(SOURCE, edits).text).ok).toBe(true);
  });

  it('shows comments on CRLF lines, at the end of the file and in a file that is one declaration', () => {
    const crlf = 'export const a = 1;\r\nexport const b = 2;\r\n';
    expect(certified(crlf, [insert(crlf, 'export const b', '/** B. */\r\n')])).toBe(true);
    expect(certified(crlf, [edit(crlf, crlf.length, crlf.length, '// end\n')])).toBe(true);
    const one = 'export const a = 1;\n';
    expect(certified(one, [edit(one, 0, 0, '/** A. */\n')])).toBe(true);
  });
});

describe('triviaCertificate: anything else is left to the full proof', () => {
  const cases: [string, string, (before: string) => Edit[], string?][] = [
    ['inside a string', 'const s = "a b";\n', (b) => [insert(b, 'a b', '/* x */ ', 1)]],
    ['inside a template', 'const s = `a ${1} b`;\n', (b) => [insert(b, ' b`', '/* x */')]],
    ['inside JSX text', 'const e = <div> hello </div>;\n', (b) => [insert(b, ' hello', '/* x */ ')], 'src/a.tsx'],
    ['at the start of JSX text', 'const e = <div>hello</div>;\n', (b) => [insert(b, 'hello', '/* x */')], 'src/a.tsx'],
    ['inside an identifier', 'const value = 1;\n', (b) => [insert(b, 'alue', '/* x */')]],
    ['inside a regular expression', 'const r = /a b/;\n', (b) => [insert(b, ' b/', '/* x */')]],
    ['between tokens that had no gap (`>>` is rescanned)', 'const a = b >> c;\n', (b) => [insert(b, '> c', '/**/')]],
    ['a line comment that swallows the next token', 'let a = 1; let b = 2;\n', (b) => [insert(b, 'let b', '// note ')]],
    ['a line break after `return`', 'function f() {\n  return 1;\n}\n', (b) => [insert(b, ' 1;', '/*\n*/')]],
    ['a line break that goes', 'let a = 1\n++a;\n', (b) => [edit(b, b.indexOf('\n++'), b.indexOf('\n++') + 1, ' ')]],
    ['a directive added', 'let a: number = 1;\n', (b) => [edit(b, 0, 0, '// @ts-ignore\n')]],
    [
      'a line put between a directive and its code',
      '// @ts-expect-error\nlet a: number = "x";\n',
      (b) => [insert(b, 'let a', '/** A. */\n')],
    ],
    ['a pragma added', 'export const a = 1;\n', (b) => [edit(b, 0, 0, '/** @jsx h */\n')]],
    ['a comment joined to a `/` before it', 'const a = b / c;\n', (b) => [insert(b, ' c;', '/* x */')]],
    ['an unterminated comment', 'let a = 1;\nlet b = 2;\n', (b) => [insert(b, 'let b', '/* x\n')]],
    ['a conflict marker', 'let a = 1;\nlet b = 2;\n', (b) => [insert(b, 'let b', '<<<<<<< HEAD\n')]],
    ['text before a shebang', '#!/usr/bin/env node\nlet a = 1;\n', (b) => [edit(b, 0, 0, '/** A. */\n')]],
    ['code', 'let a = 1;\nlet b = 2;\n', (b) => [insert(b, 'let b', 'let c = 3;\n')]],
    [
      'two edits in one gap',
      'let a = 1;\n\nlet b = 2;\n',
      (b) => [insert(b, '\nlet b', '/* x */'), insert(b, 'let b', '/* y */\n')],
    ],
    ['a file with syntax errors', 'let a = ;\nlet b = 2;\n', (b) => [insert(b, 'let b', '/** B. */\n')]],
  ];
  for (const [name, before, edits, file] of cases) {
    it(`not shown: ${name}`, () => {
      expect(certified(before, edits(before), file)).toBe(false);
    });
  }

  it('is not fooled by edits that do not make `after`', () => {
    const before = 'let a = 1;\nlet b = 2;\n';
    const edits = [insert(before, 'let b', '/** B. */\n')];
    expect(triviaCertificate('src/a.ts', before, before.replace('let b = 2', 'let b = 3'), edits)).toBe(false);
    const overlapping = [edit(before, 0, 5, '/* x */'), edit(before, 3, 7, '/* y */')];
    expect(triviaCertificate('src/a.ts', before, '/* x *//* y */= 1;\nlet b = 2;\n', overlapping)).toBe(false);
  });
});

const TRICKY = [
  '#!/usr/bin/env node',
  '// @ts-expect-error the next line',
  'const re = /a\\/b*c/g, d = 4 / 2 / 1;',
  'const t = `x ${`y ${1}`} z`;',
  'let q = a >> b >>> c >= d;',
  'function f() {',
  '  return',
  '  1;',
  '}',
  'let i = 0',
  '++i',
  'type G = Array<Array<number>>;',
  'const e = <div a="1">  text {i} <b>more</b></div>;',
  '/* block */ const s = "str // not a comment";',
  'export default class K<T> extends Base<T> { m(): void {} }',
  '',
].join('\n');
const PIECES = [
  '/** doc */\n',
  '/* c */',
  ' ',
  '\n',
  '// c\n',
  '// c',
  '/*\n*/',
  '/* @ts-ignore */',
  '/*',
  '*/',
  '/',
  'x',
  '`',
  '\u2028',
  '<<<<<<< a\n',
  '\r\n',
];

describe('triviaCertificate: whatever it shows, the full proof agrees', () => {
  it('holds for 3,000 random edits of a tricky file (strings, templates, regexes, JSX, `>>`, ASI, directives)', () => {
    const next = mulberry32(7);
    let shown = 0;
    for (let n = 0; n < 3000; n++) {
      const start = Math.floor(next() * (TRICKY.length + 1));
      const end = next() < 0.8 ? start : Math.min(TRICKY.length, start + Math.floor(next() * 4));
      const text = Array.from(
        { length: 1 + Math.floor(next() * 2) },
        () => PIECES[Math.floor(next() * PIECES.length)]!,
      ).join('');
      const edits = [edit(TRICKY, start, end, text)];
      const after = applyEdits(TRICKY, edits).text;
      if (!triviaCertificate('src/t.tsx', TRICKY, after, edits)) continue;
      shown++;
      const full = proveCommentOnly('src/t.tsx', TRICKY, after);
      expect(full.ok, `${JSON.stringify(text)} at ${start}..${end}: ${JSON.stringify(full)}`).toBe(true);
    }
    // Not vacuous: many of the edits are trivia between tokens, and those are shown.
    expect(shown).toBeGreaterThan(100);
  });
});
