// Deterministic JSON-schema value generator used by the fake OpenAI server's default handler.

type Schema = any;

/** Generates a deterministic value that validates against the given JSON schema (supports $defs/definitions refs). */
export function schemaFaker(schema: Schema, seed = 'fake'): unknown {
  return gen(schema, schema, seed, 0);
}

function resolveRef(root: Schema, ref: string): Schema {
  const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!m) {
    if (ref === '#') return root;
    throw new Error(`schemaFaker: unsupported $ref ${ref}`);
  }
  const name = decodeURIComponent(m[2]!).replace(/~1/g, '/').replace(/~0/g, '~');
  const target = root?.[m[1]!]?.[name];
  if (target === undefined) throw new Error(`schemaFaker: unresolved $ref ${ref}`);
  return target;
}

function isNullSchema(s: Schema): boolean {
  return (
    s?.type === 'null' || (Array.isArray(s?.enum) && s.enum.length === 1 && s.enum[0] === null) || s?.const === null
  );
}

function gen(schema: Schema, root: Schema, path: string, depth: number): unknown {
  if (depth > 32) return null;
  if (schema === true || schema === undefined || schema === null) return `${path} text`;
  if (schema === false) throw new Error('schemaFaker: schema `false` admits no value');
  if (typeof schema.$ref === 'string') {
    const { $ref, ...rest } = schema;
    return gen({ ...resolveRef(root, $ref), ...rest }, root, path, depth + 1);
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const branches: Schema[] | undefined = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches) && branches.length > 0) {
    const { anyOf: _a, oneOf: _o, ...rest } = schema;
    const pick = branches.find((b) => !isNullSchema(b)) ?? branches[0];
    return gen({ ...rest, ...pick }, root, path, depth + 1);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const { allOf, ...rest } = schema;
    const merged = allOf.reduce((acc: Schema, s: Schema) => mergeSchemas(acc, s), rest);
    return gen(merged, root, path, depth + 1);
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t: string) => t !== 'null') ?? 'null';
  if (type === undefined) {
    if (schema.properties) type = 'object';
    else if (schema.items) type = 'array';
    else return `${path} text`;
  }
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props: Record<string, Schema> = schema.properties ?? {};
      for (const [key, sub] of Object.entries(props)) out[key] = gen(sub, root, key, depth + 1);
      for (const key of schema.required ?? []) {
        if (!(key in out)) out[key] = gen(schema.additionalProperties ?? true, root, key, depth + 1);
      }
      return out;
    }
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 1;
      const count = typeof schema.maxItems === 'number' ? Math.min(min, schema.maxItems) : min;
      const items: unknown[] = [];
      for (let i = 0; i < count; i++) {
        const sub =
          Array.isArray(schema.prefixItems) && i < schema.prefixItems.length ? schema.prefixItems[i] : schema.items;
        items.push(gen(sub, root, `${path}[${i}]`, depth + 1));
      }
      return items;
    }
    case 'string': {
      if (schema.format === 'date-time') return '2020-01-01T00:00:00Z';
      if (schema.format === 'date') return '2020-01-01';
      if (schema.format === 'uri' || schema.format === 'url') return 'https://example.com/';
      if (schema.format === 'email') return 'fake@example.com';
      if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      let s = 'fake text';
      if (typeof schema.minLength === 'number' && s.length < schema.minLength) s = s.padEnd(schema.minLength, 'x');
      if (typeof schema.maxLength === 'number' && s.length > schema.maxLength) s = s.slice(0, schema.maxLength);
      return s;
    }
    case 'integer':
    case 'number': {
      let n = 1;
      if (typeof schema.minimum === 'number') n = Math.max(n, schema.minimum);
      if (typeof schema.exclusiveMinimum === 'number') n = Math.max(n, schema.exclusiveMinimum + 1);
      if (typeof schema.maximum === 'number') n = Math.min(n, schema.maximum);
      return type === 'integer' ? Math.ceil(n) : n;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return `${path} text`;
  }
}

function mergeSchemas(a: Schema, b: Schema): Schema {
  if (typeof b !== 'object' || b === null) return a;
  const out: Schema = { ...a, ...b };
  if (a.properties || b.properties) out.properties = { ...(a.properties ?? {}), ...(b.properties ?? {}) };
  if (a.required || b.required) out.required = [...(a.required ?? []), ...(b.required ?? [])];
  return out;
}
