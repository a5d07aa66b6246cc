#!/usr/bin/env node
// The `orchestrate` command: loads the CLI (a bundle of its TypeScript sources, rebuilt when they change) and runs it.
import { loadCli } from './bundle.mjs';

const main = await loadCli();
process.exitCode = await main(process.argv.slice(2));
