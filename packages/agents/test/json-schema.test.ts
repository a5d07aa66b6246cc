import { toJSONSchema, z } from 'zod';
import { describe, expect, it } from 'vitest';
import { directJsonSchema, outputJsonSchema } from '../src/json-schema.js';
import { verifierSchema } from '../src/verifier.js';
import { plannerOutputSchemaFor } from '../src/planner.js';

// A planner schema over two kinds, one with variants (the product's kinds come from the jobs registry).
const plannerSchema = plannerOutputSchemaFor([
  { kind: 'docstring', description: [], summary: '', variants: [], offline: [] },
  { kind: 'boilerplate', description: [], summary: '', variants: ['bodies', 'tests'], offline: [] },
]);

/** What zod itself writes, without `$schema`. */
function zods(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...json } = toJSONSchema(schema) as Record<string, unknown>;
  return json;
}

const doc = (params: string[], returns: boolean) => {
  const shape: Record<string, z.ZodType> = { summary: z.string().describe('One or two sentences.') };
  if (params.length)
    shape.params = z.strictObject(Object.fromEntries(params.map((p) => [p, z.string().describe(`What \`${p}\` is.`)])));
  if (returns) shape.returns = z.string().describe('What it returns.');
  return z.strictObject(shape);
};

describe('outputJsonSchema', () => {
  const cases: Record<string, z.ZodType> = {
    'a packed docstring call': z.strictObject({
      items: z.strictObject({ item1: doc(['a', 'b'], true), item2: doc([], false), item3: doc(['x'], false) }),
    }),
    'a verifier batch (one verdict schema reused under every key)': verifierSchema(['job-1', 'job-2', 'job-3']),
    'an empty strict object': z.strictObject({}),
    'plain objects, booleans, arrays and string enums, described': z.object({
      flag: z.boolean().describe('a flag'),
      kinds: z.array(z.enum(['docstring', 'review'])).describe('the kinds'),
      nested: z.object({ list: z.array(z.strictObject({ name: z.string() })) }),
    }),
  };
  for (const [name, schema] of Object.entries(cases)) {
    it(`writes what zod writes, without zod: ${name}`, () => {
      expect(directJsonSchema(schema)).toBeDefined();
      expect(outputJsonSchema(schema)).toEqual(zods(schema));
    });
  }

  const fallbacks: Record<string, z.ZodType> = {
    'checks (min/max, regex, length)': z.strictObject({
      line: z.int().min(1).max(9),
      id: z.string().regex(/^[a-z]+$/),
      two: z.array(z.string()).length(2),
    }),
    'nullable and numbers': z.strictObject({ a: z.string().nullable(), n: z.number() }),
    'a loose object': z.looseObject({ a: z.string() }),
    'metadata beyond a description': z.strictObject({ a: z.string().meta({ title: 'A', description: 'a' }) }),
    'a union and a literal': z.strictObject({ u: z.union([z.string(), z.boolean()]), l: z.literal('k') }),
  };
  for (const [name, schema] of Object.entries(fallbacks)) {
    it(`leaves what it does not convert to zod: ${name}`, () => {
      expect(directJsonSchema(schema)).toBeUndefined();
      expect(outputJsonSchema(schema)).toEqual(zods(schema));
    });
  }

  it("matches zod on the planner's schema, whichever path it takes", () => {
    expect(outputJsonSchema(plannerSchema)).toEqual(zods(plannerSchema));
  });
});
