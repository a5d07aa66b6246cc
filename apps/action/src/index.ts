// The bundle's entry (dist/index.cjs): the runner starts it with `node`. @github/local-action imports main.ts and
// calls run() itself.
import { run } from './main.js';

// run() does not throw (a failure is setFailed and exit code 1); should it all the same, the step still fails with one
// line. Then the process exits at once: a keep-alive socket or a timer left by a library must not hold the step open
// until the job's timeout.
run().then(
  () => process.exit(),
  () => {
    process.stdout.write('::error::orchestrate: internal error while reporting a failure (see the log above)\n');
    process.exit(1);
  },
);
