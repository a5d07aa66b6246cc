import { describe, expect, it } from 'vitest';
import type { ts as TS } from 'ts-morph';
import { indexFiles, type Declaration, type FileIndex } from '../src/index.js';

const index = (text: string, path = 'src/a.ts'): FileIndex => indexFiles([{ path, text }])[0]!;
const lines = (...l: string[]) => l.join('\n') + '\n';
function get(fi: FileIndex, symbol: string): Declaration {
  const found = fi.declarations.filter((d) => d.symbol === symbol);
  expect(found, `exactly one ${symbol} in ${fi.declarations.map((d) => d.symbol).join(', ')}`).toHaveLength(1);
  return found[0]!;
}
const symbols = (fi: FileIndex) => fi.declarations.map((d) => d.symbol);
/** Source text at the declaration's start: where a doc comment would be inserted. */
const at = (fi: FileIndex, d: Declaration) => fi.text.slice(d.start);

describe('indexFiles: functions', () => {
  it('indexes a function with its id, params, type params, return type and position', () => {
    const fi = index(
      lines(
        'import x from "y";',
        '',
        'export function pick<T, K extends keyof T>(obj: T, key?: K, ...rest: string[]): T[K] {',
        '  return obj[key!];',
        '}',
      ),
    );
    const d = get(fi, 'pick');
    expect(d).toMatchObject({
      id: 'src/a.ts#pick',
      file: 'src/a.ts',
      kind: 'function',
      exported: true,
      hasDoc: false,
      docStart: null,
      line: 3,
      indent: '',
    });
    expect(d.typeParams).toEqual(['T', 'K']);
    expect(d.params).toEqual([
      { name: 'obj', type: 'T', optional: false, rest: false },
      { name: 'key', type: 'K', optional: true, rest: false },
      expect.objectContaining({ name: 'rest', type: 'string[]', rest: true }),
    ]);
    expect(d.returnType).toBe('T[K]');
    expect(d.anchor).toBe('export function pick<T, K extends keyof T>(obj: T, key?: K, ...rest: string[]): T[K] {');
    expect(at(fi, d).startsWith('export function pick')).toBe(true);
    expect(d.signature).not.toContain('return obj');
    expect(d.text).toContain('return obj');
  });

  it('documents overloads once, at the first overload, with its signature', () => {
    const fi = index(
      lines(
        '/** Parses. */',
        'export function parse(a: string): number;',
        'export function parse(a: number): number;',
        'export function parse(a: unknown): number {',
        '  return Number(a);',
        '}',
      ),
    );
    const d = get(fi, 'parse');
    expect(d.id).toBe('src/a.ts#parse');
    expect(d.line).toBe(2);
    expect(d.anchor).toBe('export function parse(a: string): number;');
    expect(d.params).toEqual([{ name: 'a', type: 'string', optional: false, rest: false }]);
    expect(d.hasDoc).toBe(true);
    expect(fi.text.slice(d.docStart!, d.start)).toBe('/** Parses. */\n');
  });

  it('documents ambient overloads (no implementation) once', () => {
    const fi = index(
      lines('export declare function f(a: string): void;', 'export declare function f(a: number): void;'),
    );
    expect(get(fi, 'f')).toMatchObject({ id: 'src/a.ts#f', line: 1 });
  });

  it('indexes exported arrow functions and function expressions, skipping non-exported ones', () => {
    const fi = index(
      lines(
        'export const add = (a: number, b: number) => a + b;',
        'export const legacy = function (s: string) { return s; };',
        'const hidden = () => 1;',
        'export const many1 = () => 1, many2 = () => 2;',
        'export const notFn = 3;',
        'function helper() {}',
      ),
    );
    expect(symbols(fi)).toEqual(['add', 'legacy', 'helper']);
    expect(get(fi, 'add')).toMatchObject({
      kind: 'arrow-function',
      exported: true,
      params: [expect.objectContaining({ name: 'a' }), expect.objectContaining({ name: 'b' })],
    });
    expect(get(fi, 'legacy').kind).toBe('arrow-function');
    expect(at(fi, get(fi, 'add')).startsWith('export const add')).toBe(true);
    expect(get(fi, 'helper').exported).toBe(false);
  });

  it('counts `export { x }` and `export default x` later in the file as exported', () => {
    const fi = index(
      lines(
        'const later = () => 1;',
        'const renamed = () => 2;',
        'function fn() {}',
        'class C {}',
        'interface I {}',
        'function dflt() {}',
        'function mine() {}',
        'export { later, renamed as other, fn, C, I };',
        'export { mine as theirs } from "./elsewhere";',
        'export default dflt;',
      ),
    );
    expect(symbols(fi)).toEqual(['later', 'renamed', 'fn', 'C', 'I', 'dflt', 'mine']);
    for (const s of ['later', 'renamed', 'fn', 'C', 'I', 'dflt']) expect(get(fi, s).exported, s).toBe(true);
    expect(get(fi, 'mine').exported).toBe(false); // a re-export from another module names that module's `mine`
  });

  it('indexes `export default function` (anonymous) as `default`', () => {
    const fi = index(lines('export default function () {', '  return 1;', '}'));
    expect(get(fi, 'default')).toMatchObject({
      id: 'src/a.ts#default',
      kind: 'function',
      exported: true,
      returnsVoid: false,
    });
  });
});

describe('indexFiles: classes and types', () => {
  const CLASS = lines(
    'export abstract class Store<T> {',
    '  constructor(private items: T[]) {}',
    '  add(item: T): void { this.items.push(item); }',
    '  get size(): number { return this.items.length; }',
    '  set size(n: number) { this.items.length = n; }',
    '  static create(): void {}',
    '  public count(): number { return 1; }',
    '  abstract persist(): Promise<void>;',
    '  private secret() {}',
    '  protected guarded() {}',
    '  #hidden() {}',
    '  field = 1;',
    '}',
    'class Internal { run() {} }',
  );

  it('indexes the class and its public members only; a get/set pair is one accessor', () => {
    const fi = index(CLASS);
    expect(symbols(fi)).toEqual([
      'Store',
      'Store.add',
      'Store.size',
      'Store.create',
      'Store.count',
      'Store.persist',
      'Internal',
      'Internal.run',
    ]);
    expect(get(fi, 'Store')).toMatchObject({ kind: 'class', exported: true, typeParams: ['T'] });
    expect(get(fi, 'Store.add')).toMatchObject({
      kind: 'method',
      exported: true,
      returnsVoid: true,
      params: [expect.objectContaining({ name: 'item', type: 'T' })],
    });
    expect(get(fi, 'Store.size')).toMatchObject({ kind: 'accessor', params: [] });
    expect(at(fi, get(fi, 'Store.size')).startsWith('get size')).toBe(true);
    expect(get(fi, 'Store.create').anchor).toBe('static create(): void {}');
    expect(get(fi, 'Store.persist')).toMatchObject({ kind: 'method', returnsVoid: true }); // abstract: no body
    expect(get(fi, 'Internal.run').exported).toBe(false);
  });

  it('gives class members their indentation (spaces or tabs) and ids per member', () => {
    const fi = index(CLASS);
    expect(get(fi, 'Store.add')).toMatchObject({ id: 'src/a.ts#Store.add', indent: '  ', line: 3 });
    expect(get(fi, 'Store').indent).toBe('');
    const tabs = index('export class T {\n\tstatic m() {}\n\tm() {}\n}\n');
    expect(tabs.declarations.map((d) => [d.id, d.indent])).toEqual([
      ['src/a.ts#T', ''],
      ['src/a.ts#T.m', '\t'],
      ['src/a.ts#T.m@1', '\t'],
    ]);
  });

  it('outlines the class signature without member bodies', () => {
    const sig = get(index(CLASS), 'Store').signature;
    expect(sig).toContain('add(item: T): void;');
    expect(sig).not.toContain('this.items.push');
  });

  it('indexes interfaces, type aliases and enums with their export flag', () => {
    const fi = index(
      lines(
        'export interface Box<V> { value: V }',
        'type Alias<A, B> = A | B;',
        'export type Pub = string;',
        'export enum Color { Red }',
        'enum Hidden { X }',
      ),
    );
    expect(fi.declarations.map((d) => [d.symbol, d.kind, d.exported])).toEqual([
      ['Box', 'interface', true],
      ['Alias', 'type-alias', false],
      ['Pub', 'type-alias', true],
      ['Color', 'enum', true],
      ['Hidden', 'enum', false],
    ]);
    expect(get(fi, 'Box').typeParams).toEqual(['V']);
    expect(get(fi, 'Alias').typeParams).toEqual(['A', 'B']);
  });

  it('puts `start` at the first decorator, so a doc comment goes before it', () => {
    const fi = index(
      lines(
        '/** Existing. */',
        '@Component({ tag: "x" })',
        'export class Widget {',
        '  @Input() @Other',
        '  render(): void {}',
        '}',
      ),
    );
    const cls = get(fi, 'Widget');
    expect(at(fi, cls).startsWith('@Component(')).toBe(true);
    expect(cls.anchor).toBe('@Component({ tag: "x" })');
    expect(cls.hasDoc).toBe(true);
    expect(fi.text.slice(cls.docStart!, cls.start)).toBe('/** Existing. */\n');
    const m = get(fi, 'Widget.render');
    expect(at(fi, m).startsWith('@Input() @Other')).toBe(true);
    expect(m).toMatchObject({ indent: '  ', hasDoc: false });
  });
});

describe('indexFiles: docs, throws, return values', () => {
  it('detects an existing JSDoc (but not plain comments) and where it starts', () => {
    const fi = index(
      lines(
        '/**',
        ' * Documented.',
        ' */',
        'export function a() {}',
        '/* plain */',
        'export function b() {}',
        '// line',
        'export function c() {}',
        'class K {',
        '  /** Member doc. */',
        '  m() {}',
        '}',
      ),
    );
    const a = get(fi, 'a');
    expect(a).toMatchObject({ hasDoc: true, docStart: 0 });
    expect(get(fi, 'b')).toMatchObject({ hasDoc: false, docStart: null });
    expect(get(fi, 'c')).toMatchObject({ hasDoc: false, docStart: null });
    const m = get(fi, 'K.m');
    expect(fi.text.slice(m.docStart!, m.start)).toBe('/** Member doc. */\n  ');
  });

  it("records throws only from the function's own body, not nested functions or classes", () => {
    const fi = index(
      lines(
        'export function own(n: number) {',
        '  if (n < 0) throw new RangeError("negative");',
        '  const cb = () => { throw new Error("nested arrow"); };',
        '  function inner() { throw new Error("nested function"); }',
        '  class X { m() { throw new Error("nested method"); } }',
        '  try { throw err; } catch { }',
        '}',
        'export function onlyNested() {',
        '  return [1].map(() => { throw new Error("x"); });',
        '}',
      ),
    );
    expect(get(fi, 'own')).toMatchObject({ throws: true, thrown: ['new RangeError("negative")', 'err'] });
    expect(get(fi, 'onlyNested')).toMatchObject({ throws: false, thrown: [] });
  });

  it('records throws of methods and arrow functions too', () => {
    const fi = index(
      lines(
        'export const f = () => { throw new TypeError("t"); };',
        'export class C { m() { throw new Error("m"); } }',
      ),
    );
    expect(get(fi, 'f').thrown).toEqual(['new TypeError("t")']);
    expect(get(fi, 'C.m').thrown).toEqual(['new Error("m")']);
  });

  it('decides returnsVoid from the declared type or, without one, from the own body', () => {
    const fi = index(
      lines(
        'export function explicitVoid(): void {}',
        'export async function promiseVoid(): Promise< void > {}',
        'export function bareReturn(x: number) { if (x) return; }',
        'export function value() { return 1; }',
        'export function declared(): number { return 1; }',
        'export function nestedValue() { [1].map(function () { return 2; }); }',
        'export const expr = () => 1;',
        'export const exprCall = () => console.log(1);',
        'export const block = () => { console.log(1); };',
        'export function* gen() { yield 1; }',
      ),
    );
    const rv = (s: string) => get(fi, s).returnsVoid;
    expect([rv('explicitVoid'), rv('promiseVoid'), rv('bareReturn'), rv('nestedValue'), rv('block')]).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([rv('value'), rv('declared'), rv('expr'), rv('exprCall'), rv('gen')]).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(get(fi, 'promiseVoid')).toMatchObject({ async: true, returnType: 'Promise< void >' });
  });

  it('gives destructured parameters stable names', () => {
    const src = lines(
      'export function f({ a, b }: { a: number; b: number }, [c]: number[], d: string) {}',
      'export const g = ({ x }: { x: 1 }) => x;',
    );
    const first = index(src);
    expect(get(first, 'f').params.map((p) => p.name)).toEqual(['options', 'param1', 'd']);
    expect(get(first, 'f').params[0]!.type).toBe('{ a: number; b: number }');
    expect(get(first, 'g').params.map((p) => p.name)).toEqual(['options']);
    expect(index(src).declarations.map((d) => d.params)).toEqual(first.declarations.map((d) => d.params));
  });
});

describe('indexFiles: file encodings and kinds', () => {
  it('detects CRLF files; anchors never carry the \\r', () => {
    const text = lines(
      '/** Doc. */',
      'export function a(x: number): number {',
      '  return x;',
      '}',
      'export class K {',
      '  m() {}',
      '}',
    ).replace(/\n/g, '\r\n');
    const fi = index(text);
    expect(fi.eol).toBe('\r\n');
    for (const d of fi.declarations) expect(d.anchor, d.symbol).not.toMatch(/[\r\n]/);
    expect(get(fi, 'a')).toMatchObject({ anchor: 'export function a(x: number): number {', line: 2, hasDoc: true });
    expect(get(fi, 'K.m')).toMatchObject({ anchor: 'm() {}', indent: '  ' });
    expect(fi.text.startsWith(fi.text.slice(0, get(fi, 'a').start) + get(fi, 'a').anchor + '\r\n')).toBe(true);
    expect(index('export function a() {}\n').eol).toBe('\n');
  });

  it('keeps offsets right in a file with a byte-order mark', () => {
    const original = '\uFEFF' + lines('/** Old. */', 'export function a() {}', 'export function b() {}');
    const fi = index(original);
    expect(fi.bom).toBe(true);
    expect(fi.text).toBe(original.slice(1)); // offsets refer to the text without the BOM
    const a = get(fi, 'a');
    const b = get(fi, 'b');
    expect(fi.text.slice(a.docStart!, a.start)).toBe('/** Old. */\n');
    expect(at(fi, b).startsWith('export function b')).toBe(true);
    const edited = '\uFEFF' + fi.text.slice(0, b.start) + '/** B. */\n' + fi.text.slice(b.start);
    expect(edited).toBe(original.replace('export function b', '/** B. */\nexport function b'));
    expect(index('export function a() {}\n').bom).toBe(false);
  });

  it('indexes .tsx files with JSX', () => {
    const fi = index(
      lines(
        'export function App({ title }: { title: string }) {',
        '  return <main className="app"><h1>{title}</h1></main>;',
        '}',
        'export const Button = (props: { label: string }) => <button>{props.label}</button>;',
        'const Local = () => <span />;',
      ),
      'src/App.tsx',
    );
    expect(symbols(fi)).toEqual(['App', 'Button']);
    expect(get(fi, 'App')).toMatchObject({
      id: 'src/App.tsx#App',
      returnsVoid: false,
      params: [expect.objectContaining({ name: 'options' })],
    });
    expect(get(fi, 'Button')).toMatchObject({ kind: 'arrow-function', returnsVoid: false, line: 4 });
  });

  it('indexes several files independently, declarations sorted by position', () => {
    const [x, y] = indexFiles([
      { path: 'x.ts', text: 'export enum E { A }\nexport class C {}\nexport function f() {}\n' },
      { path: 'y.ts', text: 'export function f() {}\n' },
    ]);
    expect(symbols(x!)).toEqual(['E', 'C', 'f']);
    expect(y!.declarations.map((d) => d.id)).toEqual(['y.ts#f']);
  });
});

describe('indexFiles: overloads, ambient declarations and odd syntax', () => {
  it('groups method overloads by staticness and lists every ambient declaration group once', () => {
    const k = index(
      lines(
        'export class K {',
        '  m(a: string): void;',
        '  m(a: unknown) {}',
        '  static m(b: number): void;',
        '  static m(b: unknown) {}',
        '}',
      ),
    );
    expect(k.declarations.map((d) => [d.id, d.anchor])).toEqual([
      ['src/a.ts#K', 'export class K {'],
      ['src/a.ts#K.m', 'm(a: string): void;'],
      ['src/a.ts#K.m@1', 'static m(b: number): void;'],
    ]);
    const dts = index(
      lines(
        'export declare class C {',
        '  m(a: string): void;',
        '  m(a: number): void;',
        '  constructor();',
        '}',
        'export declare function f(a: string): void;',
        'export declare function f(a: number): void;',
      ),
      'src/d.d.ts',
    );
    expect(dts.declarations.map((d) => [d.symbol, d.line])).toEqual([
      ['C', 1],
      ['C.m', 2],
      ['f', 6],
    ]);
    expect(get(dts, 'C').signature).toContain('constructor();');
    const abs = index(
      lines(
        'export abstract class A {',
        '  abstract run(a: string): void;',
        '  abstract run(a: number): void;',
        '}',
        'export function lone(a: string): void;',
      ),
    );
    expect(symbols(abs)).toEqual(['A', 'A.run']); // an overload signature without implementation outside `declare` is skipped
  });

  it('finds throws and returns spelled with escapes, and not in strings or comments', () => {
    const fi = index(
      lines(
        'export function esc(n: number) {',
        '  if (n) thr\\u006fw new Error("escaped");',
        '  r\\u0065turn n;',
        '}',
        'export function words() { const s = "throw return"; /* throw */ }',
      ),
    );
    expect(get(fi, 'esc')).toMatchObject({ thrown: ['new Error("escaped")'], returnsVoid: false });
    expect(get(fi, 'words')).toMatchObject({ thrown: [], returnsVoid: true });
  });

  it('keeps offsets right after a second byte-order mark, and survives a re-export from a non-string module', () => {
    const fi = index('\uFEFF\uFEFF/** D. */\nexport function a() {}\n');
    const a = get(fi, 'a');
    expect(fi.text.slice(a.docStart!, a.start)).toBe('/** D. */\n');
    expect(a.anchor).toBe('export function a() {}');
    expect(get(index(lines('function a() {}', 'export { a } from x;')), 'a').exported).toBe(false);
  });
});

describe('indexFiles: doc comments without parsing JSDoc', () => {
  it('finds exactly the doc comments the parser attaches when it does parse JSDoc', async () => {
    const { ts } = await import('ts-morph');
    const text = lines(
      '/** first */',
      '/* plain */',
      '/**/',
      '/** second @param a {{ broken */',
      'export function f(a: number): number { return a; }',
      '/**/ export const g = (x: string) => x;',
      '// line',
      'export class C {',
      '  /** m */ m(): void {}',
      '  /* not doc */ n(): void {}',
      '  /** get */',
      '  get v(): number { return 1; }',
      '}',
      '/** overload one */',
      'export function o(a: string): string;',
      'export function o(a: unknown): unknown { return a; }',
      '/** iface */ export interface I { a: string }',
      'export enum E { A } /** trailing, for nothing */',
    );
    const fi = index(text);
    const parsed = ts.createSourceFile('/a.ts', text, ts.ScriptTarget.Latest, true);
    const jsDocStart = new Map<number, number | null>();
    const visit = (node: TS.Node): void => {
      const docs = (node as { jsDoc?: TS.JSDoc[] }).jsDoc;
      // A node and its first child (a modifier, a name) start at the same place: the outermost one is the declaration.
      const start = node.getStart(parsed);
      if (!jsDocStart.has(start)) jsDocStart.set(start, docs?.[0]?.getStart(parsed) ?? null);
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(parsed, visit);
    expect(fi.declarations.length).toBeGreaterThanOrEqual(8);
    for (const d of fi.declarations) expect(d.docStart, d.symbol).toBe(jsDocStart.get(d.start) ?? null);
    expect(get(fi, 'f').docStart).toBe(0);
    expect(get(fi, 'g').hasDoc).toBe(false);
    expect(get(fi, 'C.m').hasDoc).toBe(true);
    expect(get(fi, 'C.n').hasDoc).toBe(false);
  });
});
