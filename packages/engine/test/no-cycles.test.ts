import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The house rules of the source tree that code can check: no import cycle, git only through packages/repo. */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every .ts file under packages/<name>/src and apps/<name>/src, repository-relative. */
function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (/\.m?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  for (const group of ['packages', 'apps']) {
    for (const pkg of readdirSync(path.join(ROOT, group))) {
      if (existsSync(path.join(ROOT, group, pkg, 'src'))) walk(`${group}/${pkg}/src`);
    }
  }
  return out.sort();
}

/** `@orchestrate/<name>[/sub]` → the source file its package's exports map names. */
function workspaceEntries(): Map<string, string> {
  const map = new Map<string, string>();
  for (const group of ['packages', 'apps']) {
    for (const pkg of readdirSync(path.join(ROOT, group))) {
      const file = path.join(ROOT, group, pkg, 'package.json');
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; exports?: Record<string, unknown> };
      for (const [sub, target] of Object.entries(json.exports ?? {})) {
        if (typeof target !== 'string' || !json.name) continue;
        map.set(sub === '.' ? json.name : `${json.name}/${sub.slice(2)}`, path.posix.join(group, pkg, target));
      }
    }
  }
  return map;
}

/** The module specifiers a file imports or re-exports, type-only ones and dynamic `import()` included. */
export function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specs: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s+(?:type\s+)?[^'";]*?\sfrom\s+['"]([^'"]+)['"]/gm,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of code.matchAll(pattern)) specs.push(m[1]!);
  return specs;
}

/** A specifier resolved to a source file of the tree, or null for a package outside it (node:, npm). */
function resolveImport(from: string, spec: string, entries: Map<string, string>): string | null {
  if (entries.has(spec)) return entries.get(spec)!;
  if (!spec.startsWith('.')) return null;
  const base = path.posix.join(path.posix.dirname(from), spec);
  const candidates = [base.replace(/\.m?js$/, '.ts'), `${base}.ts`, `${base}/index.ts`, base];
  return candidates.find((c) => existsSync(path.join(ROOT, c))) ?? null;
}

/** The import cycles of a graph (each reported once, as the path from a file back to itself). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

/** Whether a file imports the raw `git` / `gitBuffer` runners from packages/repo. */
function importsGit(text: string): boolean {
  const named = /import\s*\{([^}]*)\}\s*from\s*'@orchestrate\/repo'/g;
  return [...text.matchAll(named)].some((m) => m[1]!.split(',').some((n) => /^\s*(git|gitBuffer)\s*$/.test(n)));
}

const files = sourceFiles();
const texts = new Map(files.map((f) => [f, readFileSync(path.join(ROOT, f), 'utf8')]));

describe('source tree house rules', () => {
  it('finds the cycle in a graph that has one (the checker works)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c', 'a']]);
    const text = "import type { X } from './x.js';\nexport { y } from \"./y.js\";\nconst z = await import('./z.js');";
    expect(importsOf(text)).toEqual(['./x.js', './y.js', './z.js']);
  });

  it('has no import cycle in packages/*/src and apps/*/src (type-only imports included)', () => {
    const entries = workspaceEntries();
    const graph = new Map<string, string[]>();
    for (const file of files) {
      const deps = importsOf(texts.get(file)!)
        .map((spec) => resolveImport(file, spec, entries))
        .filter((d): d is string => d !== null);
      graph.set(file, deps);
    }
    expect(files.length).toBeGreaterThan(50);
    expect(findCycles(graph).map((c) => c.join(' → '))).toEqual([]);
  });

  it('the engine never builds a git argument list: no `git(` call in packages/engine/src', () => {
    const offenders = files
      .filter((f) => f.startsWith('packages/engine/src/'))
      .filter((f) => /\bgit(Buffer)?\s*\(/.test(texts.get(f)!) || importsGit(texts.get(f)!));
    expect(offenders).toEqual([]);
  });

  it('only packages/repo starts processes (node:child_process, execa, simple-git)', () => {
    const offenders = files
      .filter((f) => !f.startsWith('packages/repo/src/'))
      .filter((f) => importsOf(texts.get(f)!).some((s) => /^(node:)?child_process$|^execa$|^simple-git$/.test(s)));
    expect(offenders).toEqual([]);
  });
});
