#!/usr/bin/env node
// `pnpm bench`: runs test/bench/run.ts from source. tsx (the loader the CLI uses) is resolved from the CLI package, so
// nothing extra is installed; importing its entry registers the TypeScript loader for the imports that follow.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(new URL('../../apps/cli/package.json', import.meta.url));
await import(pathToFileURL(require.resolve('tsx')).href);
await import('./run.ts');
