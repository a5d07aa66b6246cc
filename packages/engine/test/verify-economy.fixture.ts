// A 16-item docstring batch shaped like a real one: functions, an arrow function, methods and a class of one file, with
// doc comments as long as a model writes them (summary 15–25 words, each parameter and the return 6–10 words).
import { docstringKind, type JobOutcome, type JobTarget } from '@orchestrate/jobs';
import { docstringTargets } from './fixtures.js';

const SOURCE = `import { readFile } from 'node:fs/promises';

export function add(a: number, b: number): number {
  return a + b;
}

export function clamp(value: number, min: number, max: number): number {
  if (min > max) throw new RangeError('min > max');
  return Math.min(Math.max(value, min), max);
}

export async function loadConfig(path: string, fallback: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return fallback;
  }
}

export const slugify = (text: string): string => {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
};

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function formatBytes(bytes: number, decimals = 1): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (bytes >= 1024 && i < units.length - 1) {
    bytes /= 1024;
    i++;
  }
  return \`\${bytes.toFixed(decimals)} \${units[i]}\`;
}

export function debounce<A extends unknown[]>(
  fn: (...args: A) => void,
  waitMs: number,
): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => fn(...args), waitMs);
  };
}

export function parseDuration(text: string): number {
  const m = /^(\\d+)(ms|s|m)$/.exec(text.trim());
  if (!m) throw new Error(\`not a duration: \${text}\`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

export class LruCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  get size(): number {
    return this.map.size;
  }
}

export function unique<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}

export function retry<T>(fn: () => Promise<T>, attempts: number): Promise<T> {
  return fn().catch((err: unknown) => (attempts > 1 ? retry(fn, attempts - 1) : Promise.reject(err)));
}

export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
`;

const words = (n: number, seed: string) =>
  Array.from(
    { length: n },
    (_, i) => ['the', 'value', 'given', 'input', 'result', 'each', 'returned', seed][i % 8],
  ).join(' ');

/**
 * The batch: every undocumented declaration of the source (16), each with a model-length doc comment applied (`file`
 * names the copy of the source they are in).
 */
export function sixteenDocJobs(file = 'src/util.ts'): { target: JobTarget; outcome: JobOutcome }[] {
  const { targets } = docstringTargets(file, SOURCE);
  return targets.slice(0, 16).map((target, i) => {
    const d = target.declaration!;
    const output = {
      summary: `${words(15 + (i % 10), d.symbol)}.`,
      ...(d.params.length
        ? Object.fromEntries(d.params.map((p, j) => [p.name, words(6 + ((i + j) % 5), p.name)]))
        : {}),
      ...(!d.returnsVoid ? { returns: words(6 + (i % 5), 'returns') } : {}),
      ...(d.throws ? { throws: words(6, 'throws') } : {}),
    };
    return { target, outcome: docstringKind.apply(target, output, undefined as never) as JobOutcome };
  });
}
