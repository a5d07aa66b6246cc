// A verifier answer that is refused (here: not JSON) no longer fails its whole batch: the batch is asked again, then
// split in halves, down to single jobs, and every job still gets its own verdict.
import { describe, it } from 'vitest';
import type { FakeRequest } from '../fake/openai-server.js';
import { MODELS, docStep, runScenario, served, verdictKeys } from '../e2e/openai-script.js';

const NAMES = Array.from({ length: 13 }, (_, i) => `f${i}`);
const SOURCE = NAMES.map((n, i) => `export function ${n}(x: number): number {\n  return x + ${i};\n}\n`).join('\n');
const keysOf = (req: FakeRequest) => verdictKeys(req).length;

describe('verifier faults', () => {
  it('a batch of 13 whose verifier answers are not JSON above 4 jobs: retried, split 7/6, then 4/3 and 3/3; all 13 verified', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await runScenario(
      {
        files: { 'src/many.ts': SOURCE },
        // One call at a time: the 13 jobs are one verifier batch (the batch size spreads jobs over the concurrency).
        config: 'export default { concurrency: 1 };\n',
        task: 'add docstrings to src/many.ts',
        script: {
          steps: [docStep({ paths: ['src/many.ts'] })],
          before: (req) =>
            req.model === MODELS.verifier && keysOf(req) > 4 ? { text: 'All 13 look fine.' } : undefined,
        },
      },
      onTestFinished,
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const report = run.report!;
    expect(report.jobs).toEqual({ total: 13, succeeded: 13, failed: 0, skipped: 0 });
    expect(report.faults).toEqual({ invalidJson: 4 });
    // The halves are asked one after the other: the order is the split's.
    expect(served(run.server, 'verifier').map((e) => keysOf(e.request))).toEqual([13, 13, 7, 4, 3, 6, 3, 3]);
  });
});
