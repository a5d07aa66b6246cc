// Worker self-escalation through runTask() in process, a real temp repository and the fake OpenAI server: a worker
// item that says `escalate` goes straight to the verifier's model, under the run's cap; the report counts it.
import { describe, expect, it } from 'vitest';
import { schemaFaker, startFakeOpenAI, type FakeReply, type FakeRequest } from '../../../test/fake/openai-server.js';
import { fakeModelEnv, formatSummary, runEngine } from '../../../test/helpers/engine.js';
import { makeRepo } from '../../../test/helpers/repo.js';
import { docStep, inputText } from '../../../test/e2e/openai-script.js';
import { docParams, paramFields } from '../../../test/fake/doc-fields.js';
import {
  ESCALATE_NOTE,
  escalationCap,
  escalationRefusal,
  offersEscalation,
  PACK_ESCALATE_NOTE,
} from '../src/job/escalation.js';
import { escalationsOf } from '../src/runs/journal.js';

const NANO = 'gpt-5.4-nano';
const MINI = 'gpt-5.4-mini';
const TASK = 'add docstrings to src/math.ts';

/** `count` functions `f<i>(x<i>)`: each job's item schema names its own parameter, so answers can tell them apart. */
function functions(count: number): string {
  return Array.from(
    { length: count },
    (_, i) => `export function f${i}(x${i}: number): number {\n  return x${i} + ${i};\n}\n`,
  ).join('\n');
}

/** The item keys of a verifier request's schema (its `rejections[].key` enum). */
const verifierKeys = (schema: any): string[] => schema?.properties?.rejections?.items?.properties?.key?.enum ?? [];

/**
 * The fake: one docstring step over src/math.ts; the verifier accepts; a worker item (packed or alone) is answered from
 * its schema, signed with its model (`Nano doc` / `Mini doc`), and `escalate(param)` says whether to escalate it when
 * offered: a single job's `escalate` field, or its key in a pack's `escalate` list.
 */
function handler(escalate: (param: string) => string | undefined, fromSchema = false, blank = false) {
  return (req: FakeRequest): FakeReply => {
    const props = (req.schema?.properties ?? {}) as Record<string, any>;
    if (props.steps) return { json: { steps: [docStep()], unsupported: null } };
    if (props.rejections) return { json: { rejections: [] } };
    const sign = req.model === NANO ? 'Nano' : 'Mini';
    const answer = (schema: any) =>
      fromSchema
        ? (schemaFaker(schema) as Record<string, unknown>)
        : {
            summary: `${sign} doc for ${docParams(schema)[0]}.`,
            ...paramFields(schema, (p) => `The ${p}.`),
            ...(schema.properties.returns ? { returns: 'The sum.' } : {}),
          };
    const items = props.items?.properties as Record<string, any> | undefined;
    if (!items) {
      const out = answer(req.schema);
      if (props.escalate) out.escalate = escalate(docParams(req.schema)[0]!) ?? 'no';
      return { json: out };
    }
    const offered: string[] = props.escalate?.items.properties.key.enum ?? [];
    const list = offered.flatMap((key) => {
      const reason = escalate(docParams(items[key])[0]!);
      return reason ? [{ key, reason }] : [];
    });
    // `blank`: an item the list escalates is answered `{}` (off its schema): the list decides, not the item.
    const answered = Object.fromEntries(
      Object.entries(items).map(([k, s]) => [k, blank && list.some((e) => e.key === k) ? {} : answer(s)]),
    );
    return { json: { items: answered, ...(props.escalate ? { escalate: list } : {}) } };
  };
}

/** Worker requests of the log (everything but the planner and the verifier). */
const workerCalls = (log: { request: FakeRequest }[]) =>
  log.filter((e) => !e.request.schema?.properties?.steps && !e.request.schema?.properties?.rejections);

describe('worker self-escalation', () => {
  it('a packed item that escalates goes straight to the verifier model; the nano result never reaches the verifier', async () => {
    const repo = makeRepo({
      'src/math.ts': functions(3),
      'agents.config.ts': 'export default { packing: { maxJobs: 4 } };\n',
    });
    const server = await startFakeOpenAI(handler((p) => (p === 'x1' ? 'too-complex' : undefined)));
    try {
      const { report, events } = await runEngine({
        cwd: repo.dir,
        engine: 'openai',
        task: TASK,
        env: fakeModelEnv(server),
      });
      const workers = workerCalls(server.log);
      // One packed nano call for the three jobs, then f1 alone on mini (no retry on nano first).
      expect(workers.map((e) => e.request.model)).toEqual([NANO, MINI]);
      // The pack's schema offers escalation once, beside `items`, naming every item; no item has a field of its own.
      const packed = workers[0]!.request.schema;
      expect(Object.keys(packed.properties)).toEqual(['items', 'escalate']);
      expect(packed.required).toEqual(['items', 'escalate']);
      expect(packed.properties.escalate).toEqual({
        type: 'array',
        items: {
          type: 'object',
          properties: {
            key: { type: 'string', enum: ['j1', 'j2', 'j3'] },
            reason: { type: 'string', enum: ['no', 'too-complex', 'needs-more-context', 'unclear-task'] },
          },
          required: ['key', 'reason'],
          additionalProperties: false,
        },
      });
      for (const item of Object.values(packed.properties.items.properties) as any[]) {
        expect(item.properties.escalate).toBeUndefined();
      }
      expect(JSON.stringify(workers[0]!.request.body)).toContain('list its key in `escalate` with that reason');
      // The verifier model's attempt is not offered `escalate`, and its instructions do not mention it.
      const mini = workers[1]!.request;
      expect(docParams(mini.schema)).toEqual(['x1']);
      expect(mini.schema.properties.escalate).toBeUndefined();
      expect(JSON.stringify(mini.body)).not.toContain(ESCALATE_NOTE.trim().slice(0, 40));
      expect(JSON.stringify(mini.body)).not.toContain(PACK_ESCALATE_NOTE.trim().slice(0, 40));
      const verified = server.log
        .filter((e) => e.request.schema?.properties?.rejections)
        .map((e) => inputText(e.request));
      expect(verified.join('\n')).not.toContain('Nano doc for x1');
      expect(verified.join('\n')).toContain('Mini doc for x1');
      expect(report.jobs).toEqual({ total: 3, succeeded: 3, failed: 0, skipped: 0 });
      expect(report.escalations).toEqual({ total: 1, ignored: 0, byKind: { docstring: { 'too-complex': 1 } } });
      const f1 = report.items.find((i: any) => i.symbol === 'f1');
      expect(f1.model).toBe(MINI);
      expect(f1.attempts).toEqual([
        { model: NANO, rejected: null, escalated: 'too-complex' },
        { model: MINI, rejected: null },
      ]);
      // The escalate field is stripped before apply: the committed file holds the mini doc, no `escalate` text.
      const file = repo.git('show', `${report.branch}:src/math.ts`);
      expect(file).toContain('Mini doc for x1.');
      expect(file).not.toContain('Nano doc for x1.');
      expect(file).not.toContain('too-complex');
      const starts = events.filter((e) => e.type === 'job-start' && e.job.symbol === 'f1');
      expect(starts.map((e) => (e as any).model)).toEqual([NANO, MINI]);
      expect(formatSummary(report as never)).toContain('escalated: 1 (docstring: too-complex 1)');
    } finally {
      await server.close();
      repo.cleanup();
    }
  });

  it('a packed item its call lists in escalate is escalated whatever its item holds (no schema fault)', async () => {
    const repo = makeRepo({
      'src/math.ts': functions(3),
      'agents.config.ts': 'export default { packing: { maxJobs: 4 } };\n',
    });
    const server = await startFakeOpenAI(handler((p) => (p === 'x2' ? 'unclear-task' : undefined), false, true));
    try {
      const { report } = await runEngine({ cwd: repo.dir, engine: 'openai', task: TASK, env: fakeModelEnv(server) });
      expect(workerCalls(server.log).map((e) => e.request.model)).toEqual([NANO, MINI]);
      expect(report.escalations).toEqual({ total: 1, ignored: 0, byKind: { docstring: { 'unclear-task': 1 } } });
      expect(report.faults ?? {}).toEqual({});
      expect(report.items.find((i: any) => i.symbol === 'f2').attempts).toEqual([
        { model: NANO, rejected: null, escalated: 'unclear-task' },
        { model: MINI, rejected: null },
      ]);
      expect(report.jobs.succeeded).toBe(3);
    } finally {
      await server.close();
      repo.cleanup();
    }
  });

  it('a single job that escalates goes to the verifier model too', async () => {
    const repo = makeRepo({
      'src/math.ts': functions(2),
      'agents.config.ts': 'export default { packing: { maxJobs: 1 } };\n',
    });
    const server = await startFakeOpenAI(handler((p) => (p === 'x0' ? 'needs-more-context' : undefined)));
    try {
      const { report } = await runEngine({ cwd: repo.dir, engine: 'openai', task: TASK, env: fakeModelEnv(server) });
      const workers = workerCalls(server.log);
      expect(workers.map((e) => e.request.model).sort()).toEqual([MINI, NANO, NANO]);
      expect(workers.filter((e) => e.request.model === NANO).every((e) => e.request.schema.properties.escalate)).toBe(
        true,
      );
      expect(report.escalations).toEqual({ total: 1, ignored: 0, byKind: { docstring: { 'needs-more-context': 1 } } });
      expect(report.jobs.succeeded).toBe(2);
      expect(report.items.find((i: any) => i.symbol === 'f0').model).toBe(MINI);
    } finally {
      await server.close();
      repo.cleanup();
    }
  });

  it('past the cap a refused answer is never applied: it goes down the ladder, and the retry is not offered escalate', async () => {
    // A schema-only server (items made from the JSON schema alone) that lists every offered item to escalate: 6 jobs at a cap
    // of 0.2 = ceil(1.2) = 2 escalations; the 4 others were offered (the cap was free when their call was made), so
    // their answers are refused and rejected, and their retry on nano, with the cap used up, has no `escalate`.
    const repo = makeRepo({
      'src/math.ts': functions(6),
      'agents.config.ts': 'export default { packing: { maxJobs: 4 }, ladder: { maxSelfEscalations: 0.2 } };\n',
    });
    const server = await startFakeOpenAI(handler(() => 'unclear-task', true));
    try {
      const { report } = await runEngine({ cwd: repo.dir, engine: 'openai', task: TASK, env: fakeModelEnv(server) });
      expect(report.escalations).toEqual({ total: 2, ignored: 4, byKind: { docstring: { 'unclear-task': 2 } } });
      const items = (e: { request: FakeRequest }) =>
        Object.values(e.request.schema.properties.items?.properties ?? { one: e.request.schema }) as any[];
      // The two escalated jobs go to mini (packed together: packing groups jobs by their next model), never offered
      // escalate again.
      const minis = workerCalls(server.log).filter((e) => e.request.model === MINI);
      expect(minis.flatMap(items)).toHaveLength(2);
      for (const item of minis.flatMap(items)) expect(item.properties.escalate).toBeUndefined();
      // The four refused ones: retried on nano with the reason as feedback, without escalate or its note.
      const retries = workerCalls(server.log).filter(
        (e) => e.request.model === NANO && inputText(e.request).includes('escalation not available'),
      );
      expect(retries.flatMap(items)).toHaveLength(4);
      for (const item of retries.flatMap(items)) expect(item.properties.escalate).toBeUndefined();
      for (const e of [...minis, ...retries]) {
        expect(e.request.schema.properties.escalate).toBeUndefined();
        expect(JSON.stringify(e.request.body)).not.toMatch(/set `escalate`|in `escalate`/);
      }
      expect(report.jobs.succeeded).toBe(6);
      const nano = report.items.filter((i: any) => i.model === NANO);
      expect(nano).toHaveLength(4);
      for (const item of nano) {
        expect(item.attempts).toEqual([
          {
            model: NANO,
            rejected:
              "worker said the job is beyond it (escalation not available: the run's ladder.maxSelfEscalations (2) is used up)",
          },
          { model: NANO, rejected: null },
        ]);
      }
      const verifiedItems = server.log
        .filter((e) => e.request.schema?.properties?.rejections)
        .reduce((n, e) => n + verifierKeys(e.request.schema).length, 0);
      expect(verifiedItems).toBe(6);
    } finally {
      await server.close();
      repo.cleanup();
    }
  });

  it('without the verifier-model rung (ladder.escalate: false) the worker is never offered escalate', async () => {
    const repo = makeRepo({
      'src/math.ts': functions(2),
      'agents.config.ts': 'export default { packing: { maxJobs: 4 }, ladder: { escalate: false } };\n',
    });
    const server = await startFakeOpenAI(handler((p) => (p === 'x1' ? 'too-complex' : undefined)));
    try {
      const { report } = await runEngine({ cwd: repo.dir, engine: 'openai', task: TASK, env: fakeModelEnv(server) });
      const calls = workerCalls(server.log);
      expect(calls.map((e) => e.request.model)).toEqual([NANO]);
      expect(calls[0]!.request.schema.properties.escalate).toBeUndefined();
      expect(calls[0]!.request.schema.properties.items.properties.j1.properties.escalate).toBeUndefined();
      expect(JSON.stringify(calls[0]!.request.body)).not.toContain('escalate');
      expect(report.escalations).toBeUndefined();
      expect(report.jobs.succeeded).toBe(2);
    } finally {
      await server.close();
      repo.cleanup();
    }
  });

  it('with ladder.selfEscalate off the worker is not offered escalate and the report has no escalations', async () => {
    const repo = makeRepo({
      'src/math.ts': functions(2),
      'agents.config.ts': 'export default { packing: { maxJobs: 4 }, ladder: { selfEscalate: false } };\n',
    });
    const server = await startFakeOpenAI(handler(() => 'too-complex'));
    try {
      const { report } = await runEngine({ cwd: repo.dir, engine: 'openai', task: TASK, env: fakeModelEnv(server) });
      const [call] = workerCalls(server.log);
      expect(call!.request.schema.properties.escalate).toBeUndefined();
      expect(call!.request.schema.properties.items.properties.j1.properties.escalate).toBeUndefined();
      expect(JSON.stringify(call!.request.body)).not.toContain('escalate');
      expect(report.escalations).toBeUndefined();
    } finally {
      await server.close();
      repo.cleanup();
    }
  });
});

describe('escalationCap', () => {
  it('is ceil(share × jobs), at least 1 when the share is above 0, and 0 for a share of 0', () => {
    expect(escalationCap(6, 0.2).max).toBe(2);
    expect(escalationCap(3, 0.2).max).toBe(1);
    expect(escalationCap(1, 0.01).max).toBe(1);
    expect(escalationCap(100, 0.2).max).toBe(20);
    expect(escalationCap(100, 0).max).toBe(0);
  });

  it('counts the grants a journal restores: those jobs keep theirs, the others get only what is left', () => {
    const journal = new Journal(); // stands in for the run's journal file
    const log = escalationsOf(journal.asJournal(), [
      { t: 'escalation', job: 'j-a', reason: 'too-complex' },
      { t: 'job', id: 'j-b', event: 'started' },
    ]);
    const cap = escalationCap(5, 0.2, log);
    expect(cap).toMatchObject({ max: 1, granted: 1 });
    const ctx = { config: config(), escalationCap: cap };
    expect(offersEscalation('j-a', NANO, ctx)).toBe(true);
    expect(offersEscalation('j-b', NANO, ctx)).toBe(false);
    expect(escalationRefusal('j-b', NANO, ctx)).toBe("the run's ladder.maxSelfEscalations (1) is used up");
    expect(offersEscalation('j-a', MINI, ctx)).toBe(false);
    const fresh = escalationCap(5, 0.4, log);
    expect(offersEscalation('j-b', NANO, { config: config(), escalationCap: fresh })).toBe(true);
    log.record('j-b', 'unclear-task');
    expect(journal.records).toEqual([{ t: 'escalation', job: 'j-b', reason: 'unclear-task' }]);
    expect(escalationRefusal('j-a', NANO, { config: config({ escalate: false }), escalationCap: cap })).toBe(
      'ladder.escalate is off',
    );
  });
});

/** A journal that keeps its records in memory. */
class Journal {
  records: unknown[] = [];
  asJournal(): Parameters<typeof escalationsOf>[0] {
    return { append: (r: unknown) => this.records.push(r) } as never;
  }
}

/** The config fields escalation reads (the default ladder, nano worker, mini verifier). */
function config(ladder: Partial<{ escalate: boolean }> = {}): any {
  return {
    ladder: { retry: true, escalate: true, selfEscalate: true, maxSelfEscalations: 0.2, ...ladder },
    models: { worker: NANO, verifier: MINI },
  };
}
