import { describe, expect, it } from 'vitest';
import type { RunEvent } from '@orchestrate/core';
import { createActionLog, logLine } from '../src/log.js';
import { memoryToolkit } from '../src/toolkit.js';

describe('logLine', () => {
  it.each([
    ['::set-output name=x::y'],
    ['\n::add-mask::secret'],
    ['ok\r::error::forged'],
    ['a\u2028::stop-commands::t'],
    ['orchestrate: ::warning::x'],
  ])('no line of %j starts with :: or breaks', (text) => {
    const line = logLine(text);
    expect(line.startsWith('orchestrate: ')).toBe(true);
    expect(line).not.toMatch(/[\r\n\u2028\u2029]/);
    expect(line.split('\n').every((l) => !l.startsWith('::'))).toBe(true);
  });

  it('escapes control and bidi characters, keeps the prefix once, cuts long lines', () => {
    expect(logLine('orchestrate: x')).toBe('orchestrate: x');
    expect(logLine('a\u001b[2Jb\u202ec')).toBe('orchestrate: a\\u001b[2Jb\\u202ec');
    const long = logLine('x'.repeat(5000));
    expect(long.length).toBeLessThan(4100);
    expect(long).toContain('(1000 more characters)');
  });
});

describe('createActionLog', () => {
  it("writes the engine's notes and a counters line at each phase, all escaped", () => {
    const kit = memoryToolkit();
    let t = 0;
    const log = createActionLog(kit, { now: () => (t += 1000) });
    const job = { id: 'j1', kind: 'docstring', target: { file: 'a.ts', symbol: 'f\n::error::x' } };
    const events = [
      { type: 'phase', phase: 'plan' },
      { type: 'expanded', jobs: [job], estimate: { jobs: 1, perModel: {}, costUsdLow: 0.001, costUsdHigh: 0.002 } },
      { type: 'phase', phase: 'work' },
      {
        type: 'usage',
        total: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 0 },
        costUsd: 0.01,
        budgetUsd: 0.5,
      },
      { type: 'warning', message: 'bad\n::error::x' },
      { type: 'job-end', job, status: 'succeeded', error: null },
      { type: 'phase', phase: 'verify' },
    ] as unknown as RunEvent[];
    for (const e of events) log.onEvent(e);
    log.line('problem: a\nb');
    expect(kit.lines.every((l) => l.startsWith('orchestrate: ') && !l.includes('\n'))).toBe(true);
    expect(kit.lines).toContain('orchestrate: plan');
    expect(kit.lines.some((l) => /^orchestrate: \[work\] 0\/1 jobs/.test(l))).toBe(true);
    expect(kit.lines.some((l) => /^orchestrate: \[verify\] 1\/1 jobs · 120 tokens · \$0\.0100 of \$0\.5/.test(l))).toBe(
      true,
    );
    expect(kit.lines.at(-1)).toBe('orchestrate: problem: a\\u000ab');
  });
});
