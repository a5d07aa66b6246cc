// Loads the CLI from one esbuild bundle of the workspace's TypeScript sources, rebuilt whenever a source is newer than it:
// start-up then pays neither tsx's loader hooks nor a transpile per file (about a second of CPU per run). Third-party
// packages stay outside the bundle, imported from where each workspace package resolves them. Where the bundle cannot
// be built or written (a read-only install), the CLI runs from source through tsx, as before.
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CLI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.resolve(CLI_DIR, '..', '..');
const ENTRY = path.join(CLI_DIR, 'src', 'main.ts');
const DIST = path.join(CLI_DIR, 'dist');
const META = path.join(DIST, 'current.json');
const BUILTINS = new Set(builtinModules);

/** The CLI's `main`, from a fresh bundle when one can be had, else from source. */
export async function loadCli() {
  try {
    const dir = fresh() ?? (await build());
    return (await import(pathToFileURL(path.join(DIST, dir, 'main.js')).href)).main;
  } catch (err) {
    if (process.env.ORCHESTRATE_DEBUG) console.error(`orchestrate: running from source (${err instanceof Error ? err.message : err})`);
    const { register } = await import('tsx/esm/api');
    register();
    return (await import('../src/main.ts')).main;
  }
}

/** The newest modification time among the sources the bundle is made of (and the manifests that steer resolution). */
function newestSource() {
  let newest = statSync(path.join(ROOT, 'pnpm-lock.yaml'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const dirs = [path.join(CLI_DIR, 'src'), ...readdirSync(path.join(ROOT, 'packages')).map((p) => path.join(ROOT, 'packages', p, 'src'))];
  for (const dir of dirs) {
    newest = Math.max(newest, statSync(path.join(dir, '..', 'package.json'), { throwIfNoEntry: false })?.mtimeMs ?? 0);
    for (const name of readdirSync(dir, { recursive: true })) {
      newest = Math.max(newest, statSync(path.join(dir, String(name))).mtimeMs);
    }
  }
  return newest;
}

/** The current bundle's folder under dist/, when it was built here from sources no newer than it; else null. */
function fresh() {
  try {
    const meta = JSON.parse(readFileSync(META, 'utf8'));
    const ok = meta.root === ROOT && meta.node === process.version && meta.builtMs >= newestSource();
    return ok ? meta.dir : null;
  } catch {
    return null;
  }
}

/**
 * Builds a new bundle in a folder of its own (code splitting keeps lazily loaded modules, like the OpenAI SDKs, lazy),
 * then points current.json at it: runs that start together never import a half-written bundle, and a run still loading
 * chunks from an older folder keeps it (folders are removed only an hour after they were replaced).
 */
async function build() {
  const { build: esbuild } = await import('esbuild');
  const builtMs = Date.now();
  const dir = `b-${builtMs}-${process.pid}`;
  await esbuild({
    entryPoints: { main: ENTRY },
    outdir: path.join(DIST, dir),
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    plugins: [externalDependencies],
  });
  const tmp = `${META}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ root: ROOT, node: process.version, builtMs, dir })}\n`);
  renameSync(tmp, META);
  for (const old of readdirSync(DIST)) {
    if (!old.startsWith('b-') || old === dir) continue;
    if (statSync(path.join(DIST, old)).mtimeMs < builtMs - 3_600_000) rmSync(path.join(DIST, old), { recursive: true, force: true });
  }
  return dir;
}

/** Keeps third-party packages out of the bundle, each imported by the absolute file its workspace package resolves to. */
const externalDependencies = {
  name: 'external-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@orchestrate/') || args.pluginData === 'inner') return undefined;
      if (args.path.startsWith('node:') || BUILTINS.has(args.path)) return { path: args.path, external: true };
      const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'inner' });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: pathToFileURL(resolved.path).href, external: true };
    });
  },
};
