import { z } from 'zod';
import type { Declaration } from '@orchestrate/repo';
import type { DocContent } from './render.js';

/**
 * A worker's docstring answer: `summary`, then a phrase per parameter keyed by its name (flat, or under `params` when a
 * name is one of the answer's own fields: `flatParams`), then `returns` and `throws`; each only when the declaration has
 * it.
 */
export type DocOutput = { summary: string } & Record<string, string | Record<string, string>>;

/**
 * The answer's own field names (and `escalate`, which a single worker call adds to the item): a parameter named like
 * one of them would be ambiguous beside it, so its declaration keeps the parameters under `params`.
 */
const FIELDS = new Set(['summary', 'params', 'returns', 'throws', 'escalate']);

/**
 * One plain string schema for every field: what each field holds is said once in the instructions, not in a
 * description repeated per field and per packed item (a pack of 16 sent about 1,100 tokens of them).
 */
const text = z.string();

type DocSchema = z.ZodType<DocOutput>;

/** Schemas by the shape that decides them (parameter names, returns, throws): declarations share them often. */
const docSchemas = new Map<string, DocSchema>();

/**
 * Whether `d`'s parameters are fields of the answer itself (`{ summary, a, b, returns }`) rather than a nested
 * `params` object: code decides, per declaration, so a `params: {…}` wrapper is sent only where a name would collide.
 */
export function flatParams(d: Declaration): boolean {
  return !d.params.some((p) => FIELDS.has(p.name));
}

/** The worker's output for one docstring declaration: the parameter keys are exactly its parameter names. */
export function docSchema(d: Declaration): DocSchema {
  const key = `${d.returnsVoid ? 0 : 1}${d.throws ? 1 : 0}${d.params.map((p) => p.name).join('\u0000')}`;
  let schema = docSchemas.get(key);
  if (!schema) {
    if (docSchemas.size >= 10_000) docSchemas.clear();
    docSchemas.set(key, (schema = buildDocSchema(d)));
  }
  return schema;
}

function buildDocSchema(d: Declaration): DocSchema {
  const shape: Record<string, z.ZodType> = { summary: text };
  if (flatParams(d)) for (const p of d.params) shape[p.name] = text;
  else if (d.params.length) shape.params = z.strictObject(Object.fromEntries(d.params.map((p) => [p.name, text])));
  if (!d.returnsVoid) shape.returns = text;
  if (d.throws) shape.throws = text;
  return z.strictObject(shape) as unknown as DocSchema;
}

/** `content` shaped exactly like `docSchema(d)` asks for it (the offline engine's output takes the model's path). */
export function docOutput(d: Declaration, content: DocContent): DocOutput {
  const params = Object.fromEntries(d.params.map((p) => [p.name, content.params[p.name] ?? '']));
  return {
    summary: content.summary,
    ...(!d.params.length ? {} : flatParams(d) ? params : { params }),
    ...(!d.returnsVoid ? { returns: content.returns ?? '' } : {}),
    ...(d.throws ? { throws: content.throws ?? '' } : {}),
  };
}

/** The doc comment's content from an answer `docSchema(d)` validated (flat or nested, as `flatParams` decided). */
export function docContent(d: Declaration, output: DocOutput): DocContent {
  const string = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const nested = (flatParams(d) ? output : output.params) as Record<string, unknown> | string | undefined;
  const params: Record<string, string> = {};
  if (nested && typeof nested === 'object') {
    for (const p of d.params) {
      const value = string(Object.hasOwn(nested, p.name) ? nested[p.name] : undefined);
      if (value !== undefined) params[p.name] = value;
    }
  }
  return {
    summary: string(output.summary) ?? '',
    params,
    returns: string(output.returns) ?? null,
    throws: string(output.throws) ?? null,
  };
}
