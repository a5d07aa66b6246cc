// A seeded synthetic TypeScript repository for the benchmark: realistic undocumented code (interfaces, type aliases,
// classes, exported functions with typed parameters, some async, some throwing, private helpers), byte-for-byte the
// same for the same seed and sizes.

/** A deterministic PRNG (mulberry32): floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Helpers over a PRNG. */
class Rng {
  constructor(readonly next: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export interface SyntheticOptions {
  seed: number;
  /** Exported top-level functions in the whole repository (each one docstring job for "every exported function"). */
  functions: number;
  /** Source files to spread them over. @default ceil(functions / 8) */
  files?: number;
}

export interface SyntheticRepo {
  /** Path → content, including package.json and tsconfig.json. */
  files: Record<string, string>;
  /** `path#name` of every exported top-level function, in file order. */
  exportedFunctions: string[];
  /** Number of TypeScript source files. */
  sourceFiles: number;
}

const AREAS = [
  'core',
  'billing',
  'users',
  'orders',
  'net',
  'util',
  'reports',
  'storage',
  'auth',
  'events',
  'search',
  'media',
];
const SUBAREAS = ['', '', 'internal', 'model', 'service', 'format', 'io'];
const NOUNS = [
  'user',
  'order',
  'invoice',
  'config',
  'token',
  'session',
  'path',
  'record',
  'item',
  'price',
  'range',
  'vector',
  'event',
  'message',
  'header',
  'query',
  'route',
  'cache',
  'account',
  'payment',
  'report',
  'schedule',
  'tag',
  'address',
  'customer',
  'product',
  'shipment',
  'ledger',
  'metric',
  'segment',
  'file',
  'chunk',
  'batch',
  'job',
  'task',
  'policy',
];
const VERBS = [
  'get',
  'find',
  'create',
  'update',
  'remove',
  'parse',
  'format',
  'validate',
  'compute',
  'normalize',
  'merge',
  'resolve',
  'load',
  'save',
  'build',
  'convert',
  'filter',
  'sort',
  'group',
  'count',
  'apply',
  'render',
  'encode',
  'decode',
  'schedule',
  'fetch',
  'sum',
  'clamp',
  'split',
  'index',
  'diff',
  'score',
  'estimate',
  'summarize',
  'collect',
  'select',
];
const QUALIFIERS = [
  '',
  '',
  '',
  'ById',
  'ByName',
  'List',
  'Total',
  'Map',
  'ForAccount',
  'Safely',
  'InRange',
  'Batch',
  'Keys',
];
const FIELD_NAMES = [
  'id',
  'name',
  'amount',
  'createdAt',
  'status',
  'count',
  'label',
  'owner',
  'weight',
  'currency',
  'active',
  'tags',
];
const FIELD_TYPES: Record<string, string> = {
  id: 'string',
  name: 'string',
  amount: 'number',
  createdAt: 'Date',
  status: "'open' | 'closed' | 'pending'",
  count: 'number',
  label: 'string',
  owner: 'string',
  weight: 'number',
  currency: 'string',
  active: 'boolean',
  tags: 'string[]',
};

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const camel = (...parts: string[]) =>
  parts
    .filter(Boolean)
    .map((p, i) => (i === 0 ? p : cap(p)))
    .join('');

interface Param {
  name: string;
  type: string;
  optional: boolean;
}

/** The types a file's functions can use: its own interface and alias plus the primitives. */
interface FileTypes {
  entity: string;
  alias: string;
  fields: string[];
}

function genInterface(rng: Rng, name: string): { text: string; fields: string[] } {
  const fields = ['id', ...FIELD_NAMES.slice(1).filter(() => rng.chance(0.45))];
  if (fields.length < 3) fields.push('amount', 'name');
  const unique = [...new Set(fields)];
  const lines = unique.map((f) => `  ${f === 'owner' && rng.chance(0.5) ? `${f}?` : f}: ${FIELD_TYPES[f]};`);
  if (rng.chance(0.3)) lines.push('  readonly version: number;');
  return { text: `export interface ${name} {\n${lines.join('\n')}\n}\n`, fields: unique };
}

function genParams(rng: Rng, t: FileTypes, count: number): Param[] {
  const pool: Array<[string, string]> = [
    [lower(t.entity), t.entity],
    [camel(lower(t.entity), 'list'), `${t.entity}[]`],
    ['id', 'string'],
    ['name', 'string'],
    ['limit', 'number'],
    ['offset', 'number'],
    ['threshold', 'number'],
    ['options', `Partial<${t.alias}>`],
    ['strict', 'boolean'],
    ['key', 'string'],
    ['factor', 'number'],
    ['lookup', `Map<string, ${t.entity}>`],
    ['predicate', `(value: ${t.entity}) => boolean`],
    ['now', 'Date'],
  ];
  const out: Param[] = [];
  const used = new Set<string>();
  while (out.length < count) {
    const [name, type] = rng.pick(pool);
    if (used.has(name)) continue;
    used.add(name);
    out.push({ name, type, optional: out.length > 0 && out.length === count - 1 && rng.chance(0.2) });
  }
  return out;
}

const firstOf = (ps: Param[], type: string) => ps.find((p) => p.type === type && !p.optional)?.name;

/** A plausible body for the return type, using the parameters it has. */
function genBody(rng: Rng, t: FileTypes, ps: Param[], ret: string, throws: boolean, isAsync: boolean): string[] {
  const lines: string[] = [];
  const list = firstOf(ps, `${t.entity}[]`);
  const one = firstOf(ps, t.entity);
  const num = firstOf(ps, 'number');
  const str = firstOf(ps, 'string');
  if (throws) {
    const guard = num
      ? `${num} < 0`
      : str
        ? `${str}.length === 0`
        : list
          ? `${list}.length === 0`
          : one
            ? `!${one}.id`
            : 'false';
    const what = num ?? str ?? list ?? one ?? 'input';
    lines.push(
      `  if (${guard}) {`,
      `    throw new ${rng.pick(['Error', 'RangeError', 'TypeError'])}(\`invalid ${what}: \${String(${what === 'input' ? "'input'" : what})}\`);`,
      '  }',
    );
  }
  if (isAsync) lines.push(`  await new Promise<void>((resolve) => setTimeout(resolve, ${rng.int(0, 5)}));`);
  const amountField = t.fields.includes('amount') ? 'amount' : t.fields.includes('weight') ? 'weight' : 'id.length';
  const inner = ret.replace(/^Promise<(.*)>$/, '$1');
  switch (inner) {
    case 'number': {
      if (list) {
        lines.push(
          `  let total = ${num ?? 0};`,
          `  for (const entry of ${list}) {`,
          `    total += entry.${amountField}${num && rng.chance(0.5) ? ` * ${num}` : ''};`,
          '  }',
        );
        lines.push(rng.chance(0.5) ? '  return Math.round(total * 100) / 100;' : '  return total;');
      } else if (num) {
        lines.push(
          `  const scaled = ${num} * ${rng.int(2, 12)};`,
          `  return Math.max(0, Math.min(scaled, ${rng.int(100, 10000)}));`,
        );
      } else {
        lines.push(
          `  const base = ${str ? `${str}.length` : one ? `${one}.id.length` : rng.int(1, 9)};`,
          `  return base * ${rng.int(2, 9)} + ${rng.int(0, 99)};`,
        );
      }
      break;
    }
    case 'string': {
      const parts = ps
        .slice(0, 2)
        .map((p) => (p.type === 'string' ? p.name : p.type === t.entity ? `${p.name}.id` : `String(${p.name})`));
      lines.push(
        `  const parts = [${parts.join(', ') || "'none'"}];`,
        `  return parts.join('${rng.pick(['-', ':', '/', ' '])}').${rng.pick(['trim()', 'toLowerCase()', 'toUpperCase()'])};`,
      );
      break;
    }
    case 'boolean': {
      if (one)
        lines.push(
          `  if (${one}.id === '') return false;`,
          `  return ${t.fields.includes('active') ? `${one}.active` : `${one}.id.length > ${num ?? 0}`};`,
        );
      else if (str)
        lines.push(
          `  const pattern = /^[a-z0-9_-]{${rng.int(1, 4)},${rng.int(16, 64)}}$/i;`,
          `  return pattern.test(${str});`,
        );
      else lines.push(`  return ${ps[0] ? `${ps[0].name} !== undefined && ${ps[0].name} !== null` : 'true'};`);
      break;
    }
    case 'void': {
      const lookup = firstOf(ps, `Map<string, ${t.entity}>`);
      if (lookup && one) lines.push(`  ${lookup}.set(${one}.id, ${one});`);
      else if (list) lines.push(`  ${list}.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));`);
      else
        lines.push(`  console.debug('[${t.entity.toLowerCase()}]', ${ps.map((p) => p.name).join(', ') || "'done'"});`);
      break;
    }
    default: {
      if (inner === `${t.entity}[]`) {
        const pred = firstOf(ps, `(value: ${t.entity}) => boolean`);
        const src = list ?? '[]';
        lines.push(`  const selected = ${src}.filter(${pred ?? `(entry) => entry.id !== ''`});`);
        lines.push(`  return selected.slice(0, ${num ?? rng.int(10, 100)});`);
      } else if (inner === `${t.entity} | undefined`) {
        const lookup = firstOf(ps, `Map<string, ${t.entity}>`);
        if (lookup) lines.push(`  return ${lookup}.get(${str ?? "''"});`);
        else lines.push(`  return ${list ?? '[]'}.find((entry) => entry.id === ${str ?? "''"});`);
      } else if (inner === t.entity) {
        if (one) lines.push(`  const copy: ${t.entity} = { ...${one}, id: ${str ?? `${one}.id`} };`, '  return copy;');
        else lines.push(`  const created = { id: ${str ?? "'new'"} } as ${t.entity};`, '  return created;');
      } else {
        // Record<string, Entity[]>
        lines.push(
          `  const groups: Record<string, ${t.entity}[]> = {};`,
          `  for (const entry of ${list ?? '[]'}) {`,
          `    (groups[entry.id.slice(0, ${rng.int(1, 3)})] ??= []).push(entry);`,
          '  }',
          '  return groups;',
        );
      }
    }
  }
  return lines;
}

function genFunction(rng: Rng, t: FileTypes, name: string, exported: boolean): string {
  const rets = [
    'number',
    'string',
    'boolean',
    'void',
    `${t.entity}[]`,
    `${t.entity} | undefined`,
    t.entity,
    `Record<string, ${t.entity}[]>`,
  ];
  const inner = rng.pick(rets);
  const ps = genParams(rng, t, rng.int(exported ? 1 : 0, 4));
  // Bodies that read a list get one: the code stays type-correct.
  const listType = `${t.entity}[]`;
  const needsList =
    inner === listType ||
    inner === `Record<string, ${t.entity}[]>` ||
    (inner === `${t.entity} | undefined` && !firstOf(ps, `Map<string, ${t.entity}>`));
  if (needsList && !firstOf(ps, listType)) {
    ps.unshift({ name: ps.some((p) => p.name === 'entries') ? 'records' : 'entries', type: listType, optional: false });
  }
  const isAsync = rng.chance(0.15);
  const ret = isAsync ? `Promise<${inner}>` : inner;
  const guardable = ps.some((p) => !p.optional && ['number', 'string', listType, t.entity].includes(p.type));
  const throws = guardable && rng.chance(0.25);
  const sig = ps.map((p) => `${p.name}${p.optional ? '?' : ''}: ${p.type}`).join(', ');
  const body = genBody(rng, t, ps, ret, throws, isAsync);
  return `${exported ? 'export ' : ''}${isAsync ? 'async ' : ''}function ${name}(${sig}): ${ret} {\n${body.join('\n')}\n}\n`;
}

function genClass(rng: Rng, t: FileTypes, name: string): string {
  const lines = [
    `export class ${name} {`,
    `  private readonly items = new Map<string, ${t.entity}>();`,
    '',
    `  constructor(private readonly prefix: string, private readonly capacity = ${rng.int(8, 512)}) {}`,
    '',
    `  add(item: ${t.entity}): void {`,
    `    if (this.items.size >= this.capacity) throw new Error(\`\${this.prefix} is full\`);`,
    '    this.items.set(item.id, item);',
    '  }',
    '',
    `  get(id: string): ${t.entity} | undefined {`,
    '    return this.items.get(id);',
    '  }',
    '',
    '  get size(): number {',
    '    return this.items.size;',
    '  }',
  ];
  if (rng.chance(0.5)) lines.push('', `  values(): ${t.entity}[] {`, '    return [...this.items.values()];', '  }');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Spreads `total` over `n` buckets as evenly as possible (earlier buckets get the remainder). */
export function spread(total: number, n: number): number[] {
  const base = Math.floor(total / n);
  return Array.from({ length: n }, (_, i) => base + (i < total % n ? 1 : 0));
}

/** Generates the repository: the same seed and sizes give the same files, byte for byte. */
export function generateRepo(options: SyntheticOptions): SyntheticRepo {
  const rng = new Rng(mulberry32(options.seed));
  const fileCount = Math.max(1, options.files ?? Math.ceil(options.functions / 8));
  const perFile = spread(options.functions, fileCount);
  const files: Record<string, string> = {};
  const exportedFunctions: string[] = [];
  const usedPaths = new Set<string>();
  for (let i = 0; i < fileCount; i++) {
    const noun = rng.pick(NOUNS);
    const area = rng.pick(AREAS);
    const sub = rng.pick(SUBAREAS);
    let file = `src/${area}/${sub ? `${sub}/` : ''}${noun}-${rng.pick(['utils', 'service', 'model', 'helpers', 'ops', 'rules'])}.ts`;
    for (let k = 2; usedPaths.has(file); k++) file = file.replace(/(-\d+)?\.ts$/, `-${k}.ts`);
    usedPaths.add(file);

    const entity = cap(noun) + rng.pick(['', '', 'Entry', 'Info', 'Record']);
    const alias = `${entity}Options`;
    const iface = genInterface(rng, entity);
    const t: FileTypes = { entity, alias, fields: iface.fields };
    const parts: string[] = [iface.text];
    parts.push(`export type ${alias} = {\n  limit: number;\n  strict: boolean;\n  sortBy: keyof ${entity};\n};\n`);
    if (rng.chance(0.3)) parts.push(`export const DEFAULT_${noun.toUpperCase()}_LIMIT = ${rng.int(10, 1000)};\n`);
    if (rng.chance(0.35)) parts.push(genClass(rng, t, `${entity}${rng.pick(['Store', 'Registry', 'Cache', 'Pool'])}`));

    const names = new Set<string>();
    for (let j = 0; j < perFile[i]!; j++) {
      let name = camel(rng.pick(VERBS), noun, rng.pick(QUALIFIERS));
      for (let k = 2; names.has(name); k++) name = `${name.replace(/\d+$/, '')}${k}`;
      names.add(name);
      if (rng.chance(0.2)) {
        let helper = camel(rng.pick(VERBS), rng.pick(NOUNS), 'Internal');
        for (let k = 2; names.has(helper); k++) helper = `${helper.replace(/\d+$/, '')}${k}`;
        names.add(helper);
        parts.push(genFunction(rng, t, helper, false));
      }
      parts.push(genFunction(rng, t, name, true));
      exportedFunctions.push(`${file}#${name}`);
    }
    files[file] = parts.join('\n');
  }
  files['package.json'] =
    `${JSON.stringify({ name: `synthetic-${options.seed}`, version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`;
  files['tsconfig.json'] =
    `${JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true, noEmit: true }, include: ['src'] }, null, 2)}\n`;
  return { files, exportedFunctions, sourceFiles: fileCount };
}

/** The math.ts fixture of the `mathts-4` scenario: four exported, undocumented functions (one throws). */
export const MATH_FIXTURE = [
  'export function add(a: number, b: number): number {',
  '  return a + b;',
  '}',
  '',
  'export function subtract(minuend: number, subtrahend: number): number {',
  '  return minuend - subtrahend;',
  '}',
  '',
  'export function divide(numerator: number, denominator: number): number {',
  "  if (denominator === 0) throw new RangeError('division by zero');",
  '  return numerator / denominator;',
  '}',
  '',
  'export function clamp(value: number, low: number, high: number): number {',
  '  return Math.min(high, Math.max(low, value));',
  '}',
  '',
].join('\n');
