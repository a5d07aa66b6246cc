import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { PlanStep } from '@orchestrate/core';
import { indexFiles } from '@orchestrate/repo';
import { kindContextFor, reviewKind, runRules, validateFix, type FixCandidate, type JobTarget } from '../src/index.js';

const STEP: PlanStep = {
  id: 'step-1',
  kind: 'review',
  variant: null,
  selector: {
    paths: [],
    declarationKinds: [],
    names: [],
    exportedOnly: false,
    missingDocsOnly: false,
    changedSince: 'HEAD~1',
  },
  instructions: '',
};

const FILE = [
  'export function f(a: unknown, b: unknown): boolean {', // 1
  '  if (a == b) {', // 2
  '    return true;', // 3
  '  }', // 4
  '  return a != null && b != 1;', // 5
  '}', // 6
  '',
].join('\n');

const candidate = (over: Partial<FixCandidate> = {}): FixCandidate => ({
  file: 'src/a.ts',
  text: FILE,
  line: 2,
  endLine: 2,
  replacement: '  if (a === b) {',
  within: { start: 2, end: 5 },
  ...over,
});

/** The review targets of FILE with lines `start`..`end` changed. */
function targets(
  start: number,
  end: number,
  text = FILE,
  file = 'src/a.ts',
): { target: JobTarget; ctx: ReturnType<typeof kindContextFor> } {
  const ctx = kindContextFor(indexFiles([{ path: file, text }]), { changed: new Map([[file, [{ start, end }]]]) });
  const [target] = reviewKind.select(STEP, ctx);
  return { target: target!, ctx };
}

const modelAnnotation = (over: Record<string, unknown> = {}) => ({
  line: 2,
  endLine: 2,
  severity: 'warning' as const,
  ruleId: 'loose-equality',
  message: 'Loose equality.',
  suggestion: null,
  replacement: '  if (a === b) {',
  confidence: 0.9,
  ...over,
});

describe('validateFix', () => {
  it('keeps an exact fix inside the hunk that parses and edits the lines', () => {
    expect(validateFix(candidate())).toEqual({ ok: true, fix: { replacement: '  if (a === b) {' } });
    // One final newline is forgiven; a multi-line replacement of a multi-line range is fine.
    expect(validateFix(candidate({ replacement: '  if (a === b) {\n' }))).toMatchObject({ ok: true });
    const twoLines = validateFix(
      candidate({ line: 2, endLine: 3, replacement: '  if (a === b) {\n    return Boolean(a);' }),
    );
    expect(twoLines).toEqual({ ok: true, fix: { replacement: '  if (a === b) {\n    return Boolean(a);' } });
  });

  it.each([
    [
      'more than 20 lines',
      { replacement: Array.from({ length: 21 }, () => '  if (a === b) {').join('\n') },
      /20 lines/,
    ],
    ['more than 2,000 characters', { replacement: `  if (a === b) { /* ${'x'.repeat(2_000)} */` }, /characters/],
    ['a control character', { replacement: '  if (a === b) {\u001b[2J' }, /control/],
    ['a bidi override', { replacement: '  if (a === b) {\u202e' }, /control/],
    ['a lone CR', { replacement: '  if (a === b) {\r' }, /control/],
    ['a zero-width space', { replacement: '  if (a =\u200b== b) {' }, /invisible/],
    ['a redaction placeholder', { replacement: '  if (a === "[REDACTED:secret#1]") {' }, /placeholder/],
    ['lines outside the hunk', { line: 1, endLine: 2 }, /leave the hunk/],
    ['lines past the end of the file', { within: { start: 2, end: 99 }, line: 9, endLine: 9 }, /leave the hunk/],
    ['an empty range', { line: 3, endLine: 2 }, /not a range/],
    ['no change', { replacement: '  if (a == b) {' }, /changes nothing/],
    ['a deletion', { replacement: '' }, /deletes/],
    ['a broken parse', { replacement: '  if (a === b {' }, /not parse/],
    ['prose', { replacement: 'Use strict equality here.' }, /does not edit|not parse/],
    ['unrelated code', { replacement: '  const x = 1;' }, /does not edit/],
  ])('drops a fix with %s', (_what, over, reason) => {
    const out = validateFix(candidate(over as Partial<FixCandidate>));
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.reason).toMatch(reason);
  });

  it('cannot check a file it cannot parse, so drops the fix there (a trusted rule fix is kept)', () => {
    const md = { file: 'README.md', text: 'a == b\n', line: 1, endLine: 1, within: { start: 1, end: 1 } };
    expect(validateFix({ ...md, replacement: 'a === b' })).toMatchObject({ ok: false, reason: /not TypeScript/ });
    expect(validateFix({ ...md, replacement: 'a === b', trusted: true })).toMatchObject({ ok: true });
  });

  it('keeps a fix in a CRLF file and a file that had parse errors before, when it adds none', () => {
    const crlf = FILE.replace(/\n/g, '\r\n');
    expect(validateFix(candidate({ text: crlf }))).toEqual({ ok: true, fix: { replacement: '  if (a === b) {' } });
    expect(validateFix(candidate({ text: crlf, replacement: '  if (a === b) {\r\n' }))).toMatchObject({ ok: true });
    const broken = `${FILE}export const z = ;\n`;
    expect(validateFix(candidate({ text: broken }))).toMatchObject({ ok: true });
    expect(validateFix(candidate({ text: broken, replacement: '  if (a === b {' }))).toMatchObject({ ok: false });
  });
});

describe('the review kind: a nullable replacement field, checked in code, dropped without the finding', () => {
  it('offers the field to the model as a nullable string', () => {
    const { target, ctx } = targets(2, 5);
    const schema = reviewKind.outputSchema(target, ctx);
    const json = JSON.stringify(z.toJSONSchema(schema));
    expect(json).toContain('"replacement"');
    expect(schema.safeParse({ annotations: [modelAnnotation({ replacement: null })] }).success).toBe(true);
    expect(schema.safeParse({ annotations: [modelAnnotation({ replacement: undefined })] }).success).toBe(false);
  });

  it('keeps a good model fix', async () => {
    const { target, ctx } = targets(2, 5);
    const out = await reviewKind.apply(target, { annotations: [modelAnnotation()] }, ctx);
    expect(out.annotations).toEqual([
      expect.objectContaining({ line: 2, endLine: 2, source: 'model', fix: { replacement: '  if (a === b) {' } }),
    ]);
  });

  it.each([
    ['breaks parsing', { replacement: '  if (a === b {' }],
    ['holds control characters', { replacement: '  if (a === b) {\u0007' }],
    ['is the fake model’s filler', { replacement: 'fake text' }],
    [
      'was written for lines beyond the hunk (the range was clamped)',
      { line: 4, endLine: 6, replacement: '  }\n  return false;\n}' },
    ],
  ])('drops a model fix that %s, and keeps the finding', async (_what, over) => {
    const { target, ctx } = targets(2, 5);
    const schemaFree = { annotations: [modelAnnotation(over)] };
    const out = await reviewKind.apply(target, schemaFree as never, ctx);
    expect(out.annotations).toHaveLength(1);
    expect(out.annotations[0]).not.toHaveProperty('fix');
    expect(out.annotations[0]!.message).toBe('Loose equality.');
  });

  it('reads an answer journaled before the field existed: the finding, no fix', async () => {
    const { target, ctx } = targets(2, 5);
    const { replacement: _none, ...old } = modelAnnotation();
    const out = await reviewKind.apply(target, { annotations: [old] } as never, ctx);
    expect(out.annotations).toEqual([expect.not.objectContaining({ fix: expect.anything() })]);
    expect(out.annotations[0]!.ruleId).toBe('loose-equality');
  });

  it('shows the verifier the fix it would offer', async () => {
    const { target, ctx } = targets(2, 5);
    const out = await reviewKind.apply(target, { annotations: [modelAnnotation()] }, ctx);
    expect(reviewKind.describeForVerifier(target, out)).toContain('fix for lines 2-2: "  if (a === b) {"');
  });
});

describe('eqeqeq gives an exact fix', () => {
  it('makes every loose operator on the line strict, leaving `== null` alone', () => {
    const found = runRules('src/a.ts', FILE, [{ start: 1, end: 6 }]).filter((a) => a.ruleId === 'eqeqeq');
    expect(found.map((a) => [a.line, a.fix])).toEqual([
      [2, { replacement: '  if (a === b) {' }],
      [5, { replacement: '  return a != null && b !== 1;' }],
    ]);
    const two = runRules('src/b.ts', 'export const t = (a: 1, b: 2) => [a == b, a != b];\r\n', [{ start: 1, end: 1 }]);
    expect(two.filter((a) => a.ruleId === 'eqeqeq').map((a) => a.fix?.replacement)).toEqual([
      'export const t = (a: 1, b: 2) => [a === b, a !== b];',
      'export const t = (a: 1, b: 2) => [a === b, a !== b];',
    ]);
  });

  it('survives the offline path into the outcome, where the fix is checked and kept', async () => {
    const { target, ctx } = targets(2, 5);
    const output = reviewKind.offline!(target, ctx);
    const out = await reviewKind.apply(target, output as never, ctx);
    expect(out.annotations.filter((a) => a.ruleId === 'eqeqeq')).toEqual([
      expect.objectContaining({ line: 2, source: 'rule', fix: { replacement: '  if (a === b) {' } }),
      expect.objectContaining({ line: 5, source: 'rule', fix: { replacement: '  return a != null && b !== 1;' } }),
    ]);
  });
});
