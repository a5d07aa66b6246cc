#!/usr/bin/env node
// The `orchestrate` command: loads the CLI (a bundle of its TypeScript sources, rebuilt when they change) and runs it.
// CommonJS (bin/package.json says so): Node starts it without its ESM loader, a few milliseconds of every start.
'use strict';
const { readFileSync } = require('node:fs');
const nodeModule = require('node:module');
const { homedir } = require('node:os');
const path = require('node:path');
const { setFlagsFromString } = require('node:v8');

// `--version` is answered here, from the package's manifest, before any bundle is read (what commander would print).
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  let version;
  try {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    if (manifest.name === '@orchestrate/cli' && typeof manifest.version === 'string') version = manifest.version;
  } catch {
    // no readable manifest beside the command: the CLI itself finds its version
  }
  if (version !== undefined) {
    process.stdout.write(`${version}\n`);
    process.exit(0);
  }
}

// Node 22.1+ keeps a code cache of every module it loads through its loaders: this file and load.cjs, the packages the
// bundle requires from outside (prettier when a run formats), and all of the sources when the CLI runs through tsx
// (where no bundle could be built). The bundle itself is a `vm.Script` with a code cache of its own (see load.cjs),
// which this one neither covers nor disturbs. Node 20 has no such cache. NODE_COMPILE_CACHE (a folder) wins, and
// NODE_DISABLE_COMPILE_CACHE=1 turns it off; else the cache lives beside the bundle, or in the user's own cache folder
// when that is not writable (a root-owned global install) - never in a shared tmpdir, where anyone could plant one.
if (nodeModule.enableCompileCache && !process.env.NODE_COMPILE_CACHE) {
  const dist = path.join(__dirname, '..', 'dist', 'compile-cache');
  const { status } = nodeModule.enableCompileCache(dist);
  const xdg = process.env.XDG_CACHE_HOME || (homedir() ? path.join(homedir(), '.cache') : '');
  if (status === nodeModule.constants.compileCacheStatus.FAILED && path.isAbsolute(xdg)) {
    nodeModule.enableCompileCache(path.join(xdg, 'orchestrate', 'compile-cache'));
  }
} else {
  nodeModule.enableCompileCache?.();
}

// V8 optimises a function once it has run "enough"; by default that is soon, and the optimising compiler's threads
// then cost a run about as much CPU as half its own work (a run is short, and most functions run a few hundred times).
// A later tier-up halves that and costs the main thread no more (measured by `pnpm bench`; see README, Benchmark).
// An explicit --interrupt-budget (in NODE_OPTIONS or on the command line) wins. Set only on V8 11 (Node 20), where it
// was measured: Node 24's V8 tiers up by invocation counts and has no such flag (setting it prints an error each start).
const V8_MAJOR = Number(process.versions.v8.split('.')[0]);
const budgetGiven = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--interrupt-budget'));
if (V8_MAJOR <= 11 && !budgetGiven) {
  setFlagsFromString('--interrupt-budget=300000');
}

// A reader that stops early (`orchestrate --help | head`) closes the pipe: stop quietly, as `git log | head` does,
// instead of an unhandled EPIPE with a stack trace. A run cut off this way is resumable like any interrupted run.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

// Required only now, so that the compile cache (above) covers it.
const { loadCli } = require('./load.cjs');
loadCli(argv)
  .then((main) => main(argv))
  .then((code) => {
    process.exitCode = code;
  });
