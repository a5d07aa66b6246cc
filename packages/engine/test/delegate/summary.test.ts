// The one-paragraph summaries: what happened and the next tool call, with repository and model text escaped.
import { describe, expect, it } from 'vitest';
import {
  cancelSummary,
  listSummary,
  planSummary,
  resultSummary,
  reviewSummary,
  startSummary,
  statusSummary,
  undoSummary,
  usd,
} from '../../src/delegate/summary.js';
import { capped, diffstatView, nextSteps, pendingView } from '../../src/delegate/views.js';

const ID = '20260101-000000-abcd';
const BASE = 'a'.repeat(40);
const commit = {
  sha: '5695be26'.padEnd(40, '0'),
  stepId: 's1',
  subject: 'docs: add docstrings to src/math.ts',
  jobs: 11,
  files: ['src/math.ts'],
};

function finished(over: Record<string, unknown> = {}) {
  return {
    ...pendingView({
      id: ID,
      finished: true,
      status: 'completed',
      baseCommit: BASE,
      branch: `orchestrate/${ID}`,
      commits: [commit],
      jobs: { total: 11, succeeded: 11, failed: 0, skipped: 0 },
      costUsd: 0.0123,
      budgetUsd: 1,
      error: null,
    }),
    diffstat: diffstatView([{ path: 'src/math.ts', added: 40, removed: 0 }]),
    ...over,
  };
}

describe('summaries', () => {
  it('a completed run: counts, the commit, the cost of the budget and the next steps', () => {
    expect(resultSummary(finished(), 'openai')).toBe(
      `Run ${ID} (openai engine) completed: 11 of 11 jobs succeeded; 1 commit on orchestrate/${ID} ` +
        `(5695be26 docs: add docstrings to src/math.ts); 1 files changed, +40 -0; $0.0123 of a $1.0000 budget. ` +
        `Look: \`git log -p ${BASE.slice(0, 12)}..orchestrate/${ID}\`; merge: apply_run ${ID}; discard: undo_run ${ID}.`,
    );
  });

  it('escapes control and bidi characters from model or repository text', () => {
    const hostile = { ...commit, subject: 'docs: \u001b[2J\u202Eevil' };
    const text = resultSummary(finished({ commits: [hostile] }), 'openai');
    expect(text).not.toMatch(/[\u001b\u202e]/);
    expect(text).toContain('\\u001b[2J\\u202eevil');
    const failed = resultSummary(
      finished({ error: { code: 'E_MODEL', message: 'line one\nline two\u0007' }, status: 'failed' }),
      null,
    );
    expect(failed).toBe(
      `Run ${ID} failed [E_MODEL]: line one line two\\u0007 Fix what the message says and start it again.`,
    );
  });

  it('an interrupted run names the resume; an unfinished one the tools to follow it', () => {
    const stopped = finished({ status: 'interrupted', next: nextSteps(ID, BASE, `orchestrate/${ID}`, 1, false) });
    expect(stopped.next.apply).toBeNull();
    expect(resultSummary(stopped, 'openai')).toContain(`finish it: start_run with resume: "${ID}"`);
    const going = pendingView({
      ...finished(),
      id: ID,
      finished: false,
      status: null,
      commits: [],
      jobs: { total: 4, succeeded: 1, failed: 0, skipped: 0 },
      error: null,
      costUsd: 0,
      budgetUsd: null,
      baseCommit: BASE,
      branch: null,
    });
    expect(resultSummary(going, null)).toContain('is still running: 1 of 4 jobs done so far');
    expect(
      cancelSummary({
        runId: ID,
        state: 'interrupted',
        commits: [commit],
        resumable: true,
        resume: `orchestrate resume ${ID}`,
      }),
    ).toContain('Resume it with');
    expect(cancelSummary({ runId: ID, state: 'stopping', commits: [], resumable: true, resume: null })).toContain(
      'is stopping',
    );
  });

  it('status, start, plan, review, list and undo say what to call next', () => {
    const status = {
      runId: ID,
      state: 'running' as const,
      finished: false,
      phase: 'work',
      jobs: { total: 10, done: 4, failed: 1, running: 2, queued: 4 },
      tokens: 100,
      costUsd: 0.5,
      budgetUsd: 2,
      elapsedMs: 1000,
      etaMs: 1500,
      throttled: null,
      events: [],
      nextSeq: 17,
      error: null,
    };
    expect(statusSummary(status)).toContain(
      '4 of 10 jobs done (1 failed, 2 running, 4 queued); $0.5000 of a $2.0000 budget, about 2 s left',
    );
    expect(statusSummary(status)).toContain('sinceSeq 17');
    expect(
      startSummary(
        { runId: ID, branch: `orchestrate/${ID}`, baseCommit: BASE, engine: 'openai', state: 'running' },
        false,
      ),
    ).toContain(`run_status ${ID}`);
    const plan = planSummary({
      runId: ID,
      engine: 'openai',
      steps: [{ id: 's1', kind: 'docstring', paths: ['src/'], instructions: '' }],
      jobs: { total: 3, listed: [], truncated: false },
      estimate: { costUsdLow: 0.01, costUsdHigh: 0.02, perModel: {} },
      plannerCostUsd: 0.001,
      warnings: [],
    });
    expect(plan).toContain('1 step (docstring in src/), 3 jobs, estimated $0.0100–$0.0200');
    expect(
      reviewSummary({
        runId: ID,
        reviewed: { base: null, head: null, label: 'abc..def', files: 2 },
        counts: { error: 0, warning: 0, note: 0 },
        annotations: [],
        truncated: false,
      }),
    ).toContain('no findings');
    expect(listSummary({ runs: [] })).toContain('No runs');
    expect(
      undoSummary({ runId: ID, branch: 'b', deletedBranch: true, removedWorktree: false, markedUndone: false }),
    ).toBe(`Run ${ID} undone: deleted b.`);
    expect(usd(0)).toBe('$0.0000');
  });

  it('caps keep the last entry for how many more there are', () => {
    expect(capped(['a', 'b', 'c'], 3, null)).toEqual(['a', 'b', 'c']);
    expect(capped(['a', 'b', 'c', 'd'], 3, '/r.json')).toEqual(['a', 'b', '… 2 more in /r.json']);
    const many = Array.from({ length: 250 }, (_, i) => ({ path: `f${i}`, added: 1, removed: -1 }));
    expect(diffstatView(many)).toMatchObject({ files: 250, insertions: 250, deletions: 0 });
    expect(diffstatView(many).perFile).toHaveLength(200);
  });
});
