#!/usr/bin/env node
// Builds what a workflow runs (`pnpm --filter @orchestrate/action build`): action.yml from src/inputs.ts, and dist/,
// which is committed because a workflow runs the action from its checkout and installs nothing:
//   dist/index.cjs                       the action and everything it imports, one CommonJS file (node24 runs it);
//   dist/o200k_base.json                 the tokenizer's ranks, read on the first token count (the CLI's lazyRanks);
//   dist/node_modules/jiti               loads a repository's agents.config.ts;
//   dist/node_modules/@orchestrate/core  what that config's `import ... from 'orchestrate'` gets;
//   dist/build.json                      the bundle's id (a hash of it) and the action's version.
// The plugins and the core package build are the CLI's (apps/cli/bin/bundle.mjs), so both bundles are made alike. No
// prettier, tsx or esbuild is carried: the action never runs a formatter on pull-request code. The output depends on
// the sources only (not on where the checkout is or which Node builds it), so test/dist.test.ts can rebuild it into a
// temporary folder and compare it byte for byte with the committed one.
//   node scripts/build.mjs [--out <dir>]   (default: this package's folder; <dir>/action.yml and <dir>/dist/)
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  asciiOnly,
  buildCorePackage,
  lazyRanks,
  noMcpClient,
  outsidePackages,
  writeRanks,
} from '../../cli/bin/bundle.mjs';

const ACTION_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.resolve(ACTION_DIR, '..', '..');
/** Bumped when dist/'s layout changes. */
const FORMAT = 1;
/** What of jiti's package is copied: its entries and the transformer they load (not its README or bin links). */
const JITI_FILES = ['package.json', 'LICENSE', 'lib', 'dist'];

const outIndex = process.argv.indexOf('--out');
const out = outIndex === -1 ? ACTION_DIR : path.resolve(process.argv[outIndex + 1] ?? '');
const dist = path.join(out, 'dist');

/** action.yml, from the tables of src/inputs.ts (loaded from source with jiti, which the action carries anyway). */
async function writeActionYml() {
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false });
  const { actionYml } = await jiti.import(path.join(ACTION_DIR, 'src', 'inputs.ts'));
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'action.yml'), actionYml());
}

/** dist/index.cjs, built as the CLI's shipped bundle is (see buildShipped in apps/cli/bin/bundle.mjs). */
async function writeBundle() {
  const { build } = await import('esbuild');
  const outfile = path.join(dist, 'index.cjs');
  await build({
    entryPoints: [path.join(ACTION_DIR, 'src', 'index.ts')],
    outfile,
    // Module keys in the bundle are relative to the repository root: the same bundle from any checkout.
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    // `import.meta.url` of every bundled module is the bundle's (version.ts and the engine look files up from it).
    define: { 'import.meta.url': '__bundle_url' },
    // No `import()` left: the modes and the SDKs load lazily through esbuild's own wrappers, jiti through `require`.
    supported: { 'dynamic-import': false },
    banner: { js: 'var __bundle_url = require("node:url").pathToFileURL(__filename).href;' },
    // Names stay as written (error classes, stack frames); a smaller file to read at every start.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    // jiti and prettier stay outside, required by name: jiti from dist/node_modules; prettier is not carried (the
    // action runs no formatter), so the repository package's lookup of its own prettier finds none and says so.
    plugins: [noMcpClient, lazyRanks, outsidePackages(true)],
  });
  asciiOnly(outfile);
  writeRanks(dist);
  return outfile;
}

/** dist/node_modules/jiti: a copy of the workspace's jiti (the version package.json pins). */
function copyJiti() {
  const from = realpathSync(path.join(ACTION_DIR, 'node_modules', 'jiti'));
  const to = path.join(dist, 'node_modules', 'jiti');
  for (const name of JITI_FILES) cpSync(path.join(from, name), path.join(to, name), { recursive: true });
}

rmSync(dist, { recursive: true, force: true });
await writeActionYml();
const bundle = await writeBundle();
await buildCorePackage(dist);
copyJiti();
const id = createHash('sha256').update(readFileSync(bundle)).digest('hex').slice(0, 16);
const { version } = JSON.parse(readFileSync(path.join(ACTION_DIR, 'package.json'), 'utf8'));
writeFileSync(path.join(dist, 'build.json'), `${JSON.stringify({ format: FORMAT, id, version }, null, 2)}\n`);
const mb = (readFileSync(bundle).length / 1e6).toFixed(1);
console.error(`orchestrate: built ${path.relative(process.cwd(), bundle) || bundle} (${mb} MB, build ${id})`);
