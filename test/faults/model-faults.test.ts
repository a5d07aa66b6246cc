// Faults from the model side, end to end: the real CLI against the fake server scripted to misbehave per request (429
// storms, 5xx, reset sockets, hangs, answers that are not JSON, fail the schema, are cut off, empty or huge). Each ends in
// a retry (the SDK's for HTTP faults, the ladder's for bad answers), a failed job with one clear line, or a clean stop;
// the report counts each fault; the branch holds only verified work and the user's tree is never touched.
import ts from 'typescript';
import { describe, it } from 'vitest';
import { formatSummary } from '@orchestrate/engine';
import type { FakeReply, FakeRequest } from '../fake/openai-server.js';
import { bytesChanged, snapshotUserTree } from '../helpers/user-tree.js';
import { recordScenario } from './results.js';
import {
  MATH_TS,
  MODELS,
  fileAt,
  priced,
  runBranches,
  runScenario,
  servedUsage,
  verdictKeys,
  type Scenario,
  type ScenarioOptions,
} from '../e2e/openai-script.js';

const NO_STACK = /^\s+at .+:\d+:\d+\)?$/m;
const SYMBOLS = ['add', 'divide', 'clamp'] as const;
type Sym = (typeof SYMBOLS)[number];

/** The doc comment directly above `export function <name>(` on the branch, or null. */
function docOf(text: string, name: string): string | null {
  const m = new RegExp(`(/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/)\\nexport function ${name}\\(`).exec(text);
  return m ? m[1]! : null;
}

/** Syntax errors of a TypeScript file (none when it parses). */
function syntaxErrors(text: string): string[] {
  const out = ts.transpileModule(text, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext } });
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/** Worker replies per symbol, one per attempt (the last one repeats); a symbol without a list gets the default answer. */
function perAttempt(plan: Partial<Record<Sym, (FakeReply | undefined)[]>>): (symbol: string) => FakeReply | undefined {
  const seen = new Map<string, number>();
  return (symbol) => {
    const replies = plan[symbol as Sym];
    if (!replies) return undefined;
    const n = seen.get(symbol) ?? 0;
    seen.set(symbol, n + 1);
    return replies[Math.min(n, replies.length - 1)];
  };
}

/** What a scenario must end in. */
interface Expected {
  exitCode: number;
  /** Jobs that fail, with the reason their error must match; every other job succeeds. */
  failed?: Partial<Record<Sym, RegExp>>;
  faults: Record<string, number>;
  /**
   * The counts are a floor, not exact: a scenario with a short `api.timeoutMs` may see an extra timeout on a loaded
   * machine (it is retried like any other).
   */
  atLeast?: boolean;
}

/** Runs a scenario and checks everything a fault must never break. */
async function expectOutcome(expect: any, run: Scenario, expected: Expected): Promise<void> {
  const { repo, server, report } = run;
  // A clean end: the expected exit code, no stack trace, no internal error, no unhandled rejection.
  expect(run.exitCode, run.stderr).toBe(expected.exitCode);
  expect(run.stderr).not.toMatch(NO_STACK);
  expect(run.stderr).not.toContain('internal error');
  expect(run.stderr).not.toMatch(/unhandled/i);
  // The user's tree, index and HEAD are untouched.
  const changed = bytesChanged(run.beforeTree, snapshotUserTree(repo.dir));
  recordScenario({
    suite: 'model-faults',
    name: expect.getState().currentTestName ?? 'model fault',
    passed: changed === 0,
    bytesChanged: changed,
    paidTwice: null,
  });
  expect(changed).toBe(0);
  expect(repo.snapshot()).toBe(run.before);
  expect(repo.git('status', '--porcelain')).toBe('');
  expect(repo.git('log', '--format=%s', 'HEAD')).toBe('initial\n');
  if (!report || report.error) return;

  const failed = expected.failed ?? {};
  const items = report.items as any[];
  for (const symbol of SYMBOLS) {
    const item = items.find((i) => i.symbol === symbol);
    if (failed[symbol]) {
      expect(item.status, symbol).toBe('failed');
      expect(item.error).toMatch(failed[symbol]!);
      expect(item.error).not.toContain('\n');
    } else expect(item.status, `${symbol}: ${item.error}`).toBe('succeeded');
  }
  const succeeded = SYMBOLS.filter((s) => !failed[s]);
  expect(report.jobs).toEqual({ total: 3, succeeded: succeeded.length, failed: 3 - succeeded.length, skipped: 0 });
  expect(report.status).toBe(succeeded.length === 3 ? 'completed' : 'completed-with-failures');
  if (expected.atLeast) {
    expect(Object.keys(report.faults).sort()).toEqual(Object.keys(expected.faults).sort());
    for (const [kind, n] of Object.entries(expected.faults)) expect(report.faults[kind]).toBeGreaterThanOrEqual(n);
  } else expect(report.faults).toEqual(expected.faults);
  expect(formatSummary(report as never)).toContain('model faults: ');

  // The branch holds only verified work: the file parses, its code is the base's, failed jobs' symbols have no doc.
  if (succeeded.length) {
    const math = fileAt(repo, report.branch, 'src/math.ts');
    expect(syntaxErrors(math)).toEqual([]);
    expect(math.replace(/^[ \t]*\/\*\*[\s\S]*?\*\/\r?\n/gm, '')).toBe(MATH_TS);
    for (const symbol of SYMBOLS) {
      if (failed[symbol]) expect(docOf(math, symbol), symbol).toBeNull();
      else expect(docOf(math, symbol), symbol).toContain(`Documented ${symbol}`);
    }
    expect(report.commits).toHaveLength(1);
    expect(report.commits[0].jobs).toBe(succeeded.length);
  } else {
    expect(report.branch).toBeNull();
    expect(runBranches(repo)).toEqual([]);
  }

  // Every answer the server served is counted and priced, refused ones included.
  const perModel = servedUsage(server);
  for (const [model, u] of Object.entries(perModel)) {
    const { costUsd, ...tokens } = report.usage[model];
    expect(tokens).toEqual(u);
    expect(costUsd).toBeCloseTo(priced(model, u), 9);
  }
}

const rateLimited = (headers: Record<string, string>): FakeReply => ({
  status: 429,
  headers,
  body: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
});
const serverError = (status: number, headers: Record<string, string> = {}): FakeReply => ({
  status,
  headers,
  body: { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } },
});
const huge = `{"summary": "${'Divides. '.repeat(350_000)}"}`; // ~3 MB of text

/** A `before` script: verifier requests judging more than `max` jobs get text that is not JSON. */
function verifierNotJsonOver(max: number): (req: FakeRequest) => FakeReply | undefined {
  return (req) => {
    if (req.model !== MODELS.verifier) return undefined;
    const keys = verdictKeys(req);
    return keys.length > max ? { text: 'Looks good to me!' } : undefined;
  };
}

interface Case {
  name: string;
  options: ScenarioOptions;
  expected: Expected;
}

const CASES: Case[] = [
  {
    name: '429 storm with retry-after-ms / retry-after: retried, completed',
    options: {
      config: 'export default { concurrency: 4 };\n',
      script: {
        worker: perAttempt({
          add: [rateLimited({ 'retry-after-ms': '20' }), rateLimited({ 'retry-after': '0' }), undefined],
          divide: [rateLimited({ 'retry-after-ms': '20' }), rateLimited({ 'retry-after-ms': '10' }), undefined],
          clamp: [rateLimited({ 'retry-after': '0' }), undefined],
        }),
      },
    },
    expected: { exitCode: 0, faults: { rateLimited: 5 } },
  },
  {
    name: '500 / 503: retried; a 500 that persists fails its job',
    options: {
      script: {
        worker: perAttempt({
          divide: [serverError(503, { 'retry-after': '0' }), serverError(500, { 'retry-after-ms': '10' }), undefined],
          add: [serverError(500, { 'retry-after-ms': '10' })],
        }),
        before: (() => {
          let verifier = 0;
          return (req) =>
            req.model === MODELS.verifier && verifier++ === 0
              ? serverError(503, { 'retry-after-ms': '10' })
              : undefined;
        })(),
      },
    },
    expected: {
      exitCode: 1,
      failed: { add: /^worker: the API failed with 500 after 2 retries: / },
      faults: { serverErrors: 6 },
    },
  },
  {
    name: 'connection resets (before the headers, mid-body): retried; resets that persist fail the job',
    options: {
      script: {
        worker: perAttempt({
          add: [{ reset: 'before-headers' }, undefined],
          divide: [{ reset: 'mid-body' }, undefined],
          clamp: [{ reset: 'mid-body' }],
        }),
      },
    },
    expected: {
      exitCode: 1,
      failed: { clamp: /^worker: could not reach the API \(after 2 retries\): / },
      faults: { connectionErrors: 5 },
    },
  },
  {
    name: 'a 200 answer whose JSON body is truncated: retried like a 5xx; one that persists fails its job, counted',
    options: {
      script: { worker: perAttempt({ divide: [{ truncated: true }, undefined], add: [{ truncated: true }] }) },
    },
    expected: {
      exitCode: 1,
      failed: { add: /^worker: the API's answer was cut off \(its JSON body ended early\) after 2 retries$/ },
      faults: { truncatedBody: 4 },
    },
  },
  {
    name: 'hangs past api.timeoutMs (before and after the headers): retried; a hang that persists fails the job',
    options: {
      config: 'export default { api: { timeoutMs: 4000, maxRetries: 1 } };\n',
      script: {
        worker: perAttempt({
          add: [{ hang: 'before-headers' }, undefined],
          divide: [{ hang: 'after-headers' }, undefined],
          clamp: [{ hang: 'before-headers' }],
        }),
      },
    },
    expected: {
      exitCode: 1,
      failed: { clamp: /^worker: the request timed out \(4000 ms per attempt, 1 retry\)$/ },
      faults: { timeouts: 4 },
      atLeast: true,
    },
  },
  {
    name: 'output that is not JSON: retried with the reason, and the job succeeds',
    options: { script: { worker: perAttempt({ divide: [{ text: '{"summary": "Divides the numer' }, undefined] }) } },
    expected: { exitCode: 0, faults: { invalidJson: 1 } },
  },
  {
    name: 'output that is never JSON fails its job once the ladder is spent (here: one retry, no escalation)',
    options: {
      config: 'export default { ladder: { escalate: false } };\n',
      script: { worker: perAttempt({ divide: [{ text: '{"summary": "Divides the numer' }] }) },
    },
    expected: {
      exitCode: 1,
      failed: { divide: /^worker: the model's output was not valid JSON \(after 2 attempts\)$/ },
      faults: { invalidJson: 2 },
    },
  },
  {
    name: 'output that fails the schema: retried, and the job succeeds',
    options: {
      script: {
        worker: perAttempt({
          divide: [{ json: { numerator: 'n', denominator: 'd', returns: 'r', throws: 't' } }, undefined],
        }),
      },
    },
    expected: { exitCode: 0, faults: { schemaFailures: 1 } },
  },
  {
    name: 'a Responses answer cut off at max_output_tokens counts as cut off, not as invalid JSON, and is retried',
    options: {
      script: {
        worker: perAttempt({
          divide: [{ text: '{"summary": "Divides the numer', incomplete: 'max_output_tokens' }, undefined],
        }),
      },
    },
    expected: { exitCode: 0, faults: { incomplete: 1 } },
  },
  {
    name: 'a chat completion cut off (finish_reason length) counts as cut off; one that stays cut off fails its job',
    options: {
      config: "export default { api: { wire: 'chat_completions' }, ladder: { escalate: false } };\n",
      script: {
        worker: perAttempt({
          divide: [{ text: '{"summary": "Divides the numer', incomplete: 'length' }, undefined],
          clamp: [{ text: '', incomplete: 'length' }],
        }),
      },
    },
    expected: {
      exitCode: 1,
      failed: { clamp: /^worker: the model's output was cut off \(finish_reason: length\) \(after 2 attempts\)$/ },
      faults: { incomplete: 3 },
    },
  },
  {
    name: 'empty output (no message, empty text): retried, and the jobs succeed',
    options: {
      script: { worker: perAttempt({ divide: [{ noOutput: true }, undefined], clamp: [{ text: '' }, undefined] }) },
    },
    expected: { exitCode: 0, faults: { emptyOutput: 2 } },
  },
  {
    name: 'a verifier answer that is not JSON: the batch is retried, then split in halves; every job is verified',
    options: { script: { before: verifierNotJsonOver(1) } },
    // One batch of 3: its call and its retry, then the half of 2 (split again) are refused; single jobs are answered.
    expected: { exitCode: 0, faults: { invalidJson: 3 } },
  },
  {
    name: 'a verifier that never answers JSON fails each job on its own, once split down to single jobs',
    options: { script: { before: verifierNotJsonOver(0) } },
    expected: {
      exitCode: 1,
      failed: {
        add: /^verifier call failed: the model's output was not valid JSON$/,
        divide: /^verifier call failed: the model's output was not valid JSON$/,
        clamp: /^verifier call failed: the model's output was not valid JSON$/,
      },
      // 3 jobs, retried (2), halves of 2 and 1, the 2 split into 1 and 1.
      faults: { invalidJson: 6 },
    },
  },
  {
    name: 'huge output (megabytes of text) is refused before it is parsed',
    options: { script: { worker: perAttempt({ divide: [{ text: huge }] }) } },
    expected: {
      exitCode: 1,
      failed: { divide: /^worker: the model's output was too large \(\d+ KB; at most 200 KB is accepted\)$/ },
      faults: { oversizedOutput: 1 },
    },
  },
];

describe.concurrent('model-side faults end to end', () => {
  it.for(CASES)('$name', async ({ options, expected }, { expect, onTestFinished }) => {
    const run = await runScenario(options, onTestFinished);
    await expectOutcome(expect, run, expected);
  });

  it('a planner answer cut off stops the run cleanly: exit 2, E_MODEL with the reason, nothing created', async ({
    expect,
    onTestFinished,
  }) => {
    const cut: FakeReply = { text: '{"steps": [{"kind": "docstring", "vari', incomplete: 'max_output_tokens' };
    const run = await runScenario(
      { script: { before: (req) => (req.model === MODELS.planner ? cut : undefined) } },
      onTestFinished,
    );
    await expectOutcome(expect, run, { exitCode: 2, faults: {} }); // a planner failure writes no report (only the journal)
    expect(JSON.parse(run.stdout).error).toEqual({
      code: 'E_MODEL',
      message: "The planner call failed: the model's output was cut off (max_output_tokens)",
    });
    expect(run.stderr).toContain("the model's output was cut off (max_output_tokens)");
    expect(runBranches(run.repo)).toEqual([]);
    expect(run.server.log.filter((e) => e.request.model !== MODELS.planner)).toHaveLength(0);
  });
});
