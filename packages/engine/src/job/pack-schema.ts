import { outputJsonSchema } from '@orchestrate/agents';
import type { z } from 'zod';

type Json = Record<string, unknown>;

/**
 * Whether a packed call states an item schema that several of its items share once, under `$defs`. OpenAI's (and
 * Azure OpenAI's) strict structured outputs accept `$defs` and `$ref`; a client that cannot send them sends the zod
 * schema inline instead (it ignores `StructuredCall.jsonSchema`). Off here turns it off for every provider.
 */
export const PACK_SCHEMA_DEFS = true;

/**
 * The JSON schema of a packed worker call, `{ items: { item1, item2, … } }`, when some of its items' schemas are
 * identical: each such schema is stated once under `$defs` (`item`, `item2`, …) and referenced
 * (`{"$ref":"#/$defs/item"}`); the others stay inline. Undefined when no two items share a schema (the client then
 * converts the zod schema as usual, to the same JSON as this would be).
 */
export function packJsonSchema(keys: readonly string[], items: readonly z.ZodType[]): Json | undefined {
  if (!PACK_SCHEMA_DEFS || keys.length < 2) return undefined;
  const schemas = items.map((s) => outputJsonSchema(s));
  const texts = schemas.map((s) => JSON.stringify(s));
  const counts = new Map<string, number>();
  for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
  if (![...counts.values()].some((n) => n > 1)) return undefined;
  const names = new Map<string, string>();
  const defs: Json = {};
  const properties: Json = {};
  keys.forEach((key, i) => {
    const text = texts[i]!;
    if (counts.get(text)! < 2) {
      properties[key] = schemas[i];
      return;
    }
    let name = names.get(text);
    if (!name) {
      name = names.size === 0 ? 'item' : `item${names.size + 1}`;
      names.set(text, name);
      defs[name] = schemas[i];
    }
    properties[key] = { $ref: `#/$defs/${name}` };
  });
  const object = (props: Json, required: string[]): Json => ({
    type: 'object',
    properties: props,
    required,
    additionalProperties: false,
  });
  return { ...object({ items: object(properties, [...keys]) }, ['items']), $defs: defs };
}
