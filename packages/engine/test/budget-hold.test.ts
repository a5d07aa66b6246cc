// A verified job's hold covers its verifier view: the boilerplate bodies view shows the declaration's doc comment too.
import { describe, expect, it } from 'vitest';
import { resolveConfig, type PlanStep } from '@orchestrate/core';
import { jobKind, kindContextFor } from '@orchestrate/jobs';
import { indexFiles } from '@orchestrate/repo';
import { verifierItemInput } from '../src/job/budget.js';
import { estimateTokens } from '../src/tokens.js';
import { DOCSTRING_STEP } from './fixtures.js';

const DOC = `/**\n${Array.from({ length: 40 }, (_, i) => ` * Line ${i} of a long contract the body must follow.`).join('\n')}\n */\n`;
const FILE = `${DOC}export function add(a: number, b: number): number {\n  throw new Error('not implemented');\n}\n`;

describe('verifierItemInput', () => {
  it("counts the doc comment the bodies view shows: the hold covers the view of a body as long as the worker's cap", () => {
    const config = resolveConfig({ maxOutputTokens: { worker: 200 } });
    const kinds = kindContextFor(indexFiles([{ path: 'src/math.ts', text: FILE }]));
    const step: PlanStep = { ...DOCSTRING_STEP, kind: 'boilerplate', variant: 'bodies' };
    const [target] = jobKind('boilerplate').select(step, kinds);
    expect(target).toBeDefined();
    // A body of about the worker's whole output cap.
    const body = '\n  return a + b; // sum\n'.repeat(20);
    expect(estimateTokens(body)).toBeLessThanOrEqual(200);
    const view = jobKind('boilerplate').describeForVerifier(target!, {
      edits: [{ owner: 'j1', start: 0, end: 0, text: body, expect: '' }],
      newFiles: [],
      annotations: [],
    });
    expect(view).toContain('Line 39 of a long contract');
    const hold = verifierItemInput(target!, { config });
    expect(hold).toBeGreaterThanOrEqual(estimateTokens(view));
    expect(hold).toBeGreaterThan(estimateTokens(DOC) + 200);
  });
});
