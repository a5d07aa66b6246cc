import { describe, expect, it } from 'vitest';
import type { SummaryFinding } from '@orchestrate/engine';
import {
  COMMENT_LIMIT_CHARS,
  formatSummaryMarker,
  parseSummaryMarker,
  STEP_SUMMARY_LIMIT_BYTES,
  stepSummaryBody,
  summaryCommentBody,
  type SummaryInput,
  type SummaryMarker,
} from '../src/summary-comment.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const MARKER: SummaryMarker = { v: 1, kind: 'review', reviewed: SHA, run: '20261204-201823-ab12' };

const finding = (i: number, message = 'Loose equality coerces its operands.'): SummaryFinding => ({
  severity: i % 2 ? 'warning' : 'error',
  ruleId: 'eqeqeq',
  file: 'src/a.ts',
  line: i + 1,
  endLine: i + 1,
  message,
  state: 'posted',
  url: null,
});

const input = (over: Partial<SummaryInput> = {}): SummaryInput => ({
  marker: MARKER,
  title: 'orchestrate review',
  report: null,
  findings: [finding(0), finding(1)],
  notes: [],
  runUrl: 'https://github.com/acme/widgets/actions/runs/42',
  known: [],
  ...over,
});

describe('the summary marker', () => {
  it('round-trips, as the first line of the comment', () => {
    const line = formatSummaryMarker(MARKER);
    expect(line).toBe(
      `<!-- orchestrate:summary {"v":1,"kind":"review","reviewed":"${SHA}","run":"20261204-201823-ab12"} -->`,
    );
    expect(parseSummaryMarker(`${line}\n## orchestrate review\n`)).toEqual(MARKER);
    expect(parseSummaryMarker(`${line}\r\nbody`)).toEqual(MARKER);
    const task: SummaryMarker = { v: 1, kind: 'task', reviewed: null, run: null };
    expect(parseSummaryMarker(formatSummaryMarker(task))).toEqual(task);
  });

  it('writes a field that is not what it should be as null, so nothing can end the comment early', () => {
    const line = formatSummaryMarker({ v: 1, kind: 'review', reviewed: 'HEAD --> <b>', run: 'x --> y' });
    expect(line).toBe('<!-- orchestrate:summary {"v":1,"kind":"review","reviewed":null,"run":null} -->');
    expect(line.indexOf('-->')).toBe(line.length - 3);
  });

  it.each([
    ['not on the first line', `hello\n${formatSummaryMarker(MARKER)}`],
    ['text before it', `x ${formatSummaryMarker(MARKER)}`],
    ['bad JSON', '<!-- orchestrate:summary {"v":1,} -->'],
    ['another version', formatSummaryMarker(MARKER).replace('"v":1', '"v":2')],
    ['a short SHA', formatSummaryMarker(MARKER).replace(SHA, SHA.slice(0, 7))],
    ['an upper-case SHA', formatSummaryMarker(MARKER).replace(SHA, SHA.toUpperCase())],
    ['an unknown kind', formatSummaryMarker(MARKER).replace('"review"', '"other"')],
    ['an extra field', formatSummaryMarker(MARKER).replace('{"v":1', '{"x":1,"v":1')],
    ['a missing field', '<!-- orchestrate:summary {"v":1,"kind":"review","reviewed":null} -->'],
    ['an array', '<!-- orchestrate:summary [1] -->'],
    ['a finding marker', '<!-- orchestrate:finding {"v":1} -->'],
  ])('refuses a marker with %s', (_what, body) => {
    expect(parseSummaryMarker(body)).toBeNull();
  });
});

describe('summaryCommentBody / stepSummaryBody', () => {
  it('puts the marker first, then the summary with the link to the run', () => {
    const body = summaryCommentBody(input());
    expect(body.split('\n')[0]).toBe(formatSummaryMarker(MARKER));
    expect(parseSummaryMarker(body)).toEqual(MARKER);
    expect(body).toContain('## orchestrate review');
    expect(body).toContain('(https://github.com/acme/widgets/actions/runs/42)');
    const step = stepSummaryBody(input());
    expect(step).not.toContain('orchestrate:summary');
    expect(step).not.toContain('/actions/runs/42');
    expect(step.startsWith('## orchestrate review\n')).toBe(true);
  });

  it('redacts known values and secret patterns from every part of both', () => {
    const secret = ['ghp', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'].join('');
    const i = input({
      title: `review of ${secret}`,
      findings: [finding(0, `the key sk-known-abcdef123 and ${secret}`)],
      notes: ['push refused for sk-known-abcdef123'],
      known: ['sk-known-abcdef123'],
    });
    for (const body of [summaryCommentBody(i), stepSummaryBody(i)]) {
      expect(body).not.toContain(secret);
      expect(body).not.toContain('sk-known-abcdef123');
      expect(body).toContain('\\[redacted\\]');
    }
  });

  it('keeps the comment within 65,536 characters with the marker, the step summary within 1 MiB with every finding that fits', () => {
    const findings = Array.from({ length: 3_000 }, (_, i) => finding(i, `Ünïcödé 🚧 message number ${i} `.repeat(6)));
    const body = summaryCommentBody(input({ findings }));
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT_CHARS);
    expect(parseSummaryMarker(body)).toEqual(MARKER);
    expect(body).toMatch(/more findings are not shown here/);
    const step = stepSummaryBody(input({ findings }));
    expect(Buffer.byteLength(step, 'utf8')).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT_BYTES);
    expect(step.split('\n').filter((l) => /^\| (error|warning) \|/.test(l))).toHaveLength(3_000);
  });
});
