import { describe, it } from 'vitest';
import { MATH_TS, engineScenario, inputText, served, workerSymbol } from '../../../test/e2e/openai-script.js';

describe('capture', () => {
  it('baseline', async ({ expect, onTestFinished }) => {
    const run = await engineScenario({ files: { 'src/math.ts': MATH_TS } }, onTestFinished);
    expect(run.error).toBeNull();
    const out: Record<string, unknown> = {};
    for (const { request } of served(run.server, 'worker')) out[workerSymbol(request)] = { input: inputText(request), body: request.body };
    const { writeFileSync } = await import('node:fs');
    writeFileSync('/tmp/p6/baseline.json', JSON.stringify(out, null, 2));
  });
});
