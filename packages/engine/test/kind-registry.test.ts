import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toJSONSchema } from 'zod';
import * as core from '@orchestrate/core';
import { offlineCapabilities, planOffline, plannerInstructionsFor, plannerOutputSchemaFor } from '@orchestrate/agents';
import {
  createRegistry,
  customKind,
  JOB_KINDS,
  jobKind,
  KIND_PLANNING,
  REGISTRY,
  STEP_VARIANTS,
  type JobKindModule,
} from '@orchestrate/jobs';
import { PLANNER_INSTRUCTIONS, plannerOutputSchema } from '../src/plan.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const JOBS_SRC = path.join(ROOT, 'packages/jobs/src');

/** Every TypeScript source file under `dir`. */
function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(full).isDirectory()) return sources(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

type EnumNode = { enum?: unknown[]; anyOf?: { enum?: unknown[] }[] };

/** The enum values of a property of the planner schema's step, as the wire sees them. */
function stepEnum(schema: unknown, field: 'kind' | 'variant'): unknown[] {
  const json = toJSONSchema(schema as Parameters<typeof toJSONSchema>[0]) as unknown as {
    properties: { steps: { items: { properties: Record<string, EnumNode> } } };
  };
  const prop = json.properties.steps.items.properties[field]!;
  return prop.enum ?? prop.anyOf?.find((a) => a.enum)?.enum ?? [];
}

describe('the jobs registry is the only list of kinds', () => {
  it('JOB_KINDS, the variants and the planner view are the registry, and each kind has its own folder', () => {
    expect(JOB_KINDS).toEqual(REGISTRY.kinds);
    expect(KIND_PLANNING.map((k) => k.kind)).toEqual([...JOB_KINDS]);
    expect(STEP_VARIANTS).toEqual([...new Set(KIND_PLANNING.flatMap((k) => k.variants))]);
    for (const kind of JOB_KINDS) {
      expect(jobKind(kind).kind).toBe(kind);
      expect(existsSync(path.join(JOBS_SRC, kind)), `packages/jobs/src/${kind}/`).toBe(true);
    }
    // core knows no kind by name: it has the types, not a list.
    expect('JOB_KINDS' in core).toBe(false);
    expect('STEP_VARIANTS' in core).toBe(false);
  });

  it("the config's per-kind settings name the registry's kinds (core checks them against the list it is given)", () => {
    expect(core.resolveConfig({ kinds: { reformat: { verify: true } } }, 'config', JOB_KINDS).kinds).toEqual({
      reformat: { verify: true },
    });
    expect(() => core.resolveConfig({ kinds: { docstrng: { verify: false } } }, 'config', JOB_KINDS)).toThrow(
      /unknown key `docstrng` in `kinds` — did you mean `docstring`\?/,
    );
    let err: unknown = null;
    try {
      core.resolveConfig({ kinds: { nope: {} } }, 'config', JOB_KINDS);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(core.ConfigError);
    expect((err as core.ConfigError).code).toBe('E_CONFIG');
  });

  it("the planner's instructions, kind enum and variant enum derive from the registry", () => {
    expect(PLANNER_INSTRUCTIONS).toBe(plannerInstructionsFor(KIND_PLANNING));
    for (const line of KIND_PLANNING.flatMap((k) => k.description)) expect(PLANNER_INSTRUCTIONS).toContain(line);
    expect(stepEnum(plannerOutputSchema, 'kind')).toEqual([...JOB_KINDS]);
    expect(stepEnum(plannerOutputSchema, 'variant')).toEqual([...STEP_VARIANTS]);
  });

  it('no source file outside a kind folder and registry.ts lists the kinds', () => {
    const kindDirs = JOB_KINDS.map((k) => path.join(JOBS_SRC, k) + path.sep);
    const files = ['packages', 'apps'].flatMap((top) => {
      const base = path.join(ROOT, top);
      return existsSync(base) ? readdirSync(base).flatMap((p) => sources(path.join(base, p, 'src'))) : [];
    });
    expect(files.length).toBeGreaterThan(20);
    const lists: string[] = [];
    for (const file of files) {
      if (file === path.join(JOBS_SRC, 'registry.ts') || kindDirs.some((d) => file.startsWith(d))) continue;
      const text = readFileSync(file, 'utf8');
      // A kind's name as a string literal; one or two (the engine's review command) are uses, more are a list.
      const named = JOB_KINDS.filter((k) => new RegExp(`['"\`]${k}['"\`]`).test(text));
      if (named.length > 2) lists.push(`${path.relative(ROOT, file)}: ${named.join(', ')}`);
    }
    expect(lists).toEqual([]);
  });
});

describe('a kind added to a registry shows up everywhere the planner looks', () => {
  // A fake kind, made of the custom kind's worker parts: one folder's worth of declaration.
  const translateKind: JobKindModule<never> = {
    ...(customKind as unknown as JobKindModule<never>),
    kind: 'translate',
    planning: {
      description: ['- translate, variant french: translate the comments of the selected declarations.'],
      summary: 'translations',
      variants: ['french', 'german'],
      offline: [
        {
          variant: 'french',
          test: /\btranslate\b/i,
          order: 45,
          capability: 'translate comments ("translate the comments to French")',
          fields: (task) => ({ instructions: task }),
        },
      ],
    },
    conventionWords: ['translation'],
    commitSubject: (jobs) => `docs: translate ${jobs.length} comments`,
  };
  const registry = createRegistry([...JOB_KINDS.map((k) => jobKind(k) as JobKindModule<never>), translateKind]);

  it('appears in the planner instructions, after the kinds before it', () => {
    const text = plannerInstructionsFor(registry.planning);
    expect(text).toContain('- translate, variant french: translate the comments of the selected declarations.');
    expect(text.indexOf('- custom:')).toBeLessThan(text.indexOf('- translate'));
    expect(text).not.toBe(PLANNER_INSTRUCTIONS);
  });

  it("appears in the planner schema's kind and variant enums, and only there", () => {
    const schema = plannerOutputSchemaFor(registry.planning);
    expect(stepEnum(schema, 'kind')).toEqual([...JOB_KINDS, 'translate']);
    expect(stepEnum(schema, 'variant')).toEqual([...STEP_VARIANTS, 'french', 'german']);
    expect(registry.variants).toEqual([...STEP_VARIANTS, 'french', 'german']);
    const step = {
      kind: 'translate',
      variant: 'french',
      paths: [],
      declarationKinds: [],
      names: [],
      exportedOnly: false,
      includeDocumented: false,
      changedSince: null,
      instructions: '',
    };
    expect(schema.safeParse({ steps: [step], unsupported: null }).success).toBe(true);
    expect(plannerOutputSchema.safeParse({ steps: [step], unsupported: null }).success).toBe(false);
  });

  it('appears in the offline rules and capabilities, in its rule order', () => {
    const plan = planOffline('document src/x.ts and translate the comments to French', () => true, registry.planning);
    expect(plan.steps.map((s) => `${s.kind}/${s.variant ?? '-'}`)).toEqual(['translate/french', 'docstring/-']);
    expect(plan.steps[0]!.instructions).toBe('document src/x.ts and translate the comments to French');
    expect(planOffline('translate the comments to French', () => true, KIND_PLANNING).steps).toEqual([]);
    expect(offlineCapabilities(registry.planning)).toContain('translate comments ("translate the comments to French")');
  });

  it('answers for its own module and commit subject', () => {
    expect(registry.module('translate').commitSubject([], 0)).toBe('docs: translate 0 comments');
    expect(() => REGISTRY.module('translate')).toThrow(core.UnsupportedTaskError);
  });
});
