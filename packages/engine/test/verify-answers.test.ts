// The verifier's answer shape through runTask() in process and the fake OpenAI server: a boolean per item key and a
// list of rejections. Evidence before commit: only an explicit `true` with no rejection listed commits.
import { describe, it } from 'vitest';
import { schemaFaker } from '../../../test/fake/openai-server.js';
import type { FakeRequest } from '../../../test/fake/openai-server.js';
import {
  engineScenario,
  fileAt,
  inputText,
  roleOf,
  served,
  verdictKeys,
  verifierSymbols,
} from '../../../test/e2e/openai-script.js';

/** A verifier reply made by `answer` from the request's keys and their symbols; other roles answer as scripted. */
function verifierReply(answer: (keys: string[], symbols: Record<string, string>) => unknown) {
  return (req: FakeRequest) =>
    roleOf(req) === 'verifier' ? { json: answer(verdictKeys(req), verifierSymbols(req)) } : undefined;
}

const items = (report: any) => report.items as { symbol: string; status: string; verdict: string | null }[];

describe.concurrent('verifier answers: booleans and rejections', () => {
  it('a key listed in rejections is rejected although its boolean says true; false without a reason too', async ({
    expect,
    onTestFinished,
  }) => {
    let asked = 0;
    const run = await engineScenario(
      {
        script: {
          before: verifierReply((keys, symbols) => {
            asked++;
            const bySymbol = (s: string) => keys.find((k) => symbols[k] === s);
            const divide = bySymbol('divide');
            const clamp = bySymbol('clamp');
            return {
              verdicts: Object.fromEntries(keys.map((k) => [k, k !== clamp])),
              rejections: divide ? [{ key: divide, reason: 'the throws line is wrong' }] : [],
            };
          }),
        },
        config: 'export default { ladder: { retry: false, escalate: false } };\n',
      },
      onTestFinished,
    );
    expect(run.error).toBeNull();
    const report = run.report!;
    const bySymbol = Object.fromEntries(items(report).map((i) => [i.symbol, i]));
    expect(bySymbol.add!.status).toBe('succeeded');
    expect(bySymbol.divide!.status).toBe('failed');
    expect(bySymbol.divide!.verdict).toBe('the throws line is wrong');
    expect(bySymbol.clamp!.status).toBe('failed');
    expect(bySymbol.clamp!.verdict).toBe('no reason given');
    expect(asked).toBeGreaterThan(0);
    const math = fileAt(run.repo, report.branch, 'src/math.ts');
    expect(math).toContain('Documented add');
    expect(math).not.toContain('Documented divide');
    expect(math).not.toContain('Documented clamp');
  });

  it('a schema-only answer (every boolean true, one rejection of j1): j1 goes down the ladder, the others commit', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await engineScenario(
      { script: { before: (req) => (roleOf(req) === 'verifier' ? { json: schemaFaker(req.schema) } : undefined) } },
      onTestFinished,
    );
    expect(run.error).toBeNull();
    const report = run.report!;
    const verifierCalls = served(run.server, 'verifier').map((e) => e.request);
    // The first batch: every job of the file, the instructions stated once, the file named once.
    const first = inputText(verifierCalls[0]!);
    expect(first.match(/^Task for /gm)).toHaveLength(1);
    expect(first.match(/^### src\/math\.ts$/gm)).toHaveLength(1);
    // Its j1 is rejected with the faked reason and retried; a job committed was accepted in its last call.
    const rejected = verifierSymbols(verifierCalls[0]!).j1!;
    const all = items(report) as { symbol: string; status: string; verdict: string | null; attempts: unknown[] }[];
    expect(all.find((i) => i.symbol === rejected)!.attempts.length).toBeGreaterThan(1);
    for (const i of all.filter((j) => j.status === 'failed')) expect(i.verdict).toBe('fake text');
    expect(all.filter((i) => i.status === 'succeeded').length).toBeGreaterThan(0);
    expect(report.jobs.total).toBe(3);
  });
});
