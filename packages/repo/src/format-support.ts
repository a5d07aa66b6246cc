import { readFileSync } from 'node:fs';
import path from 'node:path';

// What the formatter modules share (format-detect, format-prettier, format-stdin, own-prettier). Internal: index.ts
// does not re-export this file, nor format-prettier.ts and format-stdin.ts.

export const BIOME_CONFIGS = ['biome.json', 'biome.jsonc'];

/** Whether a child `node` loads `.ts` files: natively (23.6+) or with the flag 22.6+ has. */
export function nodeLoadsTypeScript(): boolean {
  return Boolean((process.features as { typescript?: unknown }).typescript) || typeScriptFlags().length > 0;
}

export function typeScriptFlags(): string[] {
  if ((process.features as { typescript?: unknown }).typescript) return [];
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  return (major === 22 && minor >= 6) || (major === 23 && minor < 6)
    ? ['--experimental-strip-types', '--no-warnings']
    : [];
}

/** The environment a repository's formatter runs in: ours without NODE_PATH (a package manager's store, not the repository's). */
export function toolEnv(): NodeJS.ProcessEnv {
  const { NODE_PATH: _ignored, ...env } = process.env;
  return env;
}

export const relative = (root: string, absolute: string) => path.relative(root, absolute).split(path.sep).join('/');

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
