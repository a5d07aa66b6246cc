// The MCP server in process, on a stub run manager: what a client sees of the tools, their results, errors, progress
// and cancellation, over the SDK's in-memory transport (the real manager is covered by stdio.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { EnvironmentError, REPORT_HINT, UsageError, type EventLine } from '@orchestrate/core';
import {
  DELEGATE_TOOLS,
  initialProgress,
  type PlanOutput,
  type ProgressListener,
  type ProgressState,
  type ResultOutput,
  type RunInput,
} from '@orchestrate/engine';
import { createMcpServer } from '../src/server.js';
import { ERROR_META } from '../src/results.js';
import type { DelegateManager } from '../src/tools.js';

const PLAN: PlanOutput = {
  summary: 'Plan: 1 docstring step, 2 jobs; estimated $0.0010–$0.0020.',
  runId: 'r-plan',
  engine: 'offline',
  steps: [{ id: 's1', kind: 'docstring', paths: ['src/a.ts'], instructions: '' }],
  jobs: {
    total: 2,
    listed: [
      { id: 'j1', kind: 'docstring', file: 'src/a.ts', symbol: 'a' },
      { id: 'j2', kind: 'docstring', file: 'src/a.ts', symbol: 'b' },
    ],
    truncated: false,
  },
  estimate: { costUsdLow: 0.001, costUsdHigh: 0.002, perModel: {} },
  plannerCostUsd: 0,
  warnings: [],
};

const RESULT: ResultOutput = {
  summary: 'Run r1 (offline engine) completed: 3 of 3 jobs succeeded.',
  finished: true,
  runId: 'r1',
  status: 'completed',
  branch: 'orchestrate/r1',
  baseCommit: 'a'.repeat(40),
  commits: [{ sha: 'b'.repeat(40), stepId: 's1', subject: 'docs: add docstrings', jobs: 3, files: ['src/a.ts'] }],
  diffstat: { files: 1, insertions: 9, deletions: 0, perFile: [{ path: 'src/a.ts', added: 9, removed: 0 }] },
  jobs: { total: 3, succeeded: 3, failed: 0, skipped: 0, unchanged: 0 },
  items: [],
  itemsTruncated: false,
  usage: {},
  costUsd: 0,
  budgetUsd: null,
  warnings: [],
  reportPath: '/tmp/r1/report.json',
  error: null,
  next: { look: 'git log -p a..b', apply: 'apply_run r1', undo: 'undo_run r1' },
};

/** A state after `done` of 3 jobs in `phase`. */
function state(phase: ProgressState['phase'], done: number): ProgressState {
  return { ...initialProgress(0), phase, total: phase === 'setup' ? 0 : 3, done, queued: 3 - done };
}

const line = (type: string, seq: number) =>
  ({ type, seq, run_id: 'r1', ts: new Date(0).toISOString() }) as unknown as EventLine;

let sawAbort = false;
const errors: string[] = [];
const stub = {
  plan: () => Promise.resolve(PLAN),
  start: () => Promise.reject(new EnvironmentError('E_NOT_GIT_REPO', 'not a git repository: /tmp/x\u001b[31m')),
  status: () => Promise.reject(new UsageError('no run r404 in this repository')),
  result: () => Promise.reject(new Error('boom')),
  cancel: () => Promise.reject(new Error('unused')),
  review: () => Promise.reject(new Error('unused')),
  list: () => Promise.reject(new Error('unused')),
  apply: () => Promise.reject(new Error('unused')),
  undo: () => Promise.reject(new Error('unused')),
  async run(input: RunInput, o: { signal?: AbortSignal; onProgress?: ProgressListener }) {
    if (input.task === 'wait for cancel') {
      o.onProgress?.(state('work', 0), line('phase.started', 0));
      await new Promise<void>((resolve) => o.signal?.addEventListener('abort', () => resolve()));
      sawAbort = true;
      return { ...RESULT, status: 'interrupted' };
    }
    const steps: Array<[ProgressState['phase'], number]> = [
      ['setup', 0],
      ['plan', 0],
      ['work', 0],
      ['work', 1],
      ['work', 2],
      ['verify', 2],
      ['commit', 3],
    ];
    steps.forEach(([phase, done], seq) => o.onProgress?.(state(phase, done), line('x', seq)));
    return RESULT;
  },
} satisfies DelegateManager;

let client: Client;
beforeAll(async () => {
  const server = createMcpServer(stub, {
    version: '9.9.9',
    progress: { throttleMs: 0 },
    logError: (text) => errors.push(text),
  });
  const [a, b] = InMemoryTransport.createLinkedPair();
  client = new Client({ name: 'test', version: '1' });
  await Promise.all([server.connect(a), client.connect(b)]);
});
afterAll(async () => client.close());

describe('orchestrate mcp (in process)', () => {
  it('lists every delegation tool with its input and output schema, hints and the instructions', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(DELEGATE_TOOLS).sort());
    for (const t of tools) {
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type).toBe('object');
      expect(t.outputSchema?.required).toContain('summary');
      expect(t.description?.length).toBeGreaterThan(40);
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.plan!.inputSchema.required).toEqual(['task']);
    expect(byName.plan!.annotations?.readOnlyHint).toBe(true);
    expect(byName.undo_run!.annotations?.destructiveHint).toBe(true);
    expect(byName.apply_run!.annotations?.readOnlyHint).toBe(false);
    expect(client.getServerVersion()).toMatchObject({ name: 'orchestrate', version: '9.9.9' });
    expect(client.getInstructions()).toContain('start_run');
  });

  it('returns the structured result, summary first, mirrored as one JSON text block', async () => {
    const res = await client.callTool({ name: 'plan', arguments: { task: 'add docstrings' } });
    expect(res.isError).toBeFalsy();
    expect(res.structuredContent).toEqual(PLAN);
    const content = res.content as Array<{ type: string; text: string }>;
    expect(content).toHaveLength(1);
    expect(JSON.parse(content[0]!.text)).toEqual(PLAN);
    expect(Object.keys(res.structuredContent!)[0]).toBe('summary');
  });

  it('turns a coded error into isError with the code in _meta and the text, no structuredContent, escaped', async () => {
    const res = await client.callTool({ name: 'start_run', arguments: { task: 'x' } });
    expect(res.isError).toBe(true);
    expect(res.structuredContent).toBeUndefined();
    expect(res._meta?.[ERROR_META]).toMatchObject({ code: 'E_NOT_GIT_REPO', exitCode: 2 });
    const [text, json] = (res.content as Array<{ text: string }>).map((c) => c.text);
    expect(text).toMatch(/^orchestrate error \[E_NOT_GIT_REPO\]: not a git repository/);
    expect(text).not.toContain('\u001b');
    expect(JSON.parse(json!).error.code).toBe('E_NOT_GIT_REPO');
  });

  it('names the run of a call that failed, and a bug is E_INTERNAL with how to report it', async () => {
    const status = await client.callTool({ name: 'run_status', arguments: { runId: 'r404' } });
    expect(status._meta?.[ERROR_META]).toMatchObject({ code: 'E_USAGE', runId: 'r404' });
    const bug = await client.callTool({ name: 'run_result', arguments: { runId: 'r1' } });
    expect(bug.isError).toBe(true);
    expect(bug._meta?.[ERROR_META]).toMatchObject({ code: 'E_INTERNAL', exitCode: 1 });
    expect((bug.content as Array<{ text: string }>)[0]!.text).toContain(REPORT_HINT);
    expect(errors.some((e) => e.includes('run_result') && e.includes('boom'))).toBe(true);
    expect(errors.some((e) => e.includes('r404'))).toBe(false);
  });

  it('refuses input outside the schema before the manager sees it', async () => {
    const res = await client.callTool({ name: 'plan', arguments: { task: '' } });
    expect(res.isError).toBe(true);
    expect((res.content as Array<{ text: string }>)[0]!.text).toMatch(/-32602|Input validation/);
  });

  it('sends progress that increases with every notification, with the total once known', async () => {
    const seen: Array<{ progress: number; total?: number; message?: string }> = [];
    const res = await client.callTool({ name: 'run', arguments: { task: 'go' } }, undefined, {
      onprogress: (p) => seen.push(p),
    });
    expect(res.structuredContent).toEqual(RESULT);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.progress).toBeGreaterThan(seen[i - 1]!.progress);
    expect(seen.at(-1)).toMatchObject({ progress: 3000, total: 3000 });
    expect(seen.at(-1)!.message).toContain('3/3 jobs');
  });

  it('sends no progress to a call that asked for none', async () => {
    const res = await client.callTool({ name: 'run', arguments: { task: 'go' } });
    expect(res.structuredContent).toEqual(RESULT);
  });

  it("hands the client's cancellation to the manager as the call's signal", async () => {
    const abort = new AbortController();
    const call = client.callTool({ name: 'run', arguments: { task: 'wait for cancel' } }, undefined, {
      signal: abort.signal,
      onprogress: () => abort.abort('user cancelled'),
    });
    await expect(call).rejects.toThrow();
    await expect.poll(() => sawAbort).toBe(true);
  });
});
