#!/usr/bin/env node
// The `orchestrate` command: loads the CLI (a bundle of its TypeScript sources, rebuilt when they change) and runs it.
import { setFlagsFromString } from 'node:v8';
import { loadCli } from './bundle.mjs';

// V8 optimises a function once it has run "enough"; by default that is soon, and the optimising compiler's threads
// then cost a run about as much CPU as half its own work (a run is short, and most functions run a few hundred times).
// A later tier-up halves that and costs the main thread no more (measured by `pnpm bench`; see README, Benchmark).
// An explicit --interrupt-budget (in NODE_OPTIONS or on the command line) wins. Set only on V8 11 (Node 20), where it
// was measured: Node 24's V8 tiers up by invocation counts and has no such flag (setting it prints an error each start).
const V8_MAJOR = Number(process.versions.v8.split('.')[0]);
if (V8_MAJOR <= 11 && ![...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--interrupt-budget'))) {
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

const main = await loadCli();
process.exitCode = await main(process.argv.slice(2));
