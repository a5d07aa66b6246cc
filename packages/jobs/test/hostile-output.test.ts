import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JobKind, StepVariant } from '@orchestrate/core';
import { JOB_KINDS, STEP_VARIANTS, jobKind, variantsOf, JobRejected } from '../src/index.js';
import type { JobKindModule, JobOutcome, JobTarget, KindContext } from '../src/index.js';
import {
  bulky,
  CATEGORIES,
  cleanupRoots,
  declarationText,
  fuzzContext,
  generate,
  hostile,
  Rng,
  stepOf,
  STRUCTURE,
  stringFields,
  testPathFor,
  type JsonSchema,
} from './hostile-fixtures.js';
import { outsideChanges, problemsOf, regionsOf, type Bounds } from './hostile-oracle.js';

afterAll(cleanupRoots);

/** Cases per kind and variant, and the seed they are drawn from (fixed: a failure is reproducible). */
const CASES = 300;
const SEED = 20_261_122;

/** One kind (and variant) under fuzz: what honest values look like and what its outcome may touch. */
interface Variant {
  kind: JobKind;
  variant: StepVariant | null;
  instructions?: string;
  /** An honest value for a string field (the hostile ones are made from it). */
  benign(field: string, target: JobTarget): string;
  bounds(target: JobTarget): Bounds;
}

const declarationSpan = (t: JobTarget) => ({
  start: t.declaration!.docStart ?? t.declaration!.start,
  end: t.declaration!.end,
});
const noFile = { newFile: null, commentOnly: false };

const DOC_PROSE: Record<string, string> = {
  summary: 'Does what its name says.',
  params: 'The value to use.',
  returns: 'The result.',
  throws: 'When the input is invalid.',
};

/** Every kind and variant that takes model output. */
const VARIANTS: Record<string, Variant> = {
  docstring: {
    kind: 'docstring',
    variant: null,
    benign: (field) => DOC_PROSE[field] ?? 'Plain words.',
    bounds: (t) => ({
      span: { start: t.declaration!.docStart ?? t.declaration!.start, end: t.declaration!.start },
      newFile: null,
      commentOnly: true,
    }),
  },
  'boilerplate/bodies': {
    kind: 'boilerplate',
    variant: 'bodies',
    benign: () => 'const result = 1;\nreturn result as never;',
    bounds: (t) => ({ span: { start: t.declaration!.body!.start, end: t.declaration!.body!.end }, ...noFile }),
  },
  'boilerplate/tests': {
    kind: 'boilerplate',
    variant: 'tests',
    benign: (field) => (field === 'name' ? 'handles the usual case' : 'expect(1 + 1).toBe(2);'),
    bounds: (t) => ({ span: null, newFile: testPathFor(t.file.path), commentOnly: false }),
  },
  'boilerplate/types': {
    kind: 'boilerplate',
    variant: 'types',
    benign: () => 'unknown',
    bounds: (t) => ({ span: { start: t.declaration!.start, end: t.declaration!.end }, ...noFile, noNewModules: true }),
  },
  'reformat/conventions': {
    kind: 'reformat',
    variant: 'conventions',
    instructions: 'prefer early returns',
    benign: (_field, t) => declarationText(t),
    bounds: (t) => ({ span: declarationSpan(t), ...noFile }),
  },
  review: {
    kind: 'review',
    variant: null,
    benign: (field, t) =>
      field === 'replacement'
        ? `${t.file.text.split('\n')[t.lines!.start - 1]} // checked`
        : field === 'suggestion'
          ? 'Check the length first.'
          : 'This may throw on empty input.',
    bounds: () => ({ span: null, ...noFile }),
  },
  custom: {
    kind: 'custom',
    variant: null,
    instructions: 'rename nothing; tidy the body',
    benign: (_field, t) => declarationText(t),
    bounds: (t) => ({ span: declarationSpan(t), ...noFile }),
  },
};

/** The variants that never take model output (checked separately); every kind's variants come from the registry. */
const NO_MODEL = new Set(['reformat/format']);

type Apply = (target: JobTarget, output: unknown, ctx: KindContext) => JobOutcome | Promise<JobOutcome>;
interface Failure {
  case: number;
  category: string;
  symbol: string;
  output: string;
  problems: string[];
}
interface Stats {
  cases: number;
  rejected: number;
  accepted: number;
  /** Cases whose every field was honest that apply still refused (the fixes must not refuse honest output). */
  honestRejected: string[];
  failures: Failure[];
  /** The string fields of the schemas, and those that got a hostile value at least once. */
  fields: Set<string>;
  hostileFields: Set<string>;
}

/** Shows a value with every non-ASCII or control character escaped, cut to a readable length. */
function preview(value: unknown): string {
  const json = JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'string' && v.length > 120 ? `${v.slice(0, 120)}…(${v.length})` : v,
  );
  return json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).slice(0, 600);
}

/** Sets `value` at `path` (the schema-fix step: a field the schema refuses gets its honest value). */
function setAt(root: unknown, path: PropertyKey[], value: unknown): void {
  let node = root as Record<PropertyKey, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<PropertyKey, unknown>;
  node[path[path.length - 1]!] = value;
}

const RUNNERS = ['vitest', 'jest', 'node', 'mocha'];
const fieldName = (at: string[]) => [...at].reverse().find((k) => !/^\d+$/.test(k)) ?? '';
const fieldPath = (at: string[]) => at.map((k) => (/^\d+$/.test(k) ? '*' : k)).join('.');

/**
 * Runs seeded hostile outputs through a kind's apply (or `apply`) and checks every outcome: first every structural
 * attack on every target (each string field of the output attacked the same way), then `cases` random ones.
 */
async function fuzz(name: string, cases = CASES, apply?: Apply): Promise<Stats> {
  const v = VARIANTS[name]!;
  const { ctx } = fuzzContext();
  const module = jobKind(v.kind) as JobKindModule<never>;
  const targets = module.select(stepOf(v.kind, v.variant, v.instructions), ctx);
  if (targets.length === 0) throw new Error(`${name}: no targets in the fuzz files`);
  const rng = new Rng(SEED ^ [...name].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7));
  const stats: Stats = {
    cases: 0,
    rejected: 0,
    accepted: 0,
    honestRejected: [],
    failures: [],
    fields: new Set(),
    hostileFields: new Set(),
  };
  const schemas = new Map<JobTarget, { schema: z.ZodType; json: JsonSchema }>();
  const systematic = targets.length * STRUCTURE.length;
  for (let i = 0; i < systematic + cases; i++) {
    const target = targets[i % targets.length]!;
    const attack = i < systematic ? STRUCTURE[Math.floor(i / targets.length)]! : null;
    const category = attack ? 'structure' : CATEGORIES[(i - systematic) % CATEGORIES.length]!;
    const known = schemas.get(target);
    const schema = known?.schema ?? (module.outputSchema(target, ctx) as z.ZodType);
    const json = known?.json ?? (z.toJSONSchema(schema) as JsonSchema);
    schemas.set(target, { schema, json });
    for (const f of stringFields(json)) stats.fields.add(f);
    const str = (at: string[]) => {
      const honest = v.benign(fieldName(at), target);
      if (attack) return attack(honest);
      if (category === 'bulk') return ['code', 'body'].includes(fieldName(at)) ? bulky(honest) : honest;
      if (category === 'benign' || rng.next() < 0.35) return honest;
      stats.hostileFields.add(fieldPath(at));
      return hostile(honest, category, rng);
    };
    // An honest case has something in every list: an empty answer is refused for being empty, not for being hostile.
    const output = generate(json, rng, str, category === 'benign' ? 1 : category === 'bulk' ? 1_000 : 0);
    for (let k = 0; k < 4; k++) {
      const parsed = schema.safeParse(output);
      if (parsed.success) break;
      for (const issue of parsed.error.issues)
        setAt(output, issue.path, v.benign(fieldName(issue.path.map(String)), target));
    }
    if (!schema.safeParse(output).success)
      throw new Error(`${name} case ${i}: the generator made schema-invalid output ${preview(output)}`);
    stats.cases++;
    const runCtx: KindContext = { ...ctx, tests: { runner: RUNNERS[i % RUNNERS.length]!, pathFor: testPathFor } };
    let outcome: JobOutcome;
    try {
      outcome = await (apply ?? (module.apply as Apply))(target, output, runCtx);
    } catch (err) {
      if (err instanceof JobRejected) {
        stats.rejected++;
        if (category === 'benign') stats.honestRejected.push(`${target.job.symbol}: ${err.message}`);
      } else
        stats.failures.push({
          case: i,
          category,
          symbol: target.job.symbol,
          output: preview(output),
          problems: [`crashed: ${String(err)}`],
        });
      continue;
    }
    const problems = problemsOf(module, target, outcome, v.bounds(target));
    if (problems.length)
      stats.failures.push({ case: i, category, symbol: target.job.symbol, output: preview(output), problems });
    else stats.accepted++;
  }
  return stats;
}

describe('hostile model output: every kind refuses it or writes only what is safe', () => {
  it('covers every registered kind and variant', () => {
    for (const kind of JOB_KINDS) {
      expect(() => jobKind(kind)).not.toThrow();
      for (const variant of variantsOf(kind).length ? variantsOf(kind) : [null]) {
        const name = variant ? `${kind}/${variant}` : kind;
        expect(name in VARIANTS || NO_MODEL.has(name), `${name} has no fuzz entry`).toBe(true);
      }
    }
    expect(STEP_VARIANTS.filter((s) => !JOB_KINDS.some((k) => variantsOf(k).includes(s)))).toEqual([]);
  });

  it('reformat/format never takes model output: its schema refuses to exist and it is deterministic', () => {
    const { ctx } = fuzzContext();
    const module = jobKind('reformat');
    const targets = module.select(stepOf('reformat', 'format'), ctx);
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) {
      expect(module.deterministic?.(t, ctx)).toBe(true);
      expect(() => module.outputSchema(t, ctx)).toThrow(/never calls a model/);
    }
  });

  for (const name of Object.keys(VARIANTS)) {
    it(`${name}: every structural attack on every target and ${CASES} seeded hostile outputs are rejected or safe`, async () => {
      const stats = await fuzz(name);
      console.log(
        `${name}: ${stats.cases} cases, ${stats.rejected} rejected, ${stats.accepted} accepted safely, ${stats.failures.length} unsafe`,
      );
      expect(stats.failures.slice(0, 5)).toEqual([]);
      expect(stats.honestRejected).toEqual([]);
      expect(stats.cases).toBeGreaterThan(CASES);
      // Both paths were taken: hostile values were refused, honest ones written.
      expect(stats.rejected).toBeGreaterThan(0);
      expect(stats.accepted).toBeGreaterThan(0);
      expect(stats.fields.size).toBeGreaterThan(0);
      expect([...stats.fields].filter((f) => !stats.hostileFields.has(f))).toEqual([]);
    });
  }
});

describe('the fuzz can fail', () => {
  it('a naive body writer (model text between the braces, unchecked) is caught', async () => {
    const naive: Apply = (t, output) => {
      const body = t.declaration!.body!;
      const text = (output as { body: string }).body;
      return {
        edits: [
          { owner: t.job.id, start: body.start, end: body.end, text, expect: t.file.text.slice(body.start, body.end) },
        ],
        newFiles: [],
        annotations: [],
      };
    };
    const stats = await fuzz('boilerplate/bodies', 120, naive);
    const seen = stats.failures.flatMap((f) => f.problems).join('\n');
    expect(seen).toMatch(/contains U\+/);
    expect(seen).toMatch(/code outside the edit changed|straddles/);
  });

  it('a naive doc writer (`/** summary */`, unchecked) is caught', async () => {
    const naive: Apply = (t, output) => {
      const d = t.declaration!;
      const start = d.docStart ?? d.start;
      const text = `/** ${(output as { summary: string }).summary} */\n${d.indent}`;
      return {
        edits: [{ owner: t.job.id, start, end: d.start, text, expect: t.file.text.slice(start, d.start) }],
        newFiles: [],
        annotations: [],
      };
    };
    const seen = (await fuzz('docstring', 120, naive)).failures.flatMap((f) => f.problems).join('\n');
    expect(seen).toMatch(/gate comment-only/);
    expect(seen).toMatch(/openers and/);
    expect(seen).toMatch(/tag code did not write/);
  });

  it('flags each kind of unsafe outcome, and not an honest one', () => {
    const { ctx } = fuzzContext();
    const docs = jobKind('docstring') as JobKindModule<never>;
    const t = docs
      .select(stepOf('docstring', null), ctx)
      .find((x) => x.job.symbol === 'add' && x.file.path === 'src/a.ts')!;
    const bounds = VARIANTS.docstring!.bounds(t);
    const at = t.declaration!.start;
    const doc = (text: string, start = at): JobOutcome => ({
      edits: [{ owner: t.job.id, start, end: at, text, expect: t.file.text.slice(start, at) }],
      newFiles: [],
      annotations: [],
    });
    expect(problemsOf(docs, t, doc('/** Adds. */\n'), bounds)).toEqual([]);
    expect(problemsOf(docs, t, doc('/** Adds. */ evil(); /** */\n'), bounds).join()).toMatch(/gate comment-only/);
    expect(problemsOf(docs, t, doc('/** Adds \u2217/ twice. */\n'), bounds).join()).toMatch(/openers/);
    expect(problemsOf(docs, t, doc('/** Adds. @internal */\n'), bounds).join()).toMatch(/@internal/);
    expect(problemsOf(docs, t, doc('/** Adds.\u202e */\n'), bounds).join()).toMatch(/U\+202e/);
    expect(problemsOf(docs, t, doc('/** Adds.\u0085 */\n'), bounds).join()).toMatch(/U\+0085/);
    expect(problemsOf(docs, t, doc(`/** ${'x'.repeat(200_000)} */\n`), bounds).join()).toMatch(/cap/);
    expect(problemsOf(docs, t, doc('/** Adds. */\n', at - 1), bounds).join()).toMatch(/outside the span/);
    const file: JobOutcome = { edits: [], newFiles: [{ path: '../x.test.ts', text: '' }], annotations: [] };
    expect(problemsOf(docs, t, file, { span: null, newFile: 'test/a.test.ts', commentOnly: false }).join()).toMatch(
      /new file at/,
    );
    const tests = { span: null, newFile: 'test/a.test.ts', commentOnly: false };
    const testFile = (text: string): JobOutcome => ({
      edits: [],
      newFiles: [{ path: 'test/a.test.ts', text }],
      annotations: [],
    });
    const honest =
      "import { describe, it } from 'vitest';\nimport { add } from '../src/a.js';\n\ndescribe(add.name, () => {\n  it.todo('add works');\n});\n";
    expect(problemsOf(docs, t, testFile(honest), tests)).toEqual([]);
    expect(problemsOf(docs, t, testFile(`${honest}import evil from '../../evil.js';\n`), tests).join()).toMatch(
      /imports \.\.\/\.\.\/evil/,
    );
    expect(
      problemsOf(docs, t, testFile(honest.replace("it.todo('add works');", "it.todo('x');\n  evil();")), tests).join(),
    ).toMatch(/describe block holds evil/);
    const ret = t.file.text.indexOf('number {', t.declaration!.start);
    const typed = (text: string): JobOutcome => ({
      edits: [{ owner: t.job.id, start: ret, end: ret + 6, text, expect: 'number' }],
      newFiles: [],
      annotations: [],
    });
    const types = {
      span: { start: t.declaration!.start, end: t.declaration!.end },
      newFile: null,
      commentOnly: false,
      noNewModules: true,
    };
    expect(problemsOf(docs, t, typed('unknown'), types)).toEqual([]);
    expect(problemsOf(docs, t, typed("typeof import ('../../x')"), types).join()).toMatch(/names modules/);
    const review = { ...t, lines: { start: 3, end: 5 } };
    const note = {
      file: 'src/a.ts',
      line: 6,
      endLine: 6,
      severity: 'note' as const,
      ruleId: 'x',
      message: 'm',
      source: 'model' as const,
    };
    expect(
      problemsOf(
        docs,
        review,
        { edits: [], newFiles: [], annotations: [note] },
        { span: null, newFile: null, commentOnly: false },
      ).join(),
    ).toMatch(/outside/);
  });

  it('sees code outside an edit change: a dropped semicolon, an early brace, an open comment', () => {
    const before = 'const a = 1;\n[0].forEach(f);\nfunction g() {\n  return 1;\n}\n/** doc */\nfunction h() {}\n';
    const replace = (start: number, end: number, text: string) =>
      outsideChanges(
        'x.ts',
        before,
        before.slice(0, start) + text + before.slice(end),
        regionsOf([{ start, end, text }]),
      );
    expect(replace(0, 12, 'const a = 2;')).toEqual([]);
    expect(replace(0, 12, 'const a = 2').join()).toMatch(/outside the edit changed|straddles/);
    const inner = before.indexOf('return');
    expect(replace(inner, inner + 9, 'return 2;')).toEqual([]);
    expect(replace(inner, inner + 9, 'return 2; }\nfunction evil() {').join()).toMatch(
      /outside the edit changed|straddles/,
    );
    expect(replace(inner, inner + 9, 'return 2; /*').join()).toMatch(/outside the edit changed|straddles/);
    const fn = 'function f(a, b) {}\n';
    const insert = (texts: string[]) => {
      const edits = [
        { start: 12, end: 12, text: texts[0]! },
        { start: 16, end: 16, text: texts[1]! },
      ];
      return outsideChanges(
        'x.ts',
        fn,
        `${fn.slice(0, 12)}${texts[0]}${fn.slice(12, 16)}${texts[1]}${fn.slice(16)}`,
        regionsOf(edits),
      );
    };
    expect(insert([': string', ': void'])).toEqual([]);
    expect(insert([': string, evil = 1', ': void']).join()).toMatch(/outside the edit changed|straddles/);
  });
});
