import { describe, expect, it } from 'vitest';
import { resolveConfig, UsageLedger } from '@orchestrate/core';
import { docstringKind, type JobOutcome } from '@orchestrate/jobs';
import type { Edit } from '@orchestrate/repo';
import { runGates } from '../src/job/gates.js';
import { newJobState } from '../src/job/state.js';
import { docstringTargets } from './fixtures.js';

const SOURCE = `export function a(): number {\n  return 1;\n}\n\nexport function b(): number {\n  return 2;\n}\n\nexport function c(): number {\n  return 3;\n}\n`;

function readyStates() {
  const { kinds: ctx, targets } = docstringTargets('src/x.ts', SOURCE);
  return targets.map((target) => {
    const state = newJobState(target);
    state.outcome = docstringKind.apply(target, docstringKind.offline(target, ctx) as never, ctx) as JobOutcome;
    state.phase = 'ready';
    return state;
  });
}

function gateCtx() {
  return { ledger: new UsageLedger({}, null), client: null, config: resolveConfig({}) };
}

/** Replaces the text of a job's single edit. */
function tamper(state: ReturnType<typeof readyStates>[number], change: (edit: Edit) => Edit) {
  state.outcome = { ...state.outcome!, edits: [change(state.outcome!.edits[0]!)] };
}

describe('gates', () => {
  it('passes every job when the file-level proof holds', () => {
    const states = readyStates();
    runGates(states, gateCtx());
    expect(states.map((s) => s.phase)).toEqual(['ready', 'ready', 'ready']);
  });

  it('fails only the job whose edit changes code, and keeps the others', () => {
    const states = readyStates();
    const bad = states[1]!;
    tamper(bad, (e) => ({ ...e, text: `${e.text}sneaky();\n` }));
    runGates(states, gateCtx());
    expect(states.map((s) => s.status)).toEqual([null, 'failed', null]);
    expect(bad.error).toMatch(/^comment-only gate/);
  });

  it('fails a job whose target text no longer matches (stale), never applying it', () => {
    const states = readyStates();
    tamper(states[0]!, (e) => ({ ...e, expect: 'export function zzz' }));
    runGates(states, gateCtx());
    expect(states[0]!.status).toBe('failed');
    expect(states[0]!.error).toContain('changed since its context was read');
    expect(states.slice(1).map((s) => s.phase)).toEqual(['ready', 'ready']);
  });

  it('releases the verification hold of a job that fails a gate', () => {
    const ledger = new UsageLedger({ m: { input: 1, cachedInput: 1, output: 1 } }, 1);
    const states = readyStates();
    states[2]!.verifyHold = ledger.reserve('m', 1000, 0);
    tamper(states[2]!, (e) => ({ ...e, text: `${e.text}x;\n` }));
    runGates(states, { ...gateCtx(), ledger });
    expect(ledger.reservedUsd()).toBe(0);
  });
});
