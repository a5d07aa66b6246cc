// Property test: planner answers generated from the planner's own wire JSON schema (random strings, every enum value,
// empty and oversized arrays, control characters, unicode, nulls where allowed) go through normalizePlan,
// resolvePlanRefs and expandPlan without a throw, and the plan left holds only what resolves. Seeded: deterministic.
import { describe, expect, it } from 'vitest';
import { DECLARATION_KINDS, type Plan } from '@orchestrate/core';
import type { PlannerOutput } from '@orchestrate/agents';
import { JOB_KINDS, kindContextFor, pathMatcher } from '@orchestrate/jobs';
import { indexFiles } from '@orchestrate/repo';
import { outputJsonSchema } from '../../agents/src/json-schema.js';
import { expandPlan, normalizePlan, plannerOutputSchema, resolvePlanRefs } from '../src/plan.js';

const files = indexFiles([
  {
    path: 'src/math.ts',
    text: 'export function add(a: number, b: number): number {\n  return a + b;\n}\nfunction hidden(): void {}\n',
  },
  {
    path: 'src/api/users.ts',
    text: 'export interface User {\n  id: string;\n}\nexport class Store {\n  get(id: string): User {\n    return { id };\n  }\n}\n',
  },
  {
    path: 'lib/util.tsx',
    text: 'export const shout = (s: string): string => s.toUpperCase();\nexport enum Mode { A, B }\nexport type Id = string;\n',
  },
]);
const changed = new Map(files.map((f) => [f.path, [{ start: 1, end: 3 }]]));
const kinds = kindContextFor(files, { changed } as never);
const REFS = new Set(['HEAD', 'HEAD~1', 'main', 'v1.0.0']);
const NAMES = new Set(files.flatMap((f) => f.declarations.flatMap((d) => [d.symbol, d.symbol.split('.').pop()!])));
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const TASKS = [
  'add docstrings',
  'add unit tests',
  'format the code',
  'review the code',
  'convert var to let/const',
  'do something',
];

/** A small seeded generator (mulberry32): the same seed gives the same answers on every machine. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

// Strings a planner might write, good and bad: real paths, names and refs next to hostile and malformed ones.
const REALISTIC = [
  'src/math.ts',
  'src/api',
  'src/api/',
  './lib/util.tsx',
  'src/**/*.ts',
  'lib',
  '.',
  '',
  '**',
  'add',
  'Store.get',
  'get',
  'User',
  'shout',
  'Mode',
  'HEAD',
  'HEAD~1',
  'main',
  'v1.0.0',
  'v9.9.9',
  'the last release, probably',
  '../../outside.ts',
  '/etc/passwd',
  'C:\\Windows\\x.ts',
  '--output=/tmp/pwned',
  'HEAD..main',
  'HEAD:src/math.ts',
  'src/nope.ts',
  'ghost',
  'be brief',
  'src/{math,nope}.ts',
];
const ALPHABET = [
  'a',
  'Z',
  '0',
  '/',
  '.',
  '*',
  ' ',
  '-',
  '~',
  '^',
  ':',
  '\n',
  '\t',
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u202e',
  '\u2066',
  'é',
  '日',
  '😀',
  '\u0301',
  '\ud800',
];

function randomString(r: Rng): string {
  switch (r.int(6)) {
    case 0:
    case 1:
      return r.pick(REALISTIC);
    case 2:
      return Array.from({ length: r.int(24) }, () => r.pick(ALPHABET)).join('');
    case 3:
      return `${r.pick(REALISTIC)}${r.pick(ALPHABET)}${r.pick(REALISTIC)}`;
    case 4:
      return r.pick(ALPHABET).repeat(r.pick([1, 300, 5_000]));
    default:
      return '';
  }
}

type Schema = Record<string, any>;

/** A random value that validates against `schema` (the subset the wire schema uses: objects, arrays, enums, anyOf). */
function generate(schema: Schema, r: Rng, enums: Map<string, Set<unknown>>, at: string): unknown {
  if (Array.isArray(schema.anyOf)) return generate(r.pick(schema.anyOf), r, enums, at);
  if (Array.isArray(schema.type) && !Array.isArray(schema.enum))
    return generate({ ...schema, type: r.pick(schema.type) }, r, enums, at);
  if (Array.isArray(schema.enum)) {
    const value = r.pick(schema.enum);
    enums.get(at)?.add(value) ?? enums.set(at, new Set([value]));
    return value;
  }
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties as Record<string, Schema>).map(([k, s]) => [
          k,
          generate(s, r, enums, `${at}.${k}`),
        ]),
      );
    case 'array': {
      const max = typeof schema.maxItems === 'number' ? schema.maxItems : 150;
      const length = r.pick([0, 0, 1, 1, 2, 3, r.int(max + 1), max]);
      return Array.from({ length }, () => generate(schema.items, r, enums, `${at}[]`));
    }
    case 'string':
      return randomString(r);
    case 'boolean':
      return r.next() < 0.5;
    case 'null':
      return null;
    default:
      throw new Error(`the generator does not know ${JSON.stringify(schema)}`);
  }
}

const wireSchema = outputJsonSchema(plannerOutputSchema) as Schema;
const CASES = 400;

/** The answers of all cases, from one seed. */
function answers(seed: number, enums = new Map<string, Set<unknown>>()): PlannerOutput[] {
  const r = rng(seed);
  return Array.from({ length: CASES }, () => generate(wireSchema, r, enums, '$') as PlannerOutput);
}

function expectOnlyWhatResolves(plan: Plan): void {
  expect(plan.steps.length).toBeLessThanOrEqual(8);
  expect(new Set(plan.steps.map((s) => s.id)).size).toBe(plan.steps.length);
  const keys = new Set<string>();
  for (const step of plan.steps) {
    expect(JOB_KINDS).toContain(step.kind);
    const variants: Record<string, (string | null)[]> = {
      boilerplate: ['bodies', 'tests', 'types'],
      reformat: ['format', 'conventions'],
    };
    expect(variants[step.kind] ?? [null]).toContain(step.variant);
    const { paths, names, declarationKinds, changedSince } = step.selector;
    for (const p of paths) {
      expect(p).not.toMatch(UNPRINTABLE);
      expect(
        files.some((f) => pathMatcher([p])(f.path)),
        p,
      ).toBe(true);
    }
    for (const n of names) expect(NAMES.has(n), n).toBe(true);
    for (const k of declarationKinds) expect(DECLARATION_KINDS).toContain(k);
    if (changedSince !== null) expect(REFS.has(changedSince), changedSince).toBe(true);
    expect(step.instructions.length).toBeLessThanOrEqual(2_000);
    expect(step.instructions).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    const key = JSON.stringify([step.kind, step.variant, step.selector]);
    expect(keys.has(key), `duplicate ${key}`).toBe(false);
    keys.add(key);
  }
  for (const w of plan.warnings) expect(w).not.toMatch(UNPRINTABLE);
}

describe("planner answers from the planner's own schema", () => {
  it('the wire schema is what the generator reads (objects, arrays, enums, nullable fields)', () => {
    expect(wireSchema.properties.steps.maxItems).toBe(8);
    expect(wireSchema.properties.steps.items.properties.kind.enum).toEqual([...JOB_KINDS]);
  });

  it('is deterministic: one seed, the same answers', () => {
    expect(JSON.stringify(answers(7).slice(0, 20))).toBe(JSON.stringify(answers(7).slice(0, 20)));
  });

  it(`${CASES} seeded answers expand without a throw, and the plan holds only resolvable paths, names, refs and valid variants`, async () => {
    const enums = new Map<string, Set<unknown>>();
    let steps = 0;
    let jobs = 0;
    for (const [i, out] of answers(12, enums).entries()) {
      const task = TASKS[i % TASKS.length]!;
      const plan = normalizePlan(out, task, files, 'property');
      await resolvePlanRefs(plan, task, async (ref) => REFS.has(ref));
      expectOnlyWhatResolves(plan);
      const targets = expandPlan(plan, kinds);
      for (const t of targets) expect(files.some((f) => f.path === t.job.file)).toBe(true);
      steps += plan.steps.length;
      jobs += targets.length;
    }
    // Every enum value was generated, and the cases were not all dropped: real plans with jobs came out of them.
    expect([...(enums.get('$.steps[].kind') ?? [])].sort()).toEqual([...JOB_KINDS].sort());
    expect(enums.get('$.steps[].variant')?.size).toBe(5);
    expect(enums.get('$.steps[].declarationKinds[]')?.size).toBe(DECLARATION_KINDS.length);
    expect(steps).toBeGreaterThan(50);
    expect(jobs).toBeGreaterThan(50);
  });
});
