// Loads the CLI (CommonJS, like the command that requires it: Node starts a CommonJS file without its ESM loader, a few
// milliseconds of every start). It runs one esbuild bundle of the CLI's sources and their dependencies, compiled from a
// V8 code cache. Start-up then pays neither tsx's loader hooks, nor a transpile per file, nor resolving and compiling
// some hundred modules (TypeScript alone is 9 MB of JavaScript): Node 20 has no compile cache of its own, so the bundle
// is one CommonJS script run through `vm.Script` with `cachedData`. Packages that find files of their own at run time
// (prettier's plugins, jiti's transformer, esbuild's binary) stay outside it.
// Two ways it runs:
// - from a checkout (src/ is here): the bundle lives in dist/b-*, is rebuilt (by bundle.mjs) whenever a source is newer
//   than it, and requires the outside packages from where the workspace resolves them; where it cannot be built or
//   written, the CLI runs from source through tsx, as before;
// - installed from the tarball of `npm pack` (no src/): the bundle that scripts/prepack.mjs built into dist/pack is
//   loaded as it is, with neither esbuild nor tsx; the outside packages are the tarball's own node_modules.
// Beside main.cjs, help.cjs is the same command tree with the engine left out (a stub in its place): `--help`,
// `help` and `<command> --help` load it instead, without TypeScript, ts-morph, zod, the tokenizer or the SDKs.
'use strict';
const {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { homedir, tmpdir } = require('node:os');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const CLI_DIR = path.resolve(__dirname, '..');
const ROOT = path.resolve(CLI_DIR, '..', '..');
const ENTRY = path.join(CLI_DIR, 'src', 'main.ts');
/** The MCP server's command line (`orchestrate mcp`): a bundle of its own, mcp.cjs, so the SDK never weighs on the CLI. */
const MCP_ENTRY = path.join(ROOT, 'apps', 'mcp', 'src', 'main.ts');
const DIST = path.join(CLI_DIR, 'dist');
const META = path.join(DIST, 'current.json');
/** Where `npm pack` puts the bundle it ships (see scripts/prepack.mjs). */
const SHIPPED_DIR = path.join(DIST, 'pack');
/** Bumped when the bundle's shape changes, so an older build is never loaded as this one. */
const FORMAT = 4;
/** CPU (ms) below which a command counts as short (`--version`, `runs`) for the code cache. */
const SHORT_MS = 1000;

/** The commands whose `--help` the help bundle prints (another word goes to the whole CLI, which prints the same). */
const COMMANDS = new Set(['review', 'resume', 'undo', 'runs', 'show', 'apply', 'exec', 'mcp', 'help']);
const HELP_FLAGS = new Set(['-h', '--help']);

/**
 * Whether `argv` only asks for help (or for nothing: the usage and exit 2), which the command tree answers without the
 * engine: `--help`, `-h`, `help`, `help <command>`, `<command> --help`, no arguments.
 */
function helpOnly(argv) {
  if (argv.length === 0) return true;
  if (argv.length === 1) return HELP_FLAGS.has(argv[0]) || argv[0] === 'help';
  if (argv.length !== 2) return false;
  return (argv[0] === 'help' && COMMANDS.has(argv[1])) || (COMMANDS.has(argv[0]) && HELP_FLAGS.has(argv[1]));
}

/**
 * The CLI's `main` for `argv`: from the shipped bundle when installed, else from a fresh bundle when one can be had,
 * else from source. A help-only `argv` (see helpOnly) gets the help bundle when there is one.
 */
async function loadCli(argv = []) {
  const mcpArgs = mcpArgv(argv);
  if (mcpArgs) return loadMcp(mcpArgs);
  const name = helpOnly(argv) ? 'help' : 'main';
  if (!existsSync(ENTRY)) {
    const file = name === 'help' ? path.join(SHIPPED_DIR, 'help.cjs') : '';
    if (file && existsSync(file)) return runBundle(file, shippedCaches('help'));
    return runBundle(shippedBundle(), shippedCaches('main'), { argv, caches: shippedCaches });
  }
  try {
    const dir = fresh() ?? (await (await import('./bundle.mjs')).build());
    const help = path.join(DIST, dir, 'help.cjs');
    if (name === 'help' && existsSync(help)) return runBundle(help, [help]);
    const file = path.join(DIST, dir, 'main.cjs');
    return runBundle(file, [file], { argv, caches: (chunk) => [path.join(DIST, dir, `${chunk}.cjs`)] });
  } catch (err) {
    if (process.env.ORCHESTRATE_DEBUG)
      console.error(`orchestrate: running from source (${err instanceof Error ? err.message : err})`);
    const { register } = await import('tsx/esm/api');
    register();
    return (await import('../src/main.ts')).main;
  }
}

/** The MCP server's argv when `argv` is `mcp ...` or `help mcp` (its help is its own); else null. */
function mcpArgv(argv) {
  if (argv[0] === 'mcp') return argv.slice(1);
  return argv.length === 2 && argv[0] === 'help' && argv[1] === 'mcp' ? ['--help'] : null;
}

/**
 * The MCP server's `main` for `args`, loaded as the CLI is (see loadCli): its shipped bundle, else mcp.cjs beside the
 * current bundle (built on first use), else its source through tsx.
 */
async function loadMcp(args) {
  let main;
  if (!existsSync(ENTRY)) {
    main = runBundle(shippedBundle('mcp.cjs'), shippedCaches('mcp'), { argv: ['mcp'], caches: shippedCaches });
  } else {
    try {
      const bundler = await import('./bundle.mjs');
      const dir = fresh() ?? (await bundler.build());
      const file = path.join(DIST, dir, 'mcp.cjs');
      if (!existsSync(file)) await bundler.buildMcp(path.join(DIST, dir));
      main = runBundle(file, [file], { argv: ['mcp'], caches: (chunk) => [path.join(DIST, dir, `${chunk}.cjs`)] });
    } catch (err) {
      if (process.env.ORCHESTRATE_DEBUG)
        console.error(`orchestrate: running mcp from source (${err instanceof Error ? err.message : err})`);
      const { register } = await import('tsx/esm/api');
      register();
      main = (await import('../../mcp/src/main.ts')).main;
    }
  }
  return () => main(args);
}

/** The bundle an installed copy ships; its absence means the tarball was packed without its prepack script. */
function shippedBundle(name = 'main.cjs') {
  const file = path.join(SHIPPED_DIR, name);
  if (!existsSync(file)) {
    throw new Error(
      `orchestrate: ${file} is missing (the package was packed without running its prepack script, e.g. with --ignore-scripts). Reinstall from a tarball made by \`npm pack\` in apps/cli.`,
    );
  }
  return file;
}

/**
 * Where an installed copy keeps its code cache, best first: beside the bundle (an install the user owns), else a
 * folder of the user's own (a root-owned global prefix). Each name carries the bundle's build id and the Node version,
 * so one cache never meets another bundle or another V8.
 */
function shippedCaches(bundleName) {
  let id;
  try {
    id = JSON.parse(readFileSync(path.join(SHIPPED_DIR, 'build.json'), 'utf8')).id;
  } catch {
    // a bundle without its build note: only a cache beside it is surely its own
  }
  const name = `${bundleName}-${id ?? 'unknown'}-${process.version}.cjs`;
  const bases = [SHIPPED_DIR];
  if (typeof id !== 'string' || !/^[0-9a-f]+$/.test(id)) return bases.map((base) => path.join(base, name));
  const xdg = process.env.XDG_CACHE_HOME || (homedir() ? path.join(homedir(), '.cache') : '');
  if (xdg && path.isAbsolute(xdg)) bases.push(path.join(xdg, 'orchestrate'));
  bases.push(path.join(tmpdir(), `orchestrate-${process.getuid?.() ?? 'user'}`));
  return bases.map((base) => path.join(base, name));
}

/**
 * Runs the bundle as a CommonJS module compiled with a code cache, and returns its `main`. `caches` are the places its
 * cache may be (each `<place>.cache`): the first that holds one is read. After `main` has run, the cache is written
 * again (to the first place that takes it) when there was none, V8 refused it (another Node), or a short command wrote
 * it and this process did real work (a run after `--version`): V8 caches the functions compiled so far, so the cache
 * settles after the first run instead of being rewritten (about 0.1 s) by every one.
 * With `chunks` (the main bundle), the chunks beside it (ts.cjs, index.cjs: see bundle.mjs) load through the same
 * kind of cache (`chunks.caches(name)` its places) when first needed, and a command that indexes files starts the
 * index thread first, so that it sets TypeScript up on the other core while this one reads the bundle.
 */
function runBundle(file, caches, chunks) {
  const dir = path.dirname(file);
  const indexThread = chunks && indexes(chunks.argv) ? startIndexThread(dir, chunks.caches) : undefined;
  const started = process.cpuUsage();
  const loaded = new Map();
  if (chunks) {
    globalThis[CHUNK] = (name) => {
      if (process.env.ORCHESTRATE_DEBUG) console.error(`orchestrate: loading ${name}.cjs`);
      if (!loaded.has(name)) loaded.set(name, compile(path.join(dir, `${name}.cjs`), chunks.caches(name)));
      return loaded.get(name).exports;
    };
  }
  const bundle = compile(file, caches);
  const { main } = bundle.exports;
  const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, indexThread };
  return async (argv) => {
    try {
      return await main(argv, io);
    } finally {
      indexThread?.close();
      const used = process.cpuUsage(started);
      const cpuMs = (used.user + used.system) / 1000;
      const { script, cachedData, note } = bundle;
      if (!cachedData || script.cachedDataRejected || ((note.cpuMs ?? 0) < SHORT_MS && cpuMs >= SHORT_MS))
        saveCache(script, caches, cpuMs);
      for (const chunk of loaded.values()) if (chunk.stale) saveCache(chunk.script, chunk.caches, cpuMs);
    }
  };
}

/** The global through which a bundle's stand-ins load the chunks beside it (see tsChunk in bundle.mjs). */
const CHUNK = Symbol.for('orchestrate.chunk');

/**
 * Compiles a CommonJS bundle file with the first code cache of `caches` that there is, and runs it: its exports, its
 * script (whose cache `saveCache` writes), and whether the cache it had is missing or refused (`stale`).
 */
function compile(file, caches) {
  let cachedData;
  let note = { cpuMs: 0 };
  for (const base of caches) {
    try {
      if (!trusted(path.dirname(base), false)) continue;
      cachedData = readFileSync(`${base}.cache`);
    } catch {
      continue;
    }
    try {
      note = JSON.parse(readFileSync(`${base}.cache.json`, 'utf8'));
    } catch {
      // a cache without its note counts as written by a short command
    }
    break;
  }
  // The bundle is ASCII (see build): read as latin1, it is a one-byte string, decoded four times faster than as UTF-8.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'latin1')}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return { exports: module.exports, script, cachedData, note, caches, stale: !cachedData || script.cachedDataRejected };
}

/** The commands that never index a repository's files: no index thread for them. */
const NO_INDEX = new Set(['runs', 'show', 'apply', 'undo', 'help', 'mcp']);

/** Whether `argv` runs a command that indexes files (a task, `review`, `resume`, `exec`). */
function indexes(argv) {
  if (process.env.ORCHESTRATE_INDEX_THREAD === '0' || helpOnly(argv)) return false;
  const words = argv[0] === '-C' ? argv.slice(2) : argv;
  return !argv.includes('--help') && !argv.includes('-h') && !NO_INDEX.has(words[0]);
}

/**
 * Starts the index thread (bin/index-thread.cjs) and returns the handle the CLI gives the engine (an IndexThread, see
 * packages/repo/src/index-worker.ts), or undefined where no thread starts: the files are indexed here then. The
 * thread does not keep the process alive, except while a request waits for its answer.
 */
function startIndexThread(dir, caches) {
  let worker;
  try {
    const { Worker } = require('node:worker_threads');
    const workerData = { dir, caches: { ts: caches('ts') } };
    worker = new Worker(path.join(__dirname, 'index-thread.cjs'), { workerData });
  } catch {
    return undefined;
  }
  let settle = null;
  let ended = false;
  const end = (reply) => {
    const done = settle;
    settle = null;
    worker.unref();
    done?.(reply);
  };
  worker.on('message', (reply) => {
    if (process.env.ORCHESTRATE_DEBUG)
      console.error(`orchestrate: index thread: ${reply?.ok ? 'indexed' : reply?.error}`);
    end(reply);
  });
  worker.on('error', () => {
    ended = true;
    end(null);
  });
  worker.on('exit', () => {
    ended = true;
    end(null);
  });
  // After the listeners: adding a 'message' listener refs the thread again.
  worker.unref();
  return {
    request(message) {
      if (ended || settle) return Promise.resolve(null);
      return new Promise((resolve) => {
        settle = resolve;
        worker.ref();
        worker.postMessage(message);
      });
    },
    close() {
      ended = true;
      worker.terminate().catch(() => {});
    },
  };
}

/** Writes the code cache to the first of `caches` that takes it; where none does, start-up just compiles the bundle. */
function saveCache(script, caches, cpuMs) {
  let data;
  for (const base of caches) {
    const cacheFile = `${base}.cache`;
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      if (!trusted(path.dirname(base), true)) continue;
      data ??= script.createCachedData();
      writeFileSync(tmp, data);
      writeFileSync(`${cacheFile}.json`, `${JSON.stringify({ cpuMs: Math.round(cpuMs) })}\n`);
      renameSync(tmp, cacheFile);
      return;
    } catch {
      rmSync(tmp, { force: true });
    }
  }
}

/**
 * Whether the folder of a cache may be used (with `create`, made when missing). V8 runs what a cache holds, so outside
 * the CLI's own folder it must be a real folder of this user that nobody else can write: in a shared tmpdir anyone
 * could plant one.
 */
function trusted(dir, create) {
  if (!path.relative(CLI_DIR, dir).startsWith('..')) return true;
  if (create) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir, { throwIfNoEntry: false });
  const uid = process.getuid?.();
  return !!st && st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0;
}

/** The newest modification time among the sources the bundle is made of (and the manifests and script that build it). */
function newestSource() {
  // These scripts too: a bundle they built or load differently is stale.
  let newest = Math.max(
    statSync(path.join(ROOT, 'pnpm-lock.yaml'), { throwIfNoEntry: false })?.mtimeMs ?? 0,
    statSync(__filename).mtimeMs,
    statSync(path.join(__dirname, 'bundle.mjs')).mtimeMs,
  );
  const dirs = [
    path.join(CLI_DIR, 'src'),
    ...readdirSync(path.join(ROOT, 'packages')).map((p) => path.join(ROOT, 'packages', p, 'src')),
    ...(existsSync(MCP_ENTRY) ? [path.dirname(MCP_ENTRY)] : []),
  ];
  for (const dir of dirs) {
    newest = Math.max(newest, statSync(path.join(dir, '..', 'package.json'), { throwIfNoEntry: false })?.mtimeMs ?? 0);
    for (const name of readdirSync(dir, { recursive: true })) {
      newest = Math.max(newest, statSync(path.join(dir, String(name))).mtimeMs);
    }
  }
  return newest;
}

/** The current bundle's folder under dist/, when it is there and was built here from sources no newer than it; else null. */
function fresh() {
  try {
    const meta = JSON.parse(readFileSync(META, 'utf8'));
    const ok =
      meta.format === FORMAT &&
      meta.root === ROOT &&
      meta.node === process.version &&
      typeof meta.dir === 'string' &&
      existsSync(path.join(DIST, meta.dir, 'main.cjs')) &&
      meta.builtMs >= newestSource();
    return ok ? meta.dir : null;
  } catch {
    return null;
  }
}

module.exports = {
  helpOnly,
  loadCli,
  mcpArgv,
  compile,
  saveCache,
  CHUNK,
  CLI_DIR,
  ROOT,
  ENTRY,
  MCP_ENTRY,
  DIST,
  META,
  SHIPPED_DIR,
  FORMAT,
};
