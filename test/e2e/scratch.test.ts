import { it } from 'vitest';
import { runScenario, MODELS } from './openai-script.js';
it('scratch', async ({ onTestFinished }) => {
  for (const flags of [['--budget', '0.0001'], ['--budget', '0.07', '--concurrency', '1']]) {
    const run = await runScenario({ flags, files: { 'src/math.ts': Array.from({ length: 12 }, (_, i) => `export function f${i}(x: number): number {\n  return x + ${i};\n}\n`).join('\n') } }, onTestFinished);
    console.log(flags, run.exitCode, run.stderr.slice(-1500));
    if (run.report) console.log(run.report.status, run.report.jobs, run.report.costUsd, run.report.branch, JSON.stringify(run.report.items.map((i: any) => [i.symbol, i.status, i.error])), JSON.stringify(run.report.estimate));
    console.log(run.server.log.map((e) => e.request.model).join(' '));
  }
  const unauth = { status: 401, body: { error: { message: 'bad key', type: 'x', param: null, code: 'invalid_api_key' } } };
  const run = await runScenario({ script: { before: (req) => (req.model === MODELS.worker ? unauth : undefined) } }, onTestFinished);
  console.log(run.exitCode, run.stderr);
});
