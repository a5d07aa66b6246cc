// The Agents SDK tools over a stub RunManager: their strict schemas, nulls dropped before the manager, errors returned
// as `{ error: { code } }`, the abort signal handed on, and a real Agent calling `orchestrate` through the wire-level
// fake's function_call reply (Responses and chat completions, plain and streamed).
import { describe, it, expect, beforeAll, afterAll, beforeEach, vi } from 'vitest';
import { Agent, OpenAIProvider, Runner, RunContext } from '@openai/agents';
import { UsageError } from '@orchestrate/core';
import { DELEGATE_TOOLS, type RunManager } from '@orchestrate/engine';
import { orchestrateTool, orchestrateTools } from '../src/agents-tool.js';
import { startFakeOpenAI, type FakeRequest, type FakeServer } from '../../../test/fake/openai-server.js';

/** A result of the `run` tool, as the manager gives it (only what the tests read is realistic). */
const RESULT = { summary: 'Run r-1 completed.', finished: true, runId: 'r-1', status: 'completed' };

/** A RunManager whose methods record their arguments and answer from `impl` (or a small fixed object). */
function stubManager(impl: Partial<Record<keyof RunManager, (...args: any[]) => unknown>> = {}) {
  const calls: Array<{ method: string; args: any[] }> = [];
  const method =
    (name: keyof RunManager) =>
    async (...args: any[]) => {
      calls.push({ method: name, args });
      return (impl[name] ?? (() => ({ ...RESULT, method: name })))(...args);
    };
  const names = ['plan', 'start', 'status', 'wait', 'result', 'cancel', 'run', 'review', 'list', 'apply', 'undo'];
  const manager = Object.fromEntries(names.map((n) => [n, method(n as keyof RunManager)])) as unknown as RunManager;
  return { manager, calls };
}

async function invoke(t: { invoke: (...a: any[]) => Promise<unknown> }, args: unknown, signal?: AbortSignal) {
  const out = await t.invoke(new RunContext(), JSON.stringify(args), signal ? { signal } : undefined);
  return (typeof out === 'string' ? JSON.parse(out) : out) as any;
}

describe('orchestrateTools', () => {
  it('gives the six delegation tools with strict schemas: every field required, optional ones nullable', () => {
    const tools = orchestrateTools({ manager: stubManager().manager });
    expect(tools.map((t) => t.name)).toEqual(['plan', 'start_run', 'run_status', 'run_result', 'cancel_run', 'run']);
    for (const t of tools) {
      const input = DELEGATE_TOOLS[t.name as keyof typeof DELEGATE_TOOLS].input;
      const schema = t.parameters as any;
      expect(t.strict).toBe(true);
      expect(t.description.length).toBeGreaterThan(40);
      expect(schema.additionalProperties).toBe(false);
      expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(input.shape).sort());
      expect([...schema.required].sort()).toEqual(Object.keys(input.shape).sort());
      for (const [key, field] of Object.entries(input.shape)) {
        const nullable = (schema.properties[key].anyOf ?? []).some((s: any) => s.type === 'null');
        expect(nullable, `${t.name}.${key}`).toBe((field as any).safeParse(undefined).success);
      }
    }
  });

  it('drops the nulls of a strict call before the manager sees it, nested ones too', async () => {
    const { manager, calls } = stubManager();
    const start = orchestrateTools({ manager }).find((t) => t.name === 'start_run')!;
    const args = {
      task: 'add docstrings to src/',
      cwd: null,
      engine: 'offline',
      models: { planner: null, worker: 'gpt-5.4-nano', verifier: null },
      budgetUsd: null,
      concurrency: 4,
      batch: null,
      resume: null,
    };
    expect(await invoke(start, args)).toMatchObject({ method: 'start' });
    expect(calls).toEqual([
      {
        method: 'start',
        args: [
          { task: 'add docstrings to src/', engine: 'offline', models: { worker: 'gpt-5.4-nano' }, concurrency: 4 },
        ],
      },
    ]);
  });

  it('returns what the manager throws as { error: { code, message } }, escaped, never as a thrown error', async () => {
    const { manager } = stubManager({
      status: () => {
        throw new UsageError('no run r-9 in /repo\u001b[2J');
      },
      result: () => {
        throw new Error('boom');
      },
    });
    const tools = orchestrateTools({ manager });
    const status = await invoke(
      tools.find((t) => t.name === 'run_status')!,
      { runId: 'r-9', cwd: null, events: null, sinceSeq: null },
    );
    expect(status).toEqual({ error: { code: 'E_USAGE', message: 'no run r-9 in /repo\\u001b[2J' } });
    const result = await invoke(
      tools.find((t) => t.name === 'run_result')!,
      { runId: 'r-9', cwd: null, waitSec: null },
    );
    expect(result.error.code).toBe('E_INTERNAL');
    expect(result.error.message).toContain('boom');
  });

  it('answers arguments that do not fit the schema with E_USAGE and the limits, and the manager is not called', async () => {
    const { manager, calls } = stubManager();
    const plan = orchestrateTools({ manager }).find((t) => t.name === 'plan')!;
    const base = { task: 'x', cwd: null, engine: null, models: null, budgetUsd: null, concurrency: null };
    for (const bad of [
      { ...base, concurrency: 1.5 },
      { ...base, task: '' },
      { ...base, budgetUsd: -1 },
    ]) {
      const out = await invoke(plan, bad);
      expect(out.error.code).toBe('E_USAGE');
      // The SDK hides the zod issues by default (tool data is sensitive), and the model's schema had no bounds.
      expect(out.error.message).toContain('concurrency: an integer 1–256');
      expect(out.error.message).toContain('budgetUsd: > 0');
      expect(out.error.message).toContain('task: 1–20000 characters');
    }
    // Where tool data may be logged the SDK keeps the zod error, and the message says which field is wrong.
    process.env.OPENAI_AGENTS_DONT_LOG_TOOL_DATA = '0';
    try {
      const out = await invoke(plan, { ...base, concurrency: 1.5 });
      expect(out.error).toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('at concurrency') });
    } finally {
      delete process.env.OPENAI_AGENTS_DONT_LOG_TOOL_DATA;
    }
    expect(calls).toEqual([]);
  });

  it('hands the agent run’s abort signal to run and plan', async () => {
    const { manager, calls } = stubManager();
    const tools = orchestrateTools({ manager });
    const signal = new AbortController().signal;
    const knobs = { cwd: null, engine: null, models: null, budgetUsd: null, concurrency: null };
    await invoke(
      tools.find((t) => t.name === 'plan')!,
      { task: 'x', ...knobs },
      signal,
    );
    await invoke(
      tools.find((t) => t.name === 'run')!,
      { task: 'x', ...knobs, batch: null, resume: null, waitSec: 5 },
      signal,
    );
    expect(calls.map((c) => c.method)).toEqual(['plan', 'run']);
    expect(calls[0]!.args).toEqual([{ task: 'x' }, signal]);
    expect(calls[1]!.args).toEqual([{ task: 'x', waitSec: 5 }, { signal }]);
  });

  it('refuses options with neither roots nor a manager', () => {
    expect(() => orchestrateTools({})).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => orchestrateTool({ roots: [] })).toThrow(/roots/);
  });
});

describe('orchestrateTool', () => {
  it('is one blocking run tool named orchestrate, whose wait the program sets (not the model)', async () => {
    const { manager, calls } = stubManager();
    const t = orchestrateTool({ manager });
    expect(t.name).toBe('orchestrate');
    expect(t.strict).toBe(true);
    const props = Object.keys((t.parameters as any).properties).sort();
    expect(props).toEqual(
      Object.keys(DELEGATE_TOOLS.run.input.shape)
        .filter((k) => k !== 'waitSec')
        .sort(),
    );
    const signal = new AbortController().signal;
    await invoke(
      t,
      {
        task: 'x',
        cwd: null,
        engine: null,
        models: null,
        budgetUsd: null,
        concurrency: null,
        batch: null,
        resume: null,
      },
      signal,
    );
    expect(calls[0]).toEqual({ method: 'run', args: [{ task: 'x', waitSec: 3600 }, { signal }] });
    const named = orchestrateTool({ manager, name: 'bulk_edit', waitSec: 60 });
    expect(named.name).toBe('bulk_edit');
    await invoke(named, {
      task: 'y',
      cwd: '/r',
      engine: null,
      models: null,
      budgetUsd: null,
      concurrency: null,
      batch: null,
      resume: null,
    });
    expect(calls[1]!.args[0]).toEqual({ task: 'y', cwd: '/r', waitSec: 60 });
  });
});

/** The output a tool call sent back to the model (Responses `function_call_output`, chat `tool` message). */
function toolOutputOf(req: FakeRequest): string | null {
  const body = req.body as Record<string, any>;
  const item = Array.isArray(body.input) ? body.input.find((i: any) => i.type === 'function_call_output') : null;
  if (item) return typeof item.output === 'string' ? item.output : JSON.stringify(item.output);
  const message = Array.isArray(body.messages) ? body.messages.find((m: any) => m.role === 'tool') : null;
  return message ? String(message.content) : null;
}

describe.each([
  { api: 'responses', useResponses: true, stream: false },
  { api: 'responses', useResponses: true, stream: true },
  { api: 'chat', useResponses: false, stream: false },
  { api: 'chat', useResponses: false, stream: true },
] as const)('an Agent calling orchestrate through the fake ($api, stream: $stream)', ({ useResponses, stream }) => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeOpenAI();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.log.length = 0;
  });

  it('serves the function call, the SDK runs the tool, and the next request carries its result', async () => {
    const args = { task: 'add docstrings to src/', cwd: null, engine: null, models: null, budgetUsd: 0.5 };
    server.setHandler((req) => {
      const output = toolOutputOf(req);
      if (output === null) {
        return {
          functionCall: { name: 'orchestrate', arguments: { ...args, concurrency: null, batch: null, resume: null } },
        };
      }
      return { text: `Done: run ${JSON.parse(output).runId} is ${JSON.parse(output).status}.` };
    });
    const { manager, calls } = stubManager();
    const agent = new Agent({
      name: 'delegator',
      instructions: 'Delegate bulk edits to orchestrate.',
      model: 'delegator',
      tools: [orchestrateTool({ manager })],
    });
    const runner = new Runner({
      modelProvider: new OpenAIProvider({ baseURL: server.url, apiKey: 'test', useResponses }),
      tracingDisabled: true,
    });
    let final: unknown;
    if (stream) {
      const result = await runner.run(agent, 'Document src/.', { stream: true });
      for await (const _ of result.toStream());
      await result.completed;
      final = result.finalOutput;
    } else {
      final = (await runner.run(agent, 'Document src/.')).finalOutput;
    }
    expect(final).toBe('Done: run r-1 is completed.');
    expect(calls).toEqual([
      { method: 'run', args: [{ task: 'add docstrings to src/', budgetUsd: 0.5, waitSec: 3600 }, expect.anything()] },
    ]);
    expect(server.log).toHaveLength(2);
    expect(server.log.every((e) => e.request.model === 'delegator' && e.request.stream === stream)).toBe(true);
    const sent = (server.log[0]!.request.body as any).tools[0];
    expect(sent.name ?? sent.function?.name).toBe('orchestrate');
    expect(sent.strict ?? sent.function?.strict).toBe(true);
    expect(JSON.parse(toolOutputOf(server.log[1]!.request)!)).toMatchObject({ runId: 'r-1', status: 'completed' });
  });
});
