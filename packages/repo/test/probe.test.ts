import { proveCommentOnly } from '../src/index.js';
const cases: [string, string, string][] = [
  ['asi-return', 'function f() { return x; }', 'function f() { return\nx; }'],
  ['asi-return-comment', 'function f() { return x; }', 'function f() { return /*\n*/ x; }'],
  ['break-label', 'a: for(;;) { break a; }', 'a: for(;;) { break\na; }'],
  ['type-array', 'type A = B[];', 'type A = B\n[];'],
  ['ts-ignore added', 'const a: number = "x";', '// @ts-ignore\nconst a: number = "x";'],
  ['ts-ignore jsdoc', 'export function f() {}', '/**\n * doc\n * @ts-ignore */\nexport function f() {}'],
  ['ts-ignore moved', '// @ts-ignore\nexport function f() {}', '// @ts-ignore\n/** doc */\nexport function f() {}'],
  ['smuggle', 'export function f() {}', '/** a */ let z = 1; /** b */\nexport function f() {}'],
  ['jsx pragma', 'const a = <div/>;', '/** @jsx h */\nconst a = <div/>;'],
  ['ref', 'const a = 1;', '/// <reference types="node" />\nconst a = 1;'],
  ['postfix ++', 'a\n++b', 'a++\nb'],
  ['html comment', 'x = 1;', '<!-- hi\nx = 1;'],
  ['conflict marker', 'x = 1;', '<<<<<<< HEAD\nx = 1;'],
];
import {test} from "vitest"; test("p",()=>{for (const [name, a, b] of cases) {
  const file = name.includes('jsx') ? 'a.tsx' : 'a.ts';
  console.log(name, JSON.stringify(proveCommentOnly(file, a, b)));
}});
test('q', () => {
  const more: [string,string,string][] = [
   ['trailing', 'const a = 1;', 'const a = 1;\n/** trailing */'],
   ['doc', 'export function f(a: number) { return a; }', '/**\n * Doc.\n * @param a - x\n */\nexport function f(a: number) { return a; }'],
   ['ign-doc-after', '// @ts-ignore\nexport function f(a) {}', '// @ts-ignore\n// c\n\nexport function f(a) {}'],
   ['ign-text', '// @ts-expect-error old\nf();', '// @ts-expect-error new reason\nf();'],
  ];
  for (const [name,a,b] of more) console.log(name, JSON.stringify(proveCommentOnly('a.ts', a, b)));
});
