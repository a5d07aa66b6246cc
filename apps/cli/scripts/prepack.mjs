#!/usr/bin/env node
// `npm pack` (and `npm publish`) run this first: it builds the bundle the installed command runs (dist/pack, see
// bin/bundle.mjs), so the tarball needs neither esbuild, tsx nor the workspace's TypeScript sources. prettier and jiti
// go into the tarball as real packages through package.json's bundleDependencies. The MCP server's bundle (mcp.cjs)
// is built beside the CLI's.
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import load from '../bin/load.cjs';
import { buildShipped } from '../bin/bundle.mjs';

const { file, id } = await buildShipped();
const mb = (statSync(file).size / 1e6).toFixed(1);
console.error(`orchestrate: built ${path.relative(process.cwd(), file)} (${mb} MB, build ${id})`);
// `orchestrate mcp` runs a bundle of its own beside it (built by buildShipped too).
const mcp = path.join(path.dirname(file), 'mcp.cjs');
console.error(`orchestrate: built ${path.relative(process.cwd(), mcp)} (${(statSync(mcp).size / 1e6).toFixed(1)} MB)`);

// The event lines' JSON Schema (`orchestrate exec --json`) ships in the tarball for consumers that validate offline.
// dist/pack is the folder package.json's `files` already carries.
const schema = path.join(load.ROOT, 'packages', 'core', 'schema', 'run-events.schema.json');
if (existsSync(schema)) {
  mkdirSync(path.join(load.SHIPPED_DIR, 'schema'), { recursive: true });
  copyFileSync(schema, path.join(load.SHIPPED_DIR, 'schema', 'run-events.schema.json'));
} else {
  console.error(
    `orchestrate: ${path.relative(process.cwd(), schema)} is missing: the tarball ships no event-line schema`,
  );
}
