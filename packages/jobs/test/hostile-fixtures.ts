import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PlanStep, StepVariant, JobKind } from '@orchestrate/core';
import { indexFiles, TypecheckSession, type FileIndex } from '@orchestrate/repo';
import { kindContextFor, type JobTarget, type KindContext } from '../src/index.js';

/**
 * A source with a target for every kind: stubs, a class with members (a brace that closes it early would show), a
 * function followed by a statement that a dangling expression would merge into, untyped parameters, and a doc comment
 * near the end that a stray comment opener would swallow.
 */
const SOURCE = [
  "import { helper } from './helper.js';",
  '',
  'export function add(a: number, b: number): number {',
  "  throw new Error('not implemented');",
  '}',
  "['ready'].forEach((s) => s);",
  '',
  'export class Store {',
  '  private items: string[] = [];',
  '',
  '  get(id: string, fallback?: string): string {',
  "    if (!id) throw new TypeError('id is required');",
  '    return this.items[0] ?? fallback ?? id;',
  '  }',
  '',
  '  size(): number {}',
  '}',
  '',
  '/** Old doc. */',
  'export const double = (n: number): number => n * helper();',
  '',
  'export interface Point {',
  '  x: number;',
  '}',
  '',
  'export type Pair = [number, number];',
  '',
  'export enum Color {',
  '  Red,',
  '}',
  '',
  'export function untyped(value, count = 1) {',
  '  return [value, count];',
  '}',
  '',
  '/** Trailing doc that a stray comment opener could swallow. */',
  'export function last(): void {}',
  '',
].join('\n');

/** A file whose first declaration's doc comment is where compiler pragmas (`@jsx`, `@ts-nocheck`) are read. */
const FIRST = 'export function first(x: number): number {\n  return x;\n}\n';

/** The repository the fuzz runs on (an LF file, the same file with CRLF, a pragma-position file, a helper). */
export const FILES = [
  { path: 'src/a.ts', text: SOURCE },
  { path: 'src/crlf.ts', text: SOURCE.replace(/\n/g, '\r\n') },
  { path: 'src/first.ts', text: FIRST },
  { path: 'src/helper.ts', text: 'export function helper(): number {\n  return 1;\n}\n' },
];

/** Changed lines per file, for review. */
const CHANGED = new Map([
  [
    'src/a.ts',
    [
      { start: 3, end: 5 },
      { start: 10, end: 13 },
      { start: 32, end: 34 },
    ],
  ],
  ['src/first.ts', [{ start: 1, end: 3 }]],
]);

/** Where generated tests go: a path code decides (the fuzz checks the outcome names exactly this one). */
export const testPathFor = (source: string): string =>
  `test/${path.posix.basename(source).replace(/\.ts$/, '.test.ts')}`;

const roots: string[] = [];
/** Removes the temporary roots of the type-check sessions. */
export function cleanupRoots(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}

/** The context kinds see: the files, the diff, a test layout, a lazily created type checker over an empty root. */
export function fuzzContext(runner = 'vitest'): { index: FileIndex[]; ctx: KindContext } {
  const index = indexFiles(FILES);
  let session: TypecheckSession | null = null;
  const ctx = kindContextFor(index, {
    changed: CHANGED,
    tests: { runner, pathFor: testPathFor },
    typecheck: () => {
      if (!session) {
        const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'jobs-hostile-')));
        roots.push(root);
        session = TypecheckSession.create({ root, files: FILES });
      }
      return session;
    },
  });
  return { index, ctx };
}

/** A plan step of one kind and variant over the fuzz files. */
export function stepOf(kind: JobKind, variant: StepVariant | null, instructions = ''): PlanStep {
  return {
    id: `fuzz-${kind}-${variant ?? 'main'}`,
    kind,
    variant,
    selector: {
      paths: ['src/a.ts', 'src/crlf.ts', 'src/first.ts'],
      declarationKinds: [],
      names: [],
      exportedOnly: false,
      missingDocsOnly: false,
      changedSince: null,
    },
    instructions,
  };
}

/** A small deterministic PRNG (mulberry32) with the helpers the generator needs. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One element of a non-empty list. */
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
}

/** Hostile fragments, by what they try. */
export const FRAGMENTS: Record<string, readonly string[]> = {
  commentEnd: ['*/ evil(); /*', '*/', '/*', '/**', '**/', '*', '/', '// ', ' */ export const pwned = 1; /** ', '*/\n'],
  lookAlike: [
    '\u2217/',
    '\uff0a\uff0f',
    '*\u2215',
    '\u204e\u2044',
    '*\u200b/',
    '\ufe61/',
    '/\u2217',
    '\u2217\u2215',
    '*\u2044',
  ],
  lineBreak: ['\u2028', '\u2029', '\u0085', '\r', '\r\n', '\n', '\t', '\u2028evil();\u2028', '// c\u2028evil();'],
  control: ['\u0000', '\u0007', '\u001b[2J', '\u007f', '\u0080', '\u009b', '\u000b', '\u000c', '\u0008', '\u001f'],
  bidi: ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', 'a\u202eb'],
  path: [
    '../x',
    '../../etc/passwd',
    '/etc/passwd',
    'C:\\Windows\\system32',
    '\\\\server\\share\\x',
    '.git/config',
    '.git/hooks/pre-commit',
    'a\u0000b',
    'src/other.ts',
    "import('../x')",
    "typeof import ('../../x')",
  ],
  codeEscape: [
    '}',
    '{',
    '} function evil() {',
    "}); it('x', async () => {",
    '`',
    '${',
    "'",
    '"',
    ';',
    ')',
    '(',
    ', evil = 1',
    ' //',
    'string, evil = 1',
    '\n}\nexport function evil() {}\nclass Reopen {',
  ],
  docTag: [
    '@internal',
    '@ts-ignore',
    '@ts-nocheck',
    '@jsx h',
    '@type {any}',
    '/// <reference path="../x" />',
    '@param evil - x',
    '{@link x}',
    '@returns nothing',
    '\\@internal',
  ],
  size: ['x'.repeat(3_000_000), 'y'.repeat(2_500), 'z\n'.repeat(20_000), 'w'.repeat(39_990)],
  unicode: ['\ufeff', '\u00a0', '\ud83d\ude42', '\ud800', '\u200b', '\u01c5', '\ufb01'],
};

/** Structural attacks on a benign value: what they do to code is the point (a dropped `;`, an open comment…). */
export const STRUCTURE: readonly ((benign: string) => string)[] = [
  (b) => b.replace(/;\s*$/, ''),
  (b) => `${b}\nconst tail = helper`,
  (b) => `${b}, evil = 1`,
  (b) => `${b} | typeof import ('../../x')`,
  (b) => `${b}\n/*`,
  (b) => `${b} //`,
  (b) => `${b}\n}\nexport function evil() {}\nclass Reopen {`,
  (b) => `}\n${b}\n{`,
  (b) => `${b}\n\``,
  (b) => `${b}\n});\nimport evil from '../../evil.js';\nit('again', async () => {`,
  (b) => `return 1;\n}\nexport function evil() {`,
];

/**
 * Every category a case can lead with: each kind gets every one of them, round robin. `bulk` is honest code with a
 * 30,000-character comment in every code field and every list as long as its schema allows (the sum must be capped).
 */
export const CATEGORIES = ['benign', ...Object.keys(FRAGMENTS), 'structure', 'bulk'] as const;

/** A bulky but honest code value (see `bulk`). */
export const bulky = (honest: string): string => `${honest}\n// ${'w'.repeat(30_000)}`;

/** Puts one fragment at the start, the end or anywhere in `text`. */
function insert(text: string, fragment: string, rng: Rng): string {
  const at = rng.pick([0, text.length, rng.int(text.length + 1)]);
  return text.slice(0, at) + fragment + text.slice(at);
}

/** A benign value with one to three hostile changes, the first from `category`. */
export function hostile(benign: string, category: string, rng: Rng): string {
  let out = benign;
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) {
    const cat = i === 0 ? category : rng.pick(CATEGORIES.slice(1, -1));
    out = cat === 'structure' ? rng.pick(STRUCTURE)(out) : insert(out, rng.pick(FRAGMENTS[cat]!), rng);
  }
  return out;
}

/** The parts of a JSON Schema (as zod's `toJSONSchema` writes it) that the generator reads. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  pattern?: string;
  anyOf?: JsonSchema[];
}

/** Values for pattern-constrained strings (ruleId): the schema keeps them tame, so they are tried as they are. */
const PATTERNED = ['a', 'no-evil', 'x-1', '0', 'r'.repeat(41), 'ok'];

/**
 * A value for `schema` with every string made by `str(path)`: objects get every property, arrays 0–3 items (at least
 * `minItems`; now and then as many as allowed), numbers and integers something in range (often a bound).
 */
export function generate(
  schema: JsonSchema,
  rng: Rng,
  str: (at: string[]) => string,
  minItems = 0,
  at: string[] = [],
): unknown {
  if (schema.anyOf) return generate(rng.pick(schema.anyOf), rng, str, minItems, at);
  if (schema.enum) return rng.pick(schema.enum);
  const type = Array.isArray(schema.type)
    ? schema.type.includes('null') && rng.next() < 0.25
      ? 'null'
      : schema.type.find((t) => t !== 'null')!
    : schema.type;
  switch (type) {
    case 'null':
      return null;
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(schema.properties ?? {}))
        out[key] = generate(sub, rng, str, minItems, [...at, key]);
      return out;
    }
    case 'array': {
      const max = schema.maxItems ?? 8;
      const n = Math.max(Math.min(minItems, max), rng.next() < 0.1 ? max : Math.min(max, rng.int(4)));
      return Array.from({ length: n }, (_, i) => generate(schema.items ?? {}, rng, str, minItems, [...at, String(i)]));
    }
    case 'integer':
    case 'number': {
      const lo = schema.minimum ?? -1_000;
      const hi = schema.maximum ?? 1_000;
      const v = rng.pick([lo, hi, lo + rng.next() * (hi - lo)]);
      return type === 'integer' ? Math.round(v) : v;
    }
    case 'string': {
      if (schema.pattern) {
        const re = new RegExp(schema.pattern);
        return rng.pick(
          PATTERNED.filter((p) => re.test(p))
            .concat('a')
            .filter((p) => re.test(p)),
        );
      }
      return str(at);
    }
    case 'boolean':
      return rng.next() < 0.5;
    default:
      throw new Error(`the generator does not know the schema type ${String(type)} at ${at.join('.')}`);
  }
}

/** The string fields a schema has (paths with `*` for array items and record keys as written). */
export function stringFields(schema: JsonSchema, at: string[] = []): string[] {
  if (schema.anyOf) return schema.anyOf.flatMap((s) => stringFields(s, at));
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('string') && !schema.enum && !schema.pattern) return [at.join('.')];
  if (types.includes('object'))
    return Object.entries(schema.properties ?? {}).flatMap(([k, s]) => stringFields(s, [...at, k]));
  if (types.includes('array') && schema.items) return stringFields(schema.items, [...at, '*']);
  return [];
}

/** A target's declaration text from its doc comment (if any) to its end: what an honest replacement looks like. */
export function declarationText(target: JobTarget): string {
  const d = target.declaration!;
  return target.file.text.slice(d.docStart ?? d.start, d.end);
}
