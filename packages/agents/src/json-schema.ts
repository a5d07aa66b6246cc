import { globalRegistry, toJSONSchema, type z } from 'zod';

type Json = Record<string, unknown>;

/**
 * The JSON schema sent with a structured call (no `$schema` key). Job schemas are new for every call (their keys are a
 * declaration's parameter names, a batch's item keys), and zod's converter costs about half a millisecond for each:
 * the shapes they are made of (objects, strings, booleans, string enums, arrays, descriptions) are converted here
 * directly, to the same schema zod writes (a test holds them equal). Anything else goes to zod's own converter.
 */
export function outputJsonSchema(schema: z.ZodType): Json {
  const fast = directJsonSchema(schema);
  if (fast) return fast;
  const { $schema: _ignored, ...json } = toJSONSchema(schema) as Json;
  return json;
}

interface Def {
  type: string;
  checks?: unknown[];
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  entries?: Record<string, unknown>;
}

/** The schema of the shapes above, or undefined when `schema` (or a part of it) is anything else. */
export function directJsonSchema(schema: z.ZodType): Json | undefined {
  return convert(schema);
}

function convert(schema: z.ZodType): Json | undefined {
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  if (def.checks?.length) return undefined;
  let out: Json;
  switch (def.type) {
    case 'string':
      out = { type: 'string' };
      break;
    case 'boolean':
      out = { type: 'boolean' };
      break;
    case 'enum': {
      const values = Object.values(def.entries ?? {});
      if (!values.every((v) => typeof v === 'string')) return undefined;
      out = { type: 'string', enum: values };
      break;
    }
    case 'array': {
      const items = def.element && convert(def.element);
      if (!items) return undefined;
      out = { type: 'array', items };
      break;
    }
    case 'object': {
      if (def.catchall && (def.catchall as unknown as { _zod: { def: Def } })._zod.def.type !== 'never')
        return undefined;
      const properties: Json = {};
      const required: string[] = [];
      for (const [key, value] of Object.entries(def.shape ?? {})) {
        const property = convert(value);
        if (!property) return undefined;
        properties[key] = property;
        required.push(key);
      }
      out = { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false };
      break;
    }
    default:
      return undefined;
  }
  const meta = globalRegistry.get(schema);
  if (meta) {
    if (Object.keys(meta).some((k) => k !== 'description')) return undefined;
    if (meta.description !== undefined) out.description = meta.description;
  }
  return out;
}
