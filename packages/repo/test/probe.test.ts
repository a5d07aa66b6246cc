import { test } from 'vitest';
import { indexFiles } from '../src/index.js';
test('p', () => {
  const text = [
    'export declare function amb(a: string): void;',
    'export declare function amb(a: number): void;',
    'export class K {',
    '  /** Doc m. */',
    '  @dec()',
    '  @dec2',
    '  m(a: string): string;',
    '  m(a: number): number;',
    '  m(a: any) { return a; }',
    '  set only(v: number) {}',
    '  static s() {}',
    '  s() {}',
    '  public pub = 1;',
    '}',
    '/* not doc */',
    'export function g() { return; }',
    'export const fe = function () { return 1; };',
    'export const a1 = () => 1, a2 = () => 2;',
    'export async function* gen() { yield 1; }',
    'function late() {}',
    'export default late;',
    'export function u(): undefined { return undefined; }',
    'export function nv(): never { throw new Error("x"); }',
    'export function ex(...rest: number[]) {}',
    'export function opt(a?: number, b = 2) {}',
  ].join('\n');
  const [f] = indexFiles([{ path: 'src/a.ts', text }]);
  for (const d of f!.declarations) { const { text: _t, signature: _s, file: _f, id, ...rest } = d; console.log(JSON.stringify(rest)); console.log(JSON.stringify(text.slice(d.start, d.start + 12)), d.docStart === null ? '' : JSON.stringify(text.slice(d.docStart, d.docStart + 8))); }
  console.log(f!.declarations.find(d => d.symbol === 'K')!.signature);
});
