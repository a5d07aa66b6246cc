import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Project } from 'ts-morph';
import { afterEach, describe, expect, it } from 'vitest';
import {
  annotationEdits,
  applyEdits,
  missingAnnotations,
  TypecheckSession,
  type MissingAnnotation,
} from '../src/index.js';

const cleanups: string[] = [];
afterEach(() => {
  for (const d of cleanups.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A session over an empty root (strict defaults), holding `src/a.ts` and an extra module. */
function session(text: string): TypecheckSession {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'repo-infer-')));
  cleanups.push(root);
  const user =
    'interface User { name: string }\nexport interface Shown { id: number }\nexport function makeUser(): User { return { name: "u" }; }\nexport function show(): Shown { return { id: 1 }; }\n';
  return TypecheckSession.create({
    root,
    files: [
      { path: 'src/a.ts', text },
      { path: 'src/user.ts', text: user },
    ],
  });
}
const lines = (...l: string[]) => l.join('\n') + '\n';
const brief = (a: MissingAnnotation) =>
  `${a.symbol} ${a.kind} ${a.name}: ${a.typeText}${a.needsModel ? ' (model)' : ''}`;
/** The source text at an annotation's insertion point. */
const before = (s: TypecheckSession, a: MissingAnnotation, n = 15) =>
  s.text('src/a.ts').slice(Math.max(0, a.insertAt - n), a.insertAt);

describe('missingAnnotations', () => {
  it('lists missing returns and parameters of functions with the checker types, skipping what is written', () => {
    const s = session(
      lines(
        'export function add(a: number, b: number) { return a + b; }',
        "export function greet(name = 'x', loud?: boolean, flag = false) { return loud ? name.toUpperCase() : name; }",
        'export function done(): void {}',
        'export async function later<T>(v: T) { return v; }',
        'export default function () { return null; }',
        'function helper({ a, b }: { a: number; b: number }, ...rest: number[]) { return [a, b, ...rest]; }',
        'export function one(x: string): number;',
        'export function one(x: unknown) { return Number(x); }',
      ),
    );
    const found = missingAnnotations(s, 'src/a.ts');
    expect(found.map(brief)).toEqual([
      'add return add: number',
      'greet param name: string',
      'greet param flag: boolean',
      'greet return greet: string',
      'later return later: Promise<T>',
      'default return default: null',
      'helper return helper: number[]',
    ]);
    expect(before(s, found[0]!)).toBe('ber, b: number)');
    expect(before(s, found[1]!)).toBe('tion greet(name');
  });

  it('reports any, unnamed or out-of-scope types as needing a model', () => {
    const s = session(
      lines(
        "import { makeUser, show } from './user.js';",
        'export function raw(x) { return x; }',
        'export function who() { return makeUser(); }',
        'export function shown() { return show(); }',
        'export const anon = () => class {};',
      ),
    );
    const found = missingAnnotations(s, 'src/a.ts');
    expect(found.map(brief)).toEqual([
      'raw param x: any (model)',
      'raw return raw: any (model)',
      'who return who: User (model)',
      expect.stringMatching(/^shown return shown: .*Shown \(model\)$/),
      expect.stringMatching(/^anon return anon: typeof \(Anonymous class\) \(model\)$/),
    ]);
    expect(found.find((a) => a.symbol === 'who')?.reason).toMatch(/User is not in scope/);
    expect(found.find((a) => a.symbol === 'shown')?.reason).toMatch(/Shown is not in scope|needs an import/);
  });

  it('handles exported arrow functions, with and without parentheses, and keeps inferred type predicates', () => {
    const s = session(
      lines(
        'export const double = (n: number) => n * 2;',
        'export const inc = x => x + 1;',
        'export const isStr = (v: unknown) => typeof v === "string";',
        'export const typed: (x: number) => number = (x) => x;',
        'const local = (x: number) => x;',
        'export const fx = function <T>(xs: T[]) { return xs[0]; };',
      ),
    );
    const found = missingAnnotations(s, 'src/a.ts');
    expect(found.map(brief)).toEqual([
      'double return double: number',
      'inc param x: any (model)',
      'inc return inc: any (model)',
      'isStr return isStr: v is string',
      'fx return fx: T',
    ]);
    const inc = found.filter((a) => a.symbol === 'inc');
    expect(inc.every((a) => a.wrap !== null && s.text('src/a.ts').slice(a.wrap.start, a.wrap.end) === 'x')).toBe(true);
  });

  it('names class members as code-index does', () => {
    const s = session(
      lines(
        'export class Box<T> {',
        '  constructor(private value: T, extra) {}',
        '  get size() { return 1; }',
        '  set size(v) {}',
        '  map(fn: (v: T) => T) { return new Box(fn(this.value), 0); }',
        '  static of<U>(u: U) { return new Box(u, 1); }',
        '  private obj() { return { a: 1, b: "x" }; }',
        '}',
      ),
    );
    expect(missingAnnotations(s, 'src/a.ts').map(brief)).toEqual([
      'Box.constructor param extra: any (model)',
      'Box.size return size: number',
      'Box.size param v: number',
      'Box.map return map: Box<T>',
      'Box.of return of: Box<U>',
      'Box.obj return obj: { a: number; b: string; }',
    ]);
  });

  it('also takes a plain ts-morph project', () => {
    const project = new Project({ useInMemoryFileSystem: true, compilerOptions: { strict: true } });
    project.createSourceFile('/a.ts', 'export function f() { return "s"; }\n');
    expect(missingAnnotations(project, '/a.ts').map(brief)).toEqual(['f return f: string']);
  });
});

describe('annotationEdits', () => {
  it('writes the annotations (model answers where needed) so the file type-checks with no new errors', () => {
    const text = lines(
      'export function add(a: number, b: number) { return a + b; }',
      "export function greet(name = 'x') { return name; }",
      'export function raw(x) { return x; }',
      'export const inc = x => x + 1;',
      'export const isStr = (v: unknown) => typeof v === "string";',
    );
    const s = session(text);
    const baseline = s.diagnostics(['src/a.ts']);
    expect(baseline.map((d) => d.code)).toEqual([7006, 7006]);
    const model: Record<string, string> = {
      'raw/x': 'string',
      'raw/raw': 'string',
      'inc/x': 'number',
      'inc/inc': 'number',
    };
    const answered = missingAnnotations(s, 'src/a.ts').map((a) =>
      a.needsModel ? { ...a, typeText: model[`${a.symbol}/${a.name}`] ?? '' } : a,
    );
    const result = applyEdits(text, annotationEdits(text, answered, 'job-1'));
    expect(result.stale).toEqual([]);
    expect(result.text).toBe(
      lines(
        'export function add(a: number, b: number): number { return a + b; }',
        "export function greet(name: string = 'x'): string { return name; }",
        'export function raw(x: string): string { return x; }',
        'export const inc = (x: number): number => x + 1;',
        'export const isStr = (v: unknown): v is string => typeof v === "string";',
      ),
    );
    s.update('src/a.ts', result.text);
    expect(s.diagnostics(['src/a.ts'])).toEqual([]);
  });

  it('skips annotations without a type and guards the rest against a changed text', () => {
    const text = 'export function f() { return 1; }\n';
    const s = session(text);
    const found = missingAnnotations(s, 'src/a.ts');
    expect(
      annotationEdits(
        text,
        found.map((a) => ({ ...a, typeText: '' })),
        'j',
      ),
    ).toEqual([]);
    const edits = annotationEdits(text, found, 'j');
    expect(applyEdits(`// moved\n${text}`, edits).stale).toHaveLength(1);
  });
});
