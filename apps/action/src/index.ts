// The bundle's entry (dist/index.cjs): the runner starts it with `node`. @github/local-action imports main.ts and
// calls run() itself.
import { run } from './main.js';

// run() never throws (a failure is setFailed and exit code 1). The process then exits at once: a keep-alive socket or
// a timer left by a library must not hold the step open until the job's timeout.
void run().then(() => process.exit());
