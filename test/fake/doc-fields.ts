// The parameter fields of a docstring worker's item schema, for the fakes that answer it: flat (`{ summary, a, b,
// returns }`) or, when a parameter is named like one of the answer's own fields, nested under `params`.

/** The fields of a docstring answer that are not parameters. */
const OWN_FIELDS = new Set(['summary', 'params', 'returns', 'throws', 'escalate']);

/** The parameter names a docstring item schema (JSON) asks for, flat or under `params`. */
export function docParams(schema: any): string[] {
  const props = (schema?.properties ?? {}) as Record<string, unknown>;
  const nested = (props.params as any)?.properties;
  if (nested && typeof nested === 'object') return Object.keys(nested);
  return Object.keys(props).filter((k) => !OWN_FIELDS.has(k));
}

/** The parameter part of an answer to `schema`: `{ a: text(a), … }` flat, or `{ params: {…} }` when it nests them. */
export function paramFields(schema: any, text: (param: string) => string): Record<string, unknown> {
  const fields = Object.fromEntries(docParams(schema).map((p) => [p, text(p)]));
  if ((schema?.properties as Record<string, any> | undefined)?.params?.properties) return { params: fields };
  return fields;
}

/** A code line that declares a top-level name (`export function add(`), as a docstring context's fence opens it. */
const DECLARING =
  /```ts\n(?:export\s+(?:default\s+)?)?(?:declare\s+)?(?:async\s+)?(?:function\b\s*\*?|const\s+enum|const|let|var|interface|type|enum)\s*([\w$]+)/;

/**
 * The symbol a docstring context documents: its `Declaration: function \`add\`` line, else the name its code's first
 * line declares (the context leaves the line out when that line shows it), else undefined.
 */
export function declaredSymbol(text: string): string | undefined {
  return /Declaration: [\w-]+ `([^`]+)`/.exec(text)?.[1] ?? DECLARING.exec(text)?.[1];
}
