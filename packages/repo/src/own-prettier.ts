import { createRequire } from 'node:module';
import path from 'node:path';
import { readText } from './format-support.js';

/**
 * Orchestrate's own prettier (the no-config fallback): its folder, version, module entry and bin. The one place that
 * locates it, so a packaged CLI can point it elsewhere. In the CLI's CommonJS bundle the literal `require.resolve`
 * calls below are rewritten by esbuild to prettier's absolute paths (apps/cli/bin/bundle.mjs keeps prettier outside
 * the bundle), so they must stay literal; from sources (ESM) prettier resolves from this package.
 */
export function ownPrettier(): { dir: string; version: string; entry: string; bin: string } {
  let manifestPath: string;
  let entry: string;
  if (typeof require === 'function') {
    manifestPath = require.resolve('prettier/package.json');
    entry = require.resolve('prettier');
  } else {
    const req = createRequire(import.meta.url);
    manifestPath = req.resolve('prettier/package.json');
    entry = req.resolve('prettier');
  }
  const manifest = JSON.parse(readText(manifestPath)) as { version: string; bin: string | Record<string, string> };
  const dir = path.dirname(manifestPath);
  const bin = typeof manifest.bin === 'string' ? manifest.bin : (manifest.bin.prettier ?? 'bin/prettier.cjs');
  return { dir, version: manifest.version, entry, bin: path.join(dir, bin) };
}
