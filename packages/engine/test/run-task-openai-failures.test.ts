// runTask() in process, openai engine against the fake server: bad model output, rejections, HTTP errors, hostile
// output, budgets.
import { describe, it } from 'vitest';
import {
  MATH_TS,
  MODELS,
  fileAt,
  inputText,
  priced,
  runBranches,
  engineScenario,
  served,
  servedUsage,
  verdictKeys,
  withoutDocs,
  workerSymbol,
} from '../../../test/e2e/openai-script.js';

/** The doc comment directly above `export function <name>(` on the branch, or null. */
function docOf(text: string, name: string): string | null {
  const m = new RegExp(`(/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/)\\nexport function ${name}\\(`).exec(text);
  return m ? m[1]! : null;
}

/**
 * Asserts the report's usage equals what the server served (failed-validation calls included). A model whose calls all
 * failed at the HTTP level may be listed with zero usage.
 */
function expectServedUsage(expect: any, report: Record<string, any>, server: Parameters<typeof servedUsage>[0]): void {
  const perModel = servedUsage(server);
  const zero = { requests: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 };
  for (const model of new Set([...Object.keys(report.usage), ...Object.keys(perModel)])) {
    const u = perModel[model] ?? zero;
    const { costUsd, ...tokens } = report.usage[model] ?? { ...zero, costUsd: 0 };
    expect(tokens).toEqual(u);
    expect(costUsd).toBeCloseTo(priced(model, u), 9);
  }
}

describe.concurrent('runTask, openai engine: failures', () => {
  it.for([
    ['text that is not JSON', { text: 'not json' }],
    ['JSON without `summary`', { json: { numerator: 'n', denominator: 'd', returns: 'r', throws: 't' } }],
  ] as const)(
    'worker output failing the schema for one function (%s) is retried, then fails only that job',
    async ([, reply], { expect, onTestFinished }) => {
      const run = await engineScenario(
        {
          config: 'export default { ladder: { escalate: false } };\n',
          script: { worker: (symbol) => (symbol === 'divide' ? reply : undefined) },
        },
        onTestFinished,
      );
      const { repo, server, report } = run;
      expect(run.error).toBeNull();
      expect(report!.status).toBe('completed-with-failures');
      expect(report!.jobs).toEqual({ total: 3, succeeded: 2, failed: 1, skipped: 0 });
      const divide = (report!.items as any[]).find((i) => i.symbol === 'divide');
      expect(divide.status).toBe('failed');
      expect(divide.error).toMatch(
        /^worker: the model's output (was not valid JSON|failed its schema: .*) \(after 2 attempts\)$/,
      );
      // The verifier only saw the two good jobs; the failed one is not applied, the others are committed.
      const [verifier] = served(server, 'verifier');
      expect(verdictKeys(verifier!.request)).toEqual(['j1', 'j2']);
      const math = fileAt(repo, report!.branch, 'src/math.ts');
      expect(withoutDocs(math)).toBe(MATH_TS);
      expect(docOf(math, 'divide')).toBeNull();
      expect(docOf(math, 'add')).toContain('Documented add');
      expect(docOf(math, 'clamp')).toContain('Documented clamp');
      expect(report!.commits).toHaveLength(1);
      expect(report!.commits[0].jobs).toBe(2);
      // The refused answers were still paid for, and are counted: one call each for add and clamp, two for divide (the
      // retry carries the reason).
      expect(served(server, 'worker')).toHaveLength(4);
      const divideCalls = served(server, 'worker').filter((e) => workerSymbol(e.request) === 'divide');
      expect(divideCalls).toHaveLength(2);
      expect(inputText(divideCalls[1]!.request)).toContain('A previous attempt was rejected: worker: the model');
      expectServedUsage(expect, report!, server);
      expect(repo.snapshot()).toBe(run.before);
    },
  );
  it('a job the verifier rejects fails and is not committed', async ({ expect, onTestFinished }) => {
    const run = await engineScenario({ script: { accept: (symbol) => symbol !== 'clamp' } }, onTestFinished);
    const { repo, report } = run;
    expect(run.error).toBeNull();
    expect(report!.status).toBe('completed-with-failures');
    expect(report!.jobs).toEqual({ total: 3, succeeded: 2, failed: 1, skipped: 0 });
    const clamp = (report!.items as any[]).find((i) => i.symbol === 'clamp');
    expect(clamp.status).toBe('failed');
    expect(clamp.error).toEqual(expect.any(String));
    expect(clamp.verdict).toBe('inaccurate');
    const math = fileAt(repo, report!.branch, 'src/math.ts');
    expect(docOf(math, 'clamp')).toBeNull();
    expect(math).not.toContain('Documented clamp');
    expect(docOf(math, 'add')).toContain('Documented add');
    expect(docOf(math, 'divide')).toContain('Documented divide');
    expect(report!.commits[0].jobs).toBe(2);
  });
  it('a 500 on every worker call (maxRetries 0): every job fails, no branch is kept, the tree is untouched', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await engineScenario(
      {
        config: 'export default { api: { maxRetries: 0 } };\n',
        script: { before: (req) => (req.model === MODELS.worker ? { status: 500 } : undefined) },
        prepare: (repo) => repo.write('src/math.ts', `${MATH_TS}// wip\n`),
      },
      onTestFinished,
    );
    const { repo, server, report } = run;
    expect(run.error).toBeNull();
    expect(report!.status).toBe('completed-with-failures');
    expect(report!.jobs).toEqual({ total: 3, succeeded: 0, failed: 3, skipped: 0 });
    for (const item of report!.items as any[]) expect(item.error).toEqual(expect.any(String));
    expect(report!.branch).toBeNull();
    expect(report!.commits).toEqual([]);
    expect(runBranches(repo)).toEqual([]);
    // One request per job (no retries), and no verifier call for failed work.
    expect(served(server, 'worker').map((e) => e.status)).toEqual([500, 500, 500]);
    expect(served(server, 'verifier')).toHaveLength(0);
    expect(repo.snapshot()).toBe(run.before);
    expect(repo.read('src/math.ts')).toBe(`${MATH_TS}// wip\n`);
    expectServedUsage(expect, report!, server);
  });
  it('hostile worker output (`*/ evil(); /*` in the summary) fails that job and is never written', async ({
    expect,
    onTestFinished,
  }) => {
    const evil = (symbol: string, req: any) =>
      symbol === 'add' ? { json: { summary: 'Adds. */ evil(); /*', a: 'x', b: 'y', returns: 'z' } } : undefined;
    const run = await engineScenario({ script: { worker: evil } }, onTestFinished);
    const { repo, report } = run;
    expect(run.error).toBeNull();
    expect(report!.status).toBe('completed-with-failures');
    const add = (report!.items as any[]).find((i) => i.symbol === 'add');
    expect(add.status).toBe('failed');
    expect(add.error).toEqual(expect.any(String));
    expect(report!.jobs.succeeded).toBe(2);
    const math = fileAt(repo, report!.branch, 'src/math.ts');
    expect(math).not.toContain('evil()');
    expect(docOf(math, 'add')).toBeNull();
    expect(withoutDocs(math)).toBe(MATH_TS);
    expect(repo.git('log', '--all', '-p')).not.toContain('evil()');
    expect(repo.read('src/math.ts')).toBe(MATH_TS);
  });
  it('a budget for the planner and a few jobs: the rest are skipped, the worked ones verified and committed, spend <= budget', async ({
    expect,
    onTestFinished,
  }) => {
    // Every call spends close to its worst case (all allowed output tokens), so the budget binds after a few jobs.
    const many = Array.from(
      { length: 12 },
      (_, i) => `export function f${i}(x: number): number {\n  return x + ${i};\n}\n`,
    ).join('\n');
    const budget = 0.0714;
    const run = await engineScenario(
      {
        files: { 'src/math.ts': many },
        run: { budgetUsd: budget },
        script: {
          usage: {
            planner: { input: 100, cached: 0, output: 3900 },
            worker: { input: 100, cached: 0, output: 800 },
            // At most the verifier's cap for one batch (a real API never serves more than max_output_tokens).
            verifier: { input: 300, cached: 0, output: 100 },
          },
        },
      },
      onTestFinished,
    );
    const { repo, server, report } = run;
    expect(run.error).toBeNull();
    expect(report!.status).toBe('budget-exceeded');
    expect(report!.budgetUsd).toBe(budget);
    expect(report!.costUsd).toBeLessThanOrEqual(budget);
    expect(report!.costUsd).toBeGreaterThan(0);
    expectServedUsage(expect, report!, server);

    const worked = served(server, 'worker')
      .map((e) => workerSymbol(e.request))
      .sort();
    expect(worked.length).toBeGreaterThan(0);
    expect(worked.length).toBeLessThan(12);
    const items = report!.items as any[];
    expect(report!.jobs).toEqual({ total: 12, succeeded: worked.length, failed: 0, skipped: 12 - worked.length });
    // The jobs that were paid for were verified and committed; the skipped ones never reached a model.
    expect(
      items
        .filter((i) => i.status === 'succeeded')
        .map((i) => i.symbol)
        .sort(),
    ).toEqual(worked);
    for (const item of items.filter((i) => i.status === 'skipped')) {
      expect(item.error).toEqual(expect.any(String));
      expect(item.tokens).toEqual({ input: 0, cachedInput: 0, output: 0 });
    }
    expect(served(server, 'verifier').length).toBeGreaterThan(0);
    expect(report!.commits).toHaveLength(1);
    const text = fileAt(repo, report!.branch, 'src/math.ts');
    expect(withoutDocs(text)).toBe(many);
    for (const name of worked) expect(docOf(text, name)).toContain(`Documented ${name}`);
    expect(text.match(/\/\*\*/g)).toHaveLength(worked.length);
  });
});
