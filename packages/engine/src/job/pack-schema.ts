import { outputJsonSchema } from '@orchestrate/agents';
import { parseModelRef, type ResolvedConfig } from '@orchestrate/core';
import type { z } from 'zod';

type Json = Record<string, unknown>;

/**
 * Whether a packed call to `model` (a ref) may state an item schema that several of its items share once, under
 * `$defs`: its provider's capability `schemaRefs` (OpenAI, Azure OpenAI, Anthropic and OpenRouter resolve `$defs` and
 * `$ref`; another compatible server gets every item inline unless its `capabilities` say so). A client that cannot
 * send a JSON schema of its own sends the zod schema inline anyway (it ignores `StructuredCall.jsonSchema`).
 */
export function schemaRefsFor(model: string, config: Pick<ResolvedConfig, 'providers'>): boolean {
  const provider = config.providers[parseModelRef(model, Object.keys(config.providers)).provider];
  return provider?.capabilities.schemaRefs ?? false;
}

/**
 * The JSON schema of a packed worker call, `{ items: { j1, j2, … }, escalate? }`, when some of its items' schemas are
 * identical: each such schema is stated once under `$defs` (`item`, `item2`, …) and referenced
 * (`{"$ref":"#/$defs/item"}`); the others stay inline; the call's `escalate` list (when offered) follows `items`.
 * Undefined when no two items share a schema (the client then converts the zod schema as usual, to the same JSON as
 * this would be), and when `refs` is off (`schemaRefsFor`). An item schema with refs of its own (`$defs`, `$ref`) stays
 * inline: moved under `$defs`, its refs would point elsewhere.
 */
export function packJsonSchema(
  keys: readonly string[],
  items: readonly z.ZodType[],
  refs: boolean,
  escalate?: z.ZodType,
): Json | undefined {
  if (!refs || keys.length < 2) return undefined;
  const schemas = items.map((s) => outputJsonSchema(s));
  const texts = schemas.map((s) => JSON.stringify(s));
  const counts = new Map<string, number>();
  for (const t of texts) if (!/"\$(?:ref|defs)"/.test(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
  if (![...counts.values()].some((n) => n > 1)) return undefined;
  const names = new Map<string, string>();
  const defs: Json = {};
  const properties: Json = {};
  keys.forEach((key, i) => {
    const text = texts[i]!;
    if ((counts.get(text) ?? 0) < 2) {
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
  const call: Json = { items: object(properties, [...keys]) };
  if (escalate) call.escalate = outputJsonSchema(escalate);
  return { ...object(call, Object.keys(call)), $defs: defs };
}
