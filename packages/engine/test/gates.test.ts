import { describe, expect, it } from 'vitest';
import { UsageLedger, type PlanStep } from '@orchestrate/core';
import { docstringKind } from '@orchestrate/jobs';
import { indexFiles } from '@orchestrate/repo';
import { runGates } from '../src/gates.js';
import { newJobState } from '../src/job-state.js';

const SOURCE = `export function a(): number {\n  return 1;\n}\n\nexport function b(): number {\n  return 2;\n}\n\nexport function c(): number {\n  return 3;\n}\n`;
const step: PlanStep = {
  id: 'step-1',
  kind: 'docstring',
  selector: { paths: [], declarationKinds: [], names: [], exportedOnly: false, missingDocsOnly: true },
  instructions: '',
};

function readyStates() {
  const files = indexFiles([{ path: 'src/x.ts', text: SOURCE }]);
  return docstringKind.select(step, files).map((target) => {
    const state = newJobState(target);
    state.edit = docstringKind.apply(target, docstringKind.offline(target));
    state.phase = 'ready';
    return state;
  });
}

describe('gates', () => {
  it('passes every job when the file-level proof holds', () => {
    const states = readyStates();
    runGates(states, { ledger: new UsageLedger({}, null) });
    expect(states.map((s) => s.phase)).toEqual(['ready', 'ready', 'ready']);
  });

  it('fails only the job whose edit changes code, and keeps the others', () => {
    const states = readyStates();
    const bad = states[1]!;
    bad.edit = { ...bad.edit!, text: `${bad.edit!.text}sneaky();\n` };
    runGates(states, { ledger: new UsageLedger({}, null) });
    expect(states.map((s) => s.status)).toEqual([null, 'failed', null]);
    expect(bad.error).toMatch(/^comment-only gate/);
  });

  it('fails a job whose target text no longer matches (stale), never applying it', () => {
    const states = readyStates();
    states[0]!.edit = { ...states[0]!.edit!, expect: 'export function zzz' };
    runGates(states, { ledger: new UsageLedger({}, null) });
    expect(states[0]!.status).toBe('failed');
    expect(states[0]!.error).toContain('changed since its context was read');
    expect(states.slice(1).map((s) => s.phase)).toEqual(['ready', 'ready']);
  });

  it('releases the verification hold of a job that fails a gate', () => {
    const ledger = new UsageLedger({ m: { input: 1, cachedInput: 1, output: 1 } }, 1);
    const states = readyStates();
    states[2]!.verifyHold = ledger.reserve('m', 1000, 0);
    states[2]!.edit = { ...states[2]!.edit!, text: `${states[2]!.edit!.text}x;\n` };
    runGates(states, { ledger });
    expect(ledger.reservedUsd()).toBe(0);
  });
});
