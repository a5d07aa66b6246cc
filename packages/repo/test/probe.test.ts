import { test } from 'vitest';
import { indexFiles } from '../src/index.js';
test('p', () => {
  const text = '\uFEFF' + [
    '/** Doc. */',
    'export function over(a: string): string;',
    'export function over(a: number): number;',
    'export function over(a: any) { return a; }',
    'export const arrow = async (x: number): Promise<void> => { await x; };',
    'const hidden = () => 1;',
    'const later = ({ a, b }: { a: number; b: number }, [c]: number[]) => a + b + c;',
    'export { later };',
    'export default function () { throw new Error("x"); }',
    'export class Foo<T> {',
    '  @dec() method(): void {}',
    '  static make() { return new Foo(); }',
    '  get v() { return 1; }',
    '  set v(x: number) {}',
    '  private p() {}',
    '  protected q() {}',
    '  #r() {}',
    '  nested() { const f = () => { throw new TypeError("inner"); }; if (1) throw new RangeError("own"); }',
    '}',
    'export interface I<K> { a: K }',
    'type T = string;',
    'export enum E { A }',
  ].join('\r\n');
  const [f] = indexFiles([{ path: 'src/a.ts', text }]);
  console.log(f!.eol);
  for (const d of f!.declarations) { const { text: _t, signature: _s, ...rest } = d; console.log(JSON.stringify(rest)); console.log(JSON.stringify(text.slice(d.start, d.start + 20))); }
});
