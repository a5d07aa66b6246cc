import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { proveFormattingOnly } from '../src/index.js';

const MESSY_TS = `#!/usr/bin/env node
'use strict'
/// <reference types="node" />
import {readFile} from 'node:fs/promises'
;[1, 2].forEach(n => console.log(n))
const o = {'a': 1, "b-c": 2, 3: 'x', 'd': \`t\${1}\`, 0XFF: 1.50, e: .5, f: 'it\\'s'}
class A extends B { 'm'() {} ; p = 1;; static s = (1 + 2) * 3; constructor() { super() } }
interface I { a: string, b: number, }
type U =
  | 'a'
  | 'b'
type F = ((x: number) => void) | (null)
let v = new Date
let r = /ab+c/ig, s = String.raw\`a\\nb\${v}c\`
let z = a && b || c, w = (a ?? b), q = (a?.b)!.c, t = (a?.b).c, n = 1..toString()
for (let i = 0;; i++) { if (i) ; else break }
function f(a, b,) { return (
  a + b
) }
  /** doc
      * comment */
export async function g( x:number ):Promise<number>{
    // @ts-ignore
    const bad: number = 'x'   // trailing
    return x*2+bad
}
export { o as default, }
`;

const MESSY_TSX = `export const List = ({ items, loading }: Props) => loading ? <Spinner size='large' /> : (
  <ul className='list'>{items.length === 0 && <li>Nothing here &mdash; add   something</li>}
    {items.map(item => <Item key={item.id} item={item} label={\`Item \${item.id}\`} onClick={() => pick(item)} />)}
    Total: {items.length} items{' '}
    <h1>{title}</h1> <span>hello world, this is some long text that will need to be wrapped</span> <b>bold</b>
    {/* a comment in JSX */}
    <Trans>Some <b>bold</b> and <i>italic</i>   text that goes on and on for longer than eighty characters</Trans>
  </ul>
)
`;

const ok = (before: string, after: string, file = 'a.ts') => proveFormattingOnly(file, before, after);

describe('proveFormattingOnly', () => {
  it('accepts real prettier output on a messy file, with defaults and with other options', async () => {
    for (const options of [
      {},
      { semi: false, singleQuote: true, trailingComma: 'none', arrowParens: 'avoid' },
    ] as const) {
      const after = await prettier.format(MESSY_TS, { ...options, filepath: 'a.ts' });
      expect(after).not.toBe(MESSY_TS);
      expect(ok(MESSY_TS, after)).toEqual({ ok: true });
      const tsx = await prettier.format(MESSY_TSX, { ...options, filepath: 'a.tsx' });
      expect(tsx).toMatch(/\{(["']) \1\}/);
      expect(ok(MESSY_TSX, tsx, 'a.tsx')).toEqual({ ok: true });
    }
  });

  it('accepts the formatting-only differences it normalises', () => {
    expect(ok(`const a = 'x'`, `const a = "x";`)).toEqual({ ok: true });
    expect(ok(`f(1.50, .5, 0XFF, 10_0n)`, `f(1.5, 0.5, 0xff, 100n);`)).toEqual({ ok: true });
    expect(ok(`x = { 'a': 1, '1': 2 }`, `x = { a: 1, 1: 2 };`)).toEqual({ ok: true });
    expect(ok(`x = /a/gi`, `x = /a/ig`)).toEqual({ ok: true });
    expect(ok(`x = \`\\x41\``, 'x = `A`')).toEqual({ ok: true });
    expect(ok(`x = new Foo`, `x = new Foo();`)).toEqual({ ok: true });
    expect(ok(`f(x => x, [a, b,],)`, `f((x) => x, [a, b])`)).toEqual({ ok: true });
    expect(ok(`x = a && b || c`, `x = (a && b) || c`)).toEqual({ ok: true });
    expect(ok(`a;;\nclass C { m() {}; }`, `a;\nclass C {\n  m() {}\n}`)).toEqual({ ok: true });
    expect(ok(`/**\n    * doc\n    */\nf()`, `/**\n * doc\n */\nf();`)).toEqual({ ok: true });
    expect(ok(`x = <a b='q&quot;'>hi   there</a>`, `x = <a b='q"'>\n  hi there\n</a>`, 'a.tsx')).toEqual({ ok: true });
  });

  it('rejects a renamed identifier, a changed string, a removed statement, an operator change and moved code', () => {
    const base = `const total = price * count;\nconsole.log('total', total);\n`;
    expect(ok(base, base.replace('const total', 'const sum'))).toMatchObject({ ok: false });
    expect(ok(base, base.replace("'total'", '"Total"'))).toMatchObject({ ok: false });
    expect(ok(base, `const total = price * count;\n`)).toMatchObject({ ok: false });
    expect(ok(base, base.replace('*', '+'))).toMatchObject({ ok: false });
    expect(ok(`a();\nb();\n`, `b();\na();\n`)).toMatchObject({ ok: false });
    expect(ok(`let x = 1`, `const x = 1`)).toMatchObject({ ok: false });
    expect(ok(`f(1.5)`, `f(1.6)`)).toMatchObject({ ok: false });
    expect(ok(`x = { '1e3': 1 }`, `x = { 1e3: 1 }`)).toMatchObject({ ok: false });
    expect(ok(`x = /a/g`, `x = /a/i`)).toMatchObject({ ok: false });
    expect(ok('x = String.raw`\\x41`', 'x = String.raw`A`')).toMatchObject({ ok: false });
    expect(ok(`x = <a>hi there</a>`, `x = <a>hi, there</a>`, 'a.tsx')).toMatchObject({ ok: false });
  });

  it('rejects parentheses and tokens whose removal changes the tree', () => {
    expect(ok(`x = (a + b) * c`, `x = a + b * c`)).toMatchObject({ ok: false });
    expect(ok(`x = (a?.b).c`, `x = a?.b.c`)).toMatchObject({ ok: false });
    expect(ok(`f((a, b))`, `f(a, b)`)).toMatchObject({ ok: false });
    expect(ok(`for (a; b;) {}`, `for (a; ; b) {}`)).toMatchObject({ ok: false });
    expect(ok(`;'use strict'\nx()`, `'use strict'\nx()`)).toMatchObject({ ok: false });
  });

  it('rejects ASI hazards: a line break that moves where a statement ends', () => {
    expect(ok(`function f() {\n  return\n  x\n}`, `function f() {\n  return x;\n}`)).toMatchObject({ ok: false });
    expect(ok(`a;\n[b].map(f)`, `a\n[b].map(f)`)).toMatchObject({ ok: false });
    expect(ok(`a\n++b`, `a++\nb`)).toMatchObject({ ok: false });
  });

  it('rejects dropped, added or edited comments and moved compiler directives', () => {
    expect(ok(`// keep me\nf()`, `f();`)).toMatchObject({ ok: false, reason: expect.stringContaining('keep me') });
    expect(ok(`f()`, `// new\nf();`)).toMatchObject({ ok: false });
    expect(ok(`/* a */ f()`, `/* b */ f()`)).toMatchObject({ ok: false });
    const covered = `// @ts-expect-error\nconst a: number = f('x', 'y');\n`;
    expect(ok(covered, `// @ts-expect-error\nconst a: number = f(\n  'x',\n  'y',\n);\n`)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('@ts-expect-error'),
    });
    expect(ok(`/** @jsx h */\nx`, `x; /** @jsx h */`)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('pragma'),
    });
  });

  it('rejects an edit that adds parse errors, and ignores comment-like text inside strings, regexes and JSX', () => {
    expect(ok(`f(a)`, `f(a`)).toMatchObject({ ok: false, reason: expect.stringContaining('syntax error') });
    expect(ok(`x = '// no'; y = /\\/\\/ no/`, `x = "// no";\ny = /\\/\\/ no/;`)).toEqual({ ok: true });
    expect(ok(`x = <a>// not a comment</a>`, `x = <a>// not a comment</a>;`, 'a.tsx')).toEqual({ ok: true });
  });
});
