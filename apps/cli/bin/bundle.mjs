// Builds the CLI's bundles (load.cjs loads them): one esbuild bundle of the CLI's sources and their dependencies, run
// through `vm.Script` with a V8 code cache (see load.cjs), and the help bundle, the same command tree with the engine
// left out (a stub in its place): `--help`, `help` and `<command> --help` load it instead, without TypeScript,
// ts-morph, zod, the tokenizer or the SDKs (0.2 MB instead of 12 MB).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import load from './load.cjs';

const { CLI_DIR, ROOT, ENTRY, MCP_ENTRY, DIST, META, SHIPPED_DIR, FORMAT } = load;
const BUILTINS = new Set(builtinModules);
/** Packages kept out of the bundle: they load files of their own, relative to where they are installed. */
const OUTSIDE = new Set(['prettier', 'jiti', 'esbuild', 'tsx']);

/** Whether `argv` only asks for help (see load.cjs). */
export const { helpOnly, loadCli } = load;
export { SHIPPED_DIR };

/**
 * Builds a new bundle in a folder of its own, then points current.json at it: runs that start together never load a
 * half-written bundle, and folders are removed only an hour after they were replaced.
 */
export async function build() {
  const builtMs = Date.now();
  const dir = `b-${builtMs}-${process.pid}`;
  const folder = path.join(DIST, dir);
  await Promise.all([
    bundle(path.join(folder, 'main.cjs'), false),
    helpBundle(path.join(folder, 'help.cjs'), false),
    chunks(folder, false),
  ]);
  const tmp = `${META}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ format: FORMAT, root: ROOT, node: process.version, builtMs, dir })}\n`);
  renameSync(tmp, META);
  for (const old of readdirSync(DIST)) {
    if (!old.startsWith('b-') || old === dir) continue;
    if (statSync(path.join(DIST, old)).mtimeMs < builtMs - 3_600_000)
      rmSync(path.join(DIST, old), { recursive: true, force: true });
  }
  return dir;
}

/**
 * Builds the bundle an installed copy runs (scripts/prepack.mjs calls it): dist/pack/main.cjs, whose outside packages
 * are required by name (the tarball carries them in its node_modules); build.json with its id; and beside it
 * node_modules/@orchestrate/core, the package a config file's `import ... from 'orchestrate'` is loaded from (the
 * engine resolves `@orchestrate/core` from the bundle's folder). Returns the bundle's path and id.
 */
export async function buildShipped() {
  rmSync(SHIPPED_DIR, { recursive: true, force: true });
  const file = path.join(SHIPPED_DIR, 'main.cjs');
  await Promise.all([
    bundle(file, true),
    helpBundle(path.join(SHIPPED_DIR, 'help.cjs'), true),
    bundle(path.join(SHIPPED_DIR, 'mcp.cjs'), true, undefined, MCP_ENTRY),
    chunks(SHIPPED_DIR, true),
  ]);
  await buildCorePackage(SHIPPED_DIR);
  const { createHash } = await import('node:crypto');
  const id = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
  writeFileSync(
    path.join(SHIPPED_DIR, 'build.json'),
    `${JSON.stringify({ format: FORMAT, id, builtWith: process.version }, null, 2)}\n`,
  );
  return { file, id };
}

/**
 * Builds `<dir>/node_modules/@orchestrate/core` (one minified CommonJS file and its manifest): the package a config
 * file's `import ... from 'orchestrate'` is loaded from beside a bundle. The GitHub Action's build uses it too.
 */
export async function buildCorePackage(dir) {
  const coreDir = path.join(dir, 'node_modules', '@orchestrate', 'core');
  const coreEntry = createRequire(path.join(CLI_DIR, 'package.json')).resolve('@orchestrate/core');
  const { build: esbuild } = await import('esbuild');
  await esbuild({
    entryPoints: [coreEntry],
    outfile: path.join(coreDir, 'index.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    logLevel: 'silent',
  });
  const coreManifest = JSON.parse(readFileSync(path.join(path.dirname(coreEntry), '..', 'package.json'), 'utf8'));
  writeFileSync(
    path.join(coreDir, 'package.json'),
    `${JSON.stringify({ name: '@orchestrate/core', version: coreManifest.version, main: 'index.cjs' }, null, 2)}\n`,
  );
}

/**
 * Builds mcp.cjs, the MCP server's bundle (`orchestrate mcp`), into the folder of a current bundle, the first time the
 * server runs from it: written beside and renamed, so a server starting at the same time never loads half of it.
 */
export async function buildMcp(dir) {
  const tmp = path.join(dir, `mcp.cjs.${process.pid}.tmp`);
  try {
    await bundle(tmp, false, undefined, MCP_ENTRY);
    renameSync(tmp, path.join(dir, 'mcp.cjs'));
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Bundles the CLI (or another `entry`: the MCP server's) into `outfile`; `shipped` requires the outside packages by name
 * instead of by workspace path.
 */
async function bundle(outfile, shipped, plugins = [noMcpClient, lazyRanks, tsChunk], entry = ENTRY) {
  await bundleEntry(entry, outfile, shipped, plugins);
  // A folder that has the table keeps it: a running CLI may be reading it (mcp.cjs is built beside main.cjs).
  if (plugins.includes(lazyRanks) && !existsSync(path.join(path.dirname(outfile), RANKS_FILE))) {
    writeRanks(path.dirname(outfile));
  }
}

/** Bundles one entry as the CLI's bundles are made (see bundle). */
async function bundleEntry(entry, outfile, shipped, plugins) {
  const { build: esbuild } = await import('esbuild');
  await esbuild({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
    // `import.meta.url` of every bundled module is the bundle's own URL (sources look up the CLI's package.json from it).
    define: { 'import.meta.url': '__bundle_url' },
    // No `import()` is left in the bundle: Node 20 loses a script's dynamic-import callback when the script comes from a
    // code cache written by another process. Bundled modules load lazily through esbuild's own wrappers instead, and the
    // OUTSIDE packages through `require` (each has a CommonJS entry).
    supported: { 'dynamic-import': false },
    banner: { js: 'var __bundle_url = require("node:url").pathToFileURL(__filename).href;' },
    // Whitespace and syntax only: a smaller file to read and decode at every start, and less to scan when a function
    // compiles lazily; names stay as written (error classes, stack frames).
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [...plugins, outsidePackages(shipped)],
  });
  asciiOnly(outfile);
}

/** Where the sources resolve ts-morph from (packages/repo and packages/jobs share one). */
const TS_MORPH = createRequire(path.join(ROOT, 'packages', 'repo', 'package.json')).resolve('ts-morph');
/** The code index's worker-thread side (load.cjs starts the thread; see packages/repo/src/index-worker.ts). */
const INDEX_ENTRY = path.join(ROOT, 'packages', 'repo', 'src', 'index-worker.ts');

/**
 * The chunks beside main.cjs, each loaded when first needed (through load.cjs's loader, with a code cache of its own):
 * ts.cjs, ts-morph and TypeScript (9 of the bundle's 12 MB), and index.cjs, the code index the index thread runs.
 */
async function chunks(dir, shipped) {
  const entry = path.join(dir, 'ts-entry.cjs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(entry, `module.exports = require(${JSON.stringify(TS_MORPH)});\n`);
  try {
    await Promise.all([
      bundleEntry(entry, path.join(dir, 'ts.cjs'), shipped, []),
      bundleEntry(INDEX_ENTRY, path.join(dir, 'index.cjs'), shipped, [tsChunk]),
    ]);
  } finally {
    rmSync(entry, { force: true });
  }
}

/**
 * ts-morph (and TypeScript in it, the largest module of the CLI, about 35 ms to set up) is loaded at its first use
 * rather than at start-up: the bundles import a stand-in whose every export is a getter that loads ts.cjs. On a run's
 * critical path nothing uses it: the index is built on a worker thread (load.cjs), and the main thread loads
 * TypeScript while the planner thinks. A module that reads `ts` when it is set up would load it at start-up again,
 * so the sources read it inside functions only (packages/repo/test/lazy-typescript.test.ts checks the bundle).
 */
export const tsChunk = {
  name: 'ts-chunk',
  setup(b) {
    b.onResolve({ filter: /^ts-morph$/ }, () => ({ path: 'ts-morph', namespace: 'ts-chunk' }));
    b.onLoad({ filter: /.*/, namespace: 'ts-chunk' }, async () => {
      const names = Object.keys(createRequire(import.meta.url)(TS_MORPH)).filter((n) => n !== 'default');
      return {
        loader: 'js',
        resolveDir: CLI_DIR,
        contents: `
          let real;
          const load = () => {
            if (real) return real;
            const chunk = globalThis[Symbol.for('orchestrate.chunk')];
            return (real = chunk ? chunk('ts') : require(require('node:path').join(__dirname, 'ts.cjs')));
          };
          for (const name of ${JSON.stringify(names)})
            Object.defineProperty(module.exports, name, { enumerable: true, get: () => load()[name] });
        `,
      };
    });
  },
};

const RANKS = 'o200k_base';
const RANKS_FILE = `${RANKS}.json`;

/** Writes the o200k rank table beside a bundle, as JSON, for lazyRanks. */
export function writeRanks(dir) {
  const fromEngine = createRequire(path.join(ROOT, 'packages', 'engine', 'package.json'));
  const ranks = fromEngine(`gpt-tokenizer/bpeRanks/${RANKS}`).default;
  // JSON has no holes (they would come back as null): a table with any is not one this stand-in was made for.
  if (!Array.isArray(ranks) || Object.keys(ranks).length !== ranks.length) {
    throw new Error(`gpt-tokenizer/bpeRanks/${RANKS} is not an array of ranks without holes`);
  }
  writeFileSync(path.join(dir, RANKS_FILE), JSON.stringify(ranks));
}

/**
 * The tokenizer's o200k rank table (200,000 strings) stays out of the bundle: in it, the table was a fifth of the
 * code cache and two thirds of the time V8 took to read the cache (about 0.09 s of every start, counting or not).
 * It is a JSON file beside the bundle instead, parsed on the first token count (JSON.parse is four times faster).
 * `GptEncoding.getEncodingApi` gets the real table when it asks for the table's stand-in; anything else that reads
 * the stand-in (an array proxy) reads the real table through it, only slower.
 */
export const lazyRanks = {
  name: 'lazy-ranks',
  setup(b) {
    const ranksPath = `gpt-tokenizer/bpeRanks/${RANKS}`;
    b.onResolve({ filter: /^gpt-tokenizer\/bpeRanks\/o200k_base$/ }, () => ({
      path: ranksPath,
      namespace: 'lazy-ranks',
    }));
    b.onResolve({ filter: /^gpt-tokenizer\/GptEncoding$/ }, async (args) => {
      if (args.pluginData === 'inner') return undefined;
      const inner = { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'inner' };
      const real = await b.resolve(args.path, inner);
      // Relative to the workspace: the bundle names a module by its path, and a committed bundle (the action's) must
      // not depend on where the checkout lies.
      const relative = path.relative(ROOT, real.path).split(path.sep).join('/');
      return real.errors.length ? { errors: real.errors } : { path: relative, namespace: 'lazy-ranks-encoding' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-ranks' }, () => ({
      loader: 'js',
      resolveDir: CLI_DIR,
      contents: `
        import { readFileSync } from 'node:fs';
        import { join } from 'node:path';
        let ranks;
        export const loadRanks = () => (ranks ??= JSON.parse(readFileSync(join(__dirname, ${JSON.stringify(RANKS_FILE)}), 'utf8')));
        const through = (key) => { const real = loadRanks(); const v = real[key]; return typeof v === 'function' ? v.bind(real) : v; };
        export const standIn = new Proxy([], {
          get: (_, key) => through(key),
          has: (_, key) => key in loadRanks(),
          ownKeys: () => Reflect.ownKeys(loadRanks()),
          getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(loadRanks(), key),
        });
        export default standIn;
      `,
    }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-ranks-encoding' }, (args) => ({
      loader: 'js',
      resolveDir: path.dirname(path.resolve(ROOT, args.path)),
      contents: `
        import { GptEncoding as Real } from ${JSON.stringify(path.resolve(ROOT, args.path))};
        import { loadRanks, standIn } from ${JSON.stringify(ranksPath)};
        const real = (get) => () => { const v = get(); return v === standIn ? loadRanks() : v; };
        export const GptEncoding = new Proxy(Real, {
          get: (target, key, receiver) => key === 'getEncodingApi' || key === 'getEncodingApiForModel'
            ? (name, get, ...rest) => Real[key](name, get && real(get), ...rest)
            : Reflect.get(target, key, receiver),
        });
      `,
    }));
  },
};

/**
 * The help bundle: the CLI's sources with `@orchestrate/engine` replaced by a stub. Where it cannot be built (the CLI
 * imports the engine in a way the stub does not cover), there is none and help comes from the whole CLI, as before.
 */
async function helpBundle(outfile, shipped) {
  try {
    await bundle(outfile, shipped, [engineStub(), helpOnlyZod]);
  } catch (err) {
    rmSync(outfile, { force: true });
    if (shipped) throw err;
    const why = err instanceof Error ? err.message : err;
    if (process.env.ORCHESTRATE_DEBUG) console.error(`orchestrate: no help bundle (${why})`);
  }
}

/**
 * Help needs no schema: in the help bundle the CLI's own `z.config(...)` (main.ts) goes to a no-op, and core's modules
 * are marked free of side effects, so the ones help does not use (the config schema) and zod with them are left out.
 * A module that still imports zod gets the real one.
 */
const helpOnlyZod = {
  name: 'help-only-zod',
  setup(b) {
    const fromCli = (importer) => !path.relative(path.join(CLI_DIR, 'src'), importer).startsWith('..');
    const noSchema = { path: 'zod', namespace: 'help-zod' };
    b.onResolve({ filter: /^zod$/ }, (args) => (fromCli(args.importer) ? noSchema : undefined));
    const contents = 'export const z = { config() {} };';
    b.onLoad({ filter: /.*/, namespace: 'help-zod' }, () => ({ loader: 'js', contents }));
    b.onResolve({ filter: /^@orchestrate\/core$/ }, async (args) => {
      if (args.pluginData === 'inner') return undefined;
      const inner = { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'inner' };
      const resolved = await b.resolve(args.path, inner);
      return resolved.errors.length ? { errors: resolved.errors } : { path: resolved.path, sideEffects: false };
    });
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!args.importer.startsWith(path.join(ROOT, 'packages', 'core', 'src'))) return undefined;
      const file = path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      return existsSync(file) ? { path: file, sideEffects: false } : undefined;
    });
  },
};

/**
 * `@orchestrate/engine` as a module of functions that each fail: the names the CLI's sources import from it, read from
 * their import lines. The help bundle only runs for an argv that never reaches an action, so none is ever called.
 */
function engineStub() {
  const names = new Set();
  for (const name of readdirSync(path.join(CLI_DIR, 'src'), { recursive: true })) {
    if (!String(name).endsWith('.ts')) continue;
    const text = readFileSync(path.join(CLI_DIR, 'src', String(name)), 'utf8');
    for (const m of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'@orchestrate\/engine'/g)) {
      if (m[1]) continue;
      for (const part of m[2].split(',')) {
        const spec = part.trim();
        if (!spec || spec.startsWith('type ')) continue;
        names.add(spec.split(/\s+as\s+/)[0].trim());
      }
    }
  }
  const fail = (n) => `throw new Error('internal: the help bundle reached the engine (${n})');`;
  // Data the command tree is built from (the flag table, the severities) comes from the engine's shell modules, which
  // import only core: the real values, so help prints what the whole CLI prints.
  const shell = path.join(ROOT, 'packages', 'engine', 'src', 'shell');
  const data = { RUN_FLAGS: 'options.ts', SEVERITIES: 'exit.ts' };
  const body = [...names].map((n) =>
    data[n]
      ? `export { ${n} } from ${JSON.stringify(path.join(shell, data[n]))};`
      : `export function ${n}() { ${fail(n)} }`,
  );
  return {
    name: 'engine-stub',
    setup(b) {
      b.onResolve({ filter: /^@orchestrate\/engine$/ }, (args) => ({ path: args.path, namespace: 'engine-stub' }));
      b.onLoad({ filter: /.*/, namespace: 'engine-stub' }, () => ({
        loader: 'js',
        contents: body.join('\n'),
        resolveDir: shell,
      }));
    },
  };
}

/**
 * Escapes what non-ASCII text esbuild left in the bundle (it escapes strings, regular expressions and names itself, so
 * this is comment text): `\\uXXXX` means the same character anywhere JavaScript reads it.
 */
export function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');

  if (!/[^\x00-\x7f]/.test(text)) return;
  writeFileSync(
    file,
    text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}

/**
 * The CLI never connects an agent to an MCP server, so the MCP client that the Agents SDK imports for that (0.7 MB, run
 * at every start) is left out: in its place, the few names the SDK imports eagerly, and a client that says why it
 * cannot connect. The MCP server (mcp.cjs) is built on @modelcontextprotocol/sdk, a package of its own: untouched.
 */
export const noMcpClient = {
  name: 'no-mcp-client',
  setup(b) {
    b.onResolve({ filter: /^@modelcontextprotocol\/client(\/|$)/ }, (args) => ({
      path: args.path,
      namespace: 'no-mcp-client',
    }));
    b.onLoad({ filter: /.*/, namespace: 'no-mcp-client' }, () => ({
      loader: 'js',
      contents: `
        const unavailable = () => { throw new Error('MCP servers are not supported in the orchestrate CLI'); };
        export const DEFAULT_REQUEST_TIMEOUT_MSEC = 60000;
        export class ProtocolError extends Error {}
        export class SdkError extends Error {}
        export const ProtocolErrorCode = {};
        export const SdkErrorCode = {};
        export class Client { constructor() { unavailable(); } }
        export class StdioClientTransport { constructor() { unavailable(); } }
        export class SSEClientTransport { constructor() { unavailable(); } }
        export class StreamableHTTPClientTransport { constructor() { unavailable(); } }
      `,
    }));
  },
};

/**
 * Keeps Node's built-ins and the OUTSIDE packages out of the bundle. From a checkout the latter are required from the
 * absolute path of the CommonJS entry their workspace package resolves them to; `shipped`, by name (and checked to
 * resolve here and to be one the tarball carries, so a missing one fails the pack, not the user's run).
 */
export function outsidePackages(shipped) {
  const carried = shipped
    ? new Set(JSON.parse(readFileSync(path.join(CLI_DIR, 'package.json'), 'utf8')).bundleDependencies ?? [])
    : null;
  return {
    name: 'outside-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'inner') return undefined;
        if (args.path.startsWith('node:') || BUILTINS.has(args.path)) return { path: args.path, external: true };
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
        if (!OUTSIDE.has(name)) return undefined;
        const resolved = await b.resolve(args.path, {
          kind: 'require-call',
          resolveDir: args.resolveDir,
          pluginData: 'inner',
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        if (carried && !carried.has(name))
          return {
            errors: [
              {
                text: `${name} stays outside the bundle but apps/cli/package.json does not bundle it (bundleDependencies)`,
              },
            ],
          };
        return { path: shipped ? args.path : resolved.path, external: true };
      });
    },
  };
}
