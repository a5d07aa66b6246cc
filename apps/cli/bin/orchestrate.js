#!/usr/bin/env node
// Runs the CLI from its TypeScript source (no build step): tsx registers the loader, then main() takes over.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
