// runTask() in process on a real temporary git repository, the openai engine against the wire-level fake server.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import {
  MATH_TS,
  MODELS,
  docStep,
  fileAt,
  inputText,
  priced,
  requestText,
  runBranches,
  engineScenario,
  served,
  servedUsage,
  verdictKeys,
  withoutDocs,
  workerSymbol,
} from '../../../test/e2e/openai-script.js';
import { docParams } from '../../../test/fake/doc-fields.js';

const STRINGS_TS = ['export function shout(text: string): string {', '  return text.toUpperCase();', '}', ''].join(
  '\n',
);

const PARAMS: Record<string, string[]> = {
  add: ['a', 'b'],
  divide: ['numerator', 'denominator'],
  clamp: ['value', 'low', 'high'],
  shout: ['text'],
};

/** The `Key: value` trailers of a commit message. */
function trailers(message: string): Record<string, string> {
  return Object.fromEntries([...message.matchAll(/^(Orchestrate-[\w-]+): (.*)$/gm)].map((m) => [m[1]!, m[2]!.trim()]));
}

describe.concurrent('runTask, openai engine: docstrings', () => {
  it('Responses API: commits docs on the run branch, one commit per step, usage and cost as served', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await engineScenario(
      {
        files: { 'src/math.ts': MATH_TS, 'src/strings.ts': STRINGS_TS },
        task: 'add docstrings to src/math.ts and src/strings.ts',
        script: { steps: [docStep({ paths: ['src/math.ts'] }), docStep({ paths: ['src/strings.ts'] })] },
        prepare: (repo) => {
          repo.write('src/math.ts', `${MATH_TS}// user edit in progress\n`);
          repo.write('notes.txt', 'untracked user notes\n');
        },
      },
      onTestFinished,
    );
    const { repo, server, report } = run;
    expect(run.error).toBeNull();
    expect(report).not.toBeNull();
    expect(report!.engine).toBe('openai');
    expect(report!.status).toBe('completed');
    expect(report!.jobs).toEqual({ total: 4, succeeded: 4, failed: 0, skipped: 0 });

    // The user's working tree, index, HEAD and untracked files are exactly as before; the edit is still there.
    expect(repo.snapshot()).toBe(run.before);
    expect(repo.read('src/math.ts')).toContain('// user edit in progress');
    expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('main');

    // The docs are on the run branch, built from HEAD (not from the uncommitted edit), code untouched.
    const branch = report!.branch as string;
    expect(branch).toMatch(/^orchestrate\//);
    expect(runBranches(repo)).toEqual([branch]);
    const math = fileAt(repo, branch, 'src/math.ts');
    expect(math).not.toContain('user edit in progress');
    expect(withoutDocs(math)).toBe(MATH_TS);
    for (const name of ['add', 'divide', 'clamp']) {
      expect(math).toMatch(
        new RegExp(`/\\*\\*\\n \\* Documented ${name} for the tests\\.[\\s\\S]*?\\*/\\nexport function ${name}\\(`),
      );
    }
    expect(math).toContain('@param numerator - The numerator argument.');
    expect(math).toMatch(/@throws When divide fails\.\n \*\/\nexport function divide/);
    expect(math.match(/@throws/g)).toHaveLength(1);
    expect(withoutDocs(fileAt(repo, branch, 'src/strings.ts'))).toBe(STRINGS_TS);
    expect(fileAt(repo, branch, 'src/strings.ts')).toContain('@param text - The text argument.');

    // One commit per step on top of the base commit, each with the trailers.
    expect(report!.baseCommit).toBe(repo.git('rev-parse', 'main').trim());
    expect(repo.git('rev-list', '--count', `main..${branch}`).trim()).toBe('2');
    expect(report!.commits.map((c: any) => c.stepId)).toEqual(['step-1', 'step-2']);
    expect(repo.git('rev-parse', branch).trim()).toBe(report!.commits[1].sha);
    for (const commit of report!.commits as { sha: string; stepId: string }[]) {
      const message = repo.git('log', '-1', '--format=%B', commit.sha);
      const t = trailers(message);
      expect(t['Orchestrate-Run']).toBe(report!.id);
      expect(t['Orchestrate-Models']).toContain(`worker=${MODELS.worker}`);
      expect(t['Orchestrate-Models']).toContain(`verifier=${MODELS.verifier}`);
      const items = (report!.items as any[]).filter((i) => i.stepId === commit.stepId);
      const sum = (f: (i: any) => number) => items.reduce((n, i) => n + f(i), 0);
      expect(t['Orchestrate-Tokens']).toBe(
        `input=${sum((i) => i.tokens.input)} cached=${sum((i) => i.tokens.cachedInput)} output=${sum((i) => i.tokens.output)}`,
      );
      expect(Number(t['Orchestrate-Cost-USD'])).toBeCloseTo(
        sum((i) => i.costUsd),
        6,
      );
      expect(Number(t['Orchestrate-Cost-USD'])).toBeGreaterThan(0);
    }
    expect(repo.git('log', '-1', '--format=%B', report!.commits[0].sha).split('\n')[0]).toBe(
      report!.commits[0].message,
    );

    // report.json on disk is the --json output.
    const onDisk = JSON.parse(
      readFileSync(path.join(repo.dir, '.orchestrate', 'runs', report!.id, 'report.json'), 'utf8'),
    );
    expect(onDisk).toEqual(report);

    // Usage per model is exactly what the server served (cached tokens included), priced at the default table.
    const servedPerModel = servedUsage(server);
    expect(Object.keys(report!.usage).sort()).toEqual(Object.values(MODELS).sort());
    expect(servedPerModel[MODELS.planner]!.requests).toBe(1);
    expect(servedPerModel[MODELS.worker]!.requests).toBe(4);
    expect(servedPerModel[MODELS.verifier]!.requests).toBe(1);
    let total = 0;
    for (const [model, u] of Object.entries(servedPerModel)) {
      const { costUsd, ...tokens } = report!.usage[model];
      expect(tokens).toEqual(u);
      expect(u.cachedInputTokens).toBeGreaterThan(0);
      expect(costUsd).toBeCloseTo(priced(model, u), 9);
      total += priced(model, u);
    }
    expect(report!.costUsd).toBeCloseTo(total, 9);
    // Cached tokens are billed at the cached rate, not the input rate.
    const full = Object.entries(servedPerModel).reduce((n, [m, u]) => n + priced(m, { ...u, cachedInputTokens: 0 }), 0);
    expect(report!.costUsd).toBeLessThan(full);

    // Every call went over the Responses API, with the role's model.
    expect(server.log.every((e) => e.request.path === '/v1/responses' && e.status === 200)).toBe(true);

    // Each worker request carries only its own declaration and a schema keyed by exactly its parameters.
    const workers = served(server, 'worker');
    expect(workers.map((e) => workerSymbol(e.request)).sort()).toEqual(['add', 'clamp', 'divide', 'shout']);
    for (const { request } of workers) {
      const symbol = workerSymbol(request);
      const input = inputText(request);
      expect(input).toContain(`function ${symbol}(`);
      for (const other of Object.keys(PARAMS).filter((n) => n !== symbol))
        expect(input).not.toContain(`function ${other}(`);
      if (symbol !== 'clamp') expect(input).not.toContain('Math.min');
      if (symbol !== 'divide') expect(input).not.toContain('division by zero');
      // Flat: the summary, a field per parameter, then returns (and throws); `escalate`: the worker may say a job is
      // beyond it (ladder.selfEscalate, on by default).
      expect(request.schema.required).toEqual([
        'summary',
        ...PARAMS[symbol]!,
        'returns',
        ...(symbol === 'divide' ? ['throws'] : []),
        'escalate',
      ]);
    }
    // The verifier judged all the jobs of the run in one batch.
    const [verifier] = served(server, 'verifier');
    expect(verdictKeys(verifier!.request)).toEqual(['j1', 'j2', 'j3', 'j4']);
  });
  it('chat completions wire (agents.config.ts): every call goes to /v1/chat/completions and the run succeeds', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await engineScenario(
      { config: "export default { api: { wire: 'chat_completions' } };\n" },
      onTestFinished,
    );
    const { repo, server, report } = run;
    expect(run.error).toBeNull();
    expect(report!.status).toBe('completed');
    expect(report!.jobs.succeeded).toBe(3);
    expect(server.log.length).toBe(5);
    expect(server.log.every((e) => e.request.path === '/v1/chat/completions' && e.request.kind === 'chat')).toBe(true);
    expect(server.log.some((e) => e.request.path === '/v1/responses')).toBe(false);
    const math = fileAt(repo, report!.branch, 'src/math.ts');
    expect(withoutDocs(math)).toBe(MATH_TS);
    expect(math.match(/\/\*\*/g)).toHaveLength(3);
    for (const [model, u] of Object.entries(servedUsage(server))) {
      const { costUsd, ...tokens } = report!.usage[model];
      expect(tokens).toEqual(u);
      expect(costUsd).toBeCloseTo(priced(model, u), 9);
    }
    expect(repo.snapshot()).toBe(run.before);
  });
  it('dry run: only the planner is called, no branch, an estimate per model', async ({ expect, onTestFinished }) => {
    const run = await engineScenario({ run: { dryRun: true } }, onTestFinished);
    const { repo, server, report } = run;
    expect(run.error).toBeNull();
    expect(report!.status).toBe('dry-run');
    expect(report!.branch).toBeNull();
    expect(report!.commits).toEqual([]);
    expect(server.log.map((e) => e.request.model)).toEqual([MODELS.planner]);
    expect(runBranches(repo)).toEqual([]);
    expect(repo.snapshot()).toBe(run.before);
    expect(report!.jobs.total).toBe(3);
    const est = report!.estimate;
    expect(est.jobs).toBe(3);
    expect(Object.keys(est.perModel).sort()).toEqual([MODELS.verifier, MODELS.worker].sort());
    expect(est.perModel[MODELS.worker].calls).toBe(3);
    expect(est.perModel[MODELS.verifier].calls).toBe(1);
    for (const m of Object.values(est.perModel) as any[]) {
      expect(m.inputTokens).toBeGreaterThan(0);
      expect(m.costUsdLow).toBeGreaterThan(0);
      expect(m.costUsdHigh).toBeGreaterThanOrEqual(m.costUsdLow);
    }
    expect(est.costUsdHigh).toBeGreaterThanOrEqual(est.costUsdLow);
    // Only the planner was paid for.
    expect(Object.keys(report!.usage)).toEqual([MODELS.planner]);
    expect(report!.costUsd).toBeCloseTo(priced(MODELS.planner, servedUsage(server)[MODELS.planner]!), 9);
  });
  it('documents a class, its method and an overloaded function (once)', async ({ expect, onTestFinished }) => {
    const source = [
      'export class Counter {',
      '  private count = 0;',
      '',
      '  increment(by: number): number {',
      '    this.count += by;',
      '    return this.count;',
      '  }',
      '}',
      '',
      'export function parse(input: string): number;',
      'export function parse(input: number): number;',
      'export function parse(input: string | number): number {',
      '  return Number(input);',
      '}',
      '',
    ].join('\n');
    const run = await engineScenario(
      {
        files: { 'src/lib.ts': source },
        task: 'add docstrings to src/lib.ts',
        script: { steps: [docStep({ paths: ['src/lib.ts'] })] },
      },
      onTestFinished,
    );
    const { repo, server, report } = run;
    expect(run.error).toBeNull();
    expect((report!.items as any[]).map((i) => i.symbol).sort()).toEqual(['Counter', 'Counter.increment', 'parse']);
    expect(report!.jobs.succeeded).toBe(3);
    const lib = fileAt(repo, report!.branch, 'src/lib.ts');
    expect(withoutDocs(lib)).toBe(source);
    // The method's doc is indented like the method and sits right above it.
    expect(lib).toMatch(
      / {2}\/\*\*\n {3}\* Documented Counter\.increment for the tests\.\n {3}\*\n {3}\* @param by - The by argument\.\n {3}\* @returns [^\n]*\n {3}\*\/\n {2}increment\(by: number\)/,
    );
    // The overloaded function gets one doc comment, above its first overload only.
    expect(lib.match(/Documented parse/g)).toHaveLength(1);
    expect(lib).toMatch(
      /\*\/\nexport function parse\(input: string\): number;\nexport function parse\(input: number\)/,
    );
    const parseReq = served(server, 'worker').find((e) => workerSymbol(e.request) === 'parse')!.request;
    expect(docParams(parseReq.schema)).toEqual(['input']);
    const methodReq = served(server, 'worker').find((e) => workerSymbol(e.request) === 'Counter.increment')!.request;
    expect(inputText(methodReq)).toContain('increment(by: number)');
    expect(inputText(methodReq)).not.toContain('function parse');
    expect(requestText(methodReq)).not.toContain('Number(input)');
  });
  it('documents code that holds special-token text (<|endoftext|>): it is counted as plain text, not refused', async ({
    expect,
    onTestFinished,
  }) => {
    const source = [
      'export function stopAt(text: string): string {',
      "  return text.split('<|endoftext|>')[0] ?? '';",
      '}',
      '',
    ].join('\n');
    const run = await engineScenario(
      {
        files: { 'src/stop.ts': source },
        task: 'add docstrings to src/stop.ts',
        script: { steps: [docStep({ paths: ['src/stop.ts'] })] },
      },
      onTestFinished,
    );
    expect(run.error).toBeNull();
    expect(run.report!.jobs.succeeded).toBe(1);
    expect(withoutDocs(fileAt(run.repo, run.report!.branch, 'src/stop.ts'))).toBe(source);
  });
});
