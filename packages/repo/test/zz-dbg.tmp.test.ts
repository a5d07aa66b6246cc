import { it } from 'vitest';
import { proveFormattingOnly as p } from '../src/format-proof.js';
it('dbg', () => {
  const cases: [string, string, string?][] = [
    ['x = (a?.b).c', 'x = a?.b.c'], ["x = { '1e3': 1 }", 'x = { 1e3: 1 }'], [";'use strict'\nx()", "'use strict'\nx()"],
    ['x = String.raw`\\x41`', 'x = String.raw`A`'], ['f((a, b))', 'f(a, b)'], ['for (a; b;) {}', 'for (a; ; b) {}'],
    ['a;\n[b].map(f)', 'a\n[b].map(f)'], ['function f() {\n  return\n  x\n}', 'function f() {\n  return x;\n}'],
    ['x = <a>hi there</a>', 'x = <a>hi, there</a>', 'a.tsx'], ['x = (a + b) * c', 'x = a + b * c'],
    ['class A { constructor() {} }', "class A { 'constructor'() {} }"], ["x = { constructor: 1 }", "x = { 'constructor': 1 }"],
    ['type A = | B', 'type A = B'], ['x = /** @type {A} */ (y)', 'x = /** @type {A} */ y', 'a.js'],
  ];
  for (const [a, b, f] of cases) console.log(JSON.stringify(a), '->', JSON.stringify(b), JSON.stringify(p(f ?? 'a.ts', a, b)));
});
