#!/usr/bin/env node
// The `orchestrate` command: loads the CLI (a bundle of its TypeScript sources, rebuilt when they change) and runs it.
// `--version` is answered here, from the package's manifest, before any bundle is read (what commander would print).
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  let version;
  try {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    if (manifest.name === '@orchestrate/cli' && typeof manifest.version === 'string') version = manifest.version;
  } catch {
    // no readable manifest beside the command: the CLI itself finds its version
  }
  if (version !== undefined) {
    process.stdout.write(`${version}\n`);
    process.exit(0);
  }
}

// V8 optimises a function once it has run "enough"; by default that is soon, and the optimising compiler's threads
// then cost a run about as much CPU as half its own work (a run is short, and most functions run a few hundred times).
// A later tier-up halves that and costs the main thread no more (measured by `pnpm bench`; see README, Benchmark).
// An explicit --interrupt-budget (in NODE_OPTIONS or on the command line) wins. Set only on V8 11 (Node 20), where it
// was measured: Node 24's V8 tiers up by invocation counts and has no such flag (setting it prints an error each start).
const V8_MAJOR = Number(process.versions.v8.split('.')[0]);
if (V8_MAJOR <= 11 && ![...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--interrupt-budget'))) {
  setFlagsFromString('--interrupt-budget=300000');
}

const { loadCli } = await import('./bundle.mjs');
const main = await loadCli(argv);
process.exitCode = await main(argv);
