// The index thread (load.cjs starts it with the process, for the commands that index files): it sets TypeScript up
// at once, on the other core, then indexes the files the run sends it (packages/repo/src/index-worker.ts, in the
// bundle's index.cjs chunk). It reads ts.cjs's code cache and writes none: the main thread writes it, and uses more
// of TypeScript. index.cjs is small enough to compile.
'use strict';
const path = require('node:path');
const { parentPort, workerData } = require('node:worker_threads');
const { compile, CHUNK } = require('./load.cjs');

const { dir, caches } = workerData;
const loaded = new Map();
globalThis[CHUNK] = (name) => {
  if (!loaded.has(name)) loaded.set(name, compile(path.join(dir, `${name}.cjs`), caches[name] ?? []).exports);
  return loaded.get(name);
};

globalThis[CHUNK]('index').serveIndex(parentPort);
// Set up now, while the main thread reads its bundle: the files come once git has listed them.
void globalThis[CHUNK]('ts').ts.version;
