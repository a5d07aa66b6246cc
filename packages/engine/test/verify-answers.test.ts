// The verifier's answer shape through runTask() in process and the fake OpenAI server: the rejected items only, each
// with a reason; an item not listed is accepted. An answer without `rejections` is refused like any invalid answer.
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

describe.concurrent('verifier answers: rejections only', () => {
  it('a listed key is rejected with its reason (an empty one: "no reason given"); an unlisted key is accepted', async ({
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
            const listed = [
              { key: bySymbol('divide'), reason: 'the throws line is wrong' },
              { key: bySymbol('clamp'), reason: ' ' },
            ];
            return { rejections: listed.filter((r) => r.key) };
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

  it('an answer without rejections ({}) is refused: the batch is asked again, then split down to single jobs', async ({
    expect,
    onTestFinished,
  }) => {
    // `{}` for a batch of more than one job, an empty list for a job asked alone.
    const run = await engineScenario(
      {
        script: { before: verifierReply((keys) => (keys.length > 1 ? {} : { rejections: [] })) },
        config: 'export default { ladder: { retry: false, escalate: false } };\n',
      },
      onTestFinished,
    );
    expect(run.error).toBeNull();
    const report = run.report!;
    expect(report.jobs).toEqual({ total: 3, succeeded: 3, failed: 0, skipped: 0 });
    const asked = served(run.server, 'verifier').map((e) => verdictKeys(e.request).length);
    expect(asked).toEqual([3, 3, 2, 1, 1, 1]);
    expect(report.faults).toEqual({ schemaFailures: 3 });
  });

  it('an answer that is always {} accepts nothing: every job fails, no branch', async ({ expect, onTestFinished }) => {
    const run = await engineScenario(
      {
        script: { before: verifierReply(() => ({})) },
        config: 'export default { ladder: { retry: false, escalate: false } };\n',
      },
      onTestFinished,
    );
    expect(run.error).toBeNull();
    const report = run.report!;
    expect(report.jobs).toMatchObject({ total: 3, succeeded: 0, failed: 3 });
    for (const i of items(report)) expect(i.status).toBe('failed');
    const errors = (report.items as { error: string | null }[]).map((i) => i.error);
    expect(errors).toEqual(Array(3).fill(expect.stringMatching(/^verifier call failed: .*failed its schema/)));
    expect(report.faults).toEqual({ schemaFailures: 6 });
    expect(report.branch).toBeNull();
  });

  it('a schema-only answer (one rejection of j1, the faker fills the list): j1 goes down the ladder, the others commit', async ({
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
