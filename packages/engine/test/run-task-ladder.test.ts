// The verification ladder (retry with the reason, escalate to the verifier's model, give up) driven through runTask()
// in process, a real temp repository and the fake OpenAI server, for a gate rejection and for a verifier rejection.
import { describe, it } from 'vitest';
import { workerAnswer } from '../../../test/e2e/openai-script.js';
import {
  REJECTION,
  fileAt,
  inputText,
  item,
  requests,
  runBranches,
  engineKinds,
  step,
  verifierItems,
  workerRequestsFor,
} from '../../../test/e2e/kinds-script.js';

const NANO = 'gpt-5.4-nano';
const MINI = 'gpt-5.4-mini';
const STUB = "{\n  throw new Error('not implemented');\n}";

const STUBS_TS = [
  `export function add(a: number, b: number): number ${STUB}`,
  '',
  `export function twice(n: number): number ${STUB}`,
  '',
].join('\n');

const DOCS_TS = [
  'export function add(a: number, b: number): number {',
  '  return a + b;',
  '}',
  '',
  'export function sub(a: number, b: number): number {',
  '  return a - b;',
  '}',
  '',
].join('\n');

describe.concurrent('openai engine end to end: the verification ladder', () => {
  it('boilerplate/bodies: a body is committed; a body that breaks the typecheck is rejected before the verifier, retried, escalated, given up', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await engineKinds(
      {
        files: { 'src/math.ts': STUBS_TS },
        script: {
          steps: [step({ kind: 'boilerplate', variant: 'bodies', paths: ['src/math.ts'] })],
          worker: (input) => ({ body: input.includes('`twice`') ? 'return "x";' : 'return a + b;' }),
        },
        task: 'implement the stubs in src/math.ts',
      },
      onTestFinished,
    );
    const { repo, server, report } = run;
    expect(run.error).toBeNull();
    expect(run.report!.status).toBe('completed-with-failures');
    expect(report!.status).toBe('completed-with-failures');
    expect(report!.jobs).toEqual({ total: 2, succeeded: 1, failed: 1, skipped: 0 });

    // add: one attempt, verified, committed; the stub is gone, nothing else changed.
    const add = item(report!, 'add');
    expect(add.status).toBe('succeeded');
    expect(add.attempts).toEqual([{ model: NANO, rejected: null }]);
    const math = fileAt(repo, report!.branch, 'src/math.ts');
    expect(math).toBe(STUBS_TS.replace(STUB, '{\n  return a + b;\n}'));
    expect(report!.commits).toHaveLength(1);
    expect(report!.commits[0].jobs).toBe(1);
    const verified = requests(server, 'verifier').flatMap(verifierItems);
    expect(verified.some((i) => i.text.includes('src/math.ts\n') && i.text.includes('function add('))).toBe(true);

    // twice: the typecheck gate rejected every attempt, so no verifier request ever mentions it.
    expect(verified.some((i) => i.text.includes('twice'))).toBe(false);
    const twice = item(report!, 'twice');
    expect(twice.status).toBe('failed');
    expect(twice.attempts).toHaveLength(3);
    expect(twice.attempts.map((a: any) => a.model)).toEqual([NANO, NANO, MINI]);
    for (const a of twice.attempts) expect(a.rejected).toContain('TS2322');
    expect(twice.error).toContain('TS2322');
    // The worker requests for it, in order: nano, nano with the first reason, then the verifier's model with the second.
    const calls = workerRequestsFor(server, '`twice`');
    expect(calls.map((r) => r.model)).toEqual([NANO, NANO, MINI]);
    expect(inputText(calls[0]!)).not.toContain('TS2322');
    expect(inputText(calls[1]!)).toContain(twice.attempts[0].rejected);
    expect(inputText(calls[2]!)).toContain(twice.attempts[1].rejected);
    // Nothing of it on the branch: its stub is still there.
    expect(math).toContain(`export function twice(n: number): number ${STUB}`);
    expect(math).not.toContain('"x"');
    expect(runBranches(repo)).toEqual([report!.branch]);
  });

  it('docstring: the verifier rejects a job every time → worker nano, nano (with the reason), mini, then failed', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await engineKinds(
      {
        files: { 'src/math.ts': DOCS_TS },
        script: {
          steps: [step({ kind: 'docstring', paths: ['src/math.ts'] })],
          worker: (input, req) => workerAnswer(req, input.includes('function add(') ? 'add' : 'sub'),
          accept: (i) => !i.text.includes('function add('),
        },
        task: 'add docstrings to src/math.ts',
      },
      onTestFinished,
    );
    const { repo, server, report } = run;
    expect(run.error).toBeNull();
    expect(run.report!.status).toBe('completed-with-failures');
    expect(report!.jobs).toEqual({ total: 2, succeeded: 1, failed: 1, skipped: 0 });
    const calls = workerRequestsFor(server, 'function add(');
    expect(calls.map((r) => r.model)).toEqual([NANO, NANO, MINI]);
    expect(inputText(calls[0]!)).not.toContain(REJECTION);
    expect(inputText(calls[1]!)).toContain(REJECTION);
    expect(inputText(calls[2]!)).toContain(REJECTION);
    // Every attempt reached the verifier (three batches mention add), and was rejected there.
    const judged = requests(server, 'verifier')
      .flatMap(verifierItems)
      .filter((i) => i.text.includes('function add('));
    expect(judged).toHaveLength(3);
    const add = item(report!, 'add');
    expect(add.status).toBe('failed');
    expect(add.attempts.map((a: any) => a.model)).toEqual([NANO, NANO, MINI]);
    for (const a of add.attempts) expect(a.rejected).toContain(REJECTION);
    expect(add.verdict).toBe(REJECTION);
    // sub is committed, add is not documented.
    expect(item(report!, 'sub').status).toBe('succeeded');
    expect(workerRequestsFor(server, 'function sub(')).toHaveLength(1);
    const math = fileAt(repo, report!.branch, 'src/math.ts');
    expect(math).toMatch(/\*\/\nexport function sub\(/);
    expect(math).toMatch(/^export function add\(/);
  });

  it('docstring with `ladder: { retry: false, escalate: false }`: one worker call, then failed', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await engineKinds(
      {
        files: {
          'src/math.ts': DOCS_TS,
          'agents.config.ts': 'export default { ladder: { retry: false, escalate: false } };\n',
        },
        script: {
          steps: [step({ kind: 'docstring', paths: ['src/math.ts'] })],
          worker: (input, req) => workerAnswer(req, input.includes('function add(') ? 'add' : 'sub'),
          accept: (i) => !i.text.includes('function add('),
        },
        task: 'add docstrings to src/math.ts',
      },
      onTestFinished,
    );
    const { repo, server, report } = run;
    expect(run.error).toBeNull();
    expect(run.report!.status).toBe('completed-with-failures');
    expect(report!.jobs).toEqual({ total: 2, succeeded: 1, failed: 1, skipped: 0 });
    expect(workerRequestsFor(server, 'function add(').map((r) => r.model)).toEqual([NANO]);
    expect(requests(server, 'worker')).toHaveLength(2);
    const add = item(report!, 'add');
    expect(add.status).toBe('failed');
    expect(add.attempts).toEqual([{ model: NANO, rejected: expect.stringContaining(REJECTION) }]);
    expect(fileAt(repo, report!.branch, 'src/math.ts')).toMatch(/^export function add\(/);
  });
});
