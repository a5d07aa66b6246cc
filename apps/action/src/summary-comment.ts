// The sticky summary comment (found again by its hidden marker, edited in place) and the step summary: one renderer,
// two limits. The marker is the only state the action keeps on the pull request, so it is written and read strictly.
import { formatMarkdownSummary, type SummaryFinding } from '@orchestrate/engine';
import type { SummaryReport } from './types.js';
import { markerValue } from './comment-body.js';

/** GitHub refuses a comment body longer than this many characters. */
export const COMMENT_LIMIT_CHARS = 65_536;
/** GitHub refuses a step summary larger than this many bytes. */
export const STEP_SUMMARY_LIMIT_BYTES = 1_048_576;

/** What the summary comment remembers between runs: which kind of run wrote it, the head it reviewed, the run. */
export interface SummaryMarker {
  v: 1;
  kind: 'review' | 'task';
  /** The head commit the review covered (40 hex), so the next push reviews only what came after it. */
  reviewed: string | null;
  run: string | null;
}

/** What both summaries show. */
export interface SummaryInput {
  marker: SummaryMarker;
  title: string;
  report: SummaryReport | null;
  findings: SummaryFinding[];
  /** Plain text: problems (each saying what to do), the push result, the range. */
  notes: string[];
  /** The workflow run (its job summary holds every finding). */
  runUrl: string;
  /** Values never to be posted (the API key, the token). */
  known: readonly string[];
}

const PREFIX = '<!-- orchestrate:summary ';
const SUFFIX = ' -->';
const MARKER_LINE = /^<!-- orchestrate:summary (\{[^\n]{1,300}\}) -->$/;
const SHA = /^[0-9a-f]{40}$/;
/** A run id as the engine makes them (`20261204-201823-ab12`), or one a test names: nothing that can end a comment. */
const RUN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Whether a value is a marker the action could have written (every field checked, no other field). */
function isMarker(value: unknown): value is SummaryMarker {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const m = value as Record<string, unknown>;
  return (
    Object.keys(m).sort().join(',') === 'kind,reviewed,run,v' &&
    m.v === 1 &&
    (m.kind === 'review' || m.kind === 'task') &&
    (m.reviewed === null || (typeof m.reviewed === 'string' && SHA.test(m.reviewed))) &&
    (m.run === null || (typeof m.run === 'string' && RUN.test(m.run)))
  );
}

/**
 * `<!-- orchestrate:summary {"v":1,…} -->`, the first line of the summary comment. A field that is not what it should
 * be (a SHA that is not 40 hex, a run id with other characters) is written as null, so the marker always parses back.
 */
export function formatSummaryMarker(m: SummaryMarker): string {
  const clean: SummaryMarker = {
    v: 1,
    kind: m.kind === 'task' ? 'task' : 'review',
    reviewed: m.reviewed !== null && SHA.test(m.reviewed) ? m.reviewed : null,
    run: m.run !== null && RUN.test(m.run) ? m.run : null,
  };
  return `${PREFIX}${JSON.stringify(clean)}${SUFFIX}`;
}

/** The marker on a body's first line, or null when there is none or it is not exactly one the action writes. */
export function parseSummaryMarker(body: string): SummaryMarker | null {
  const value = markerValue(body.split('\n', 1)[0]!.replace(/\r$/, ''), MARKER_LINE);
  return isMarker(value) ? value : null;
}

/** The sticky comment: the marker, then the summary (redacted, escaped) within GitHub's 65,536 characters. */
export function summaryCommentBody(i: SummaryInput): string {
  const marker = formatSummaryMarker(i.marker);
  const summary = formatMarkdownSummary(i.report, {
    title: i.title,
    findings: i.findings,
    notes: i.notes,
    link: { text: 'Every finding is in the run’s job summary', url: i.runUrl },
    limit: { chars: COMMENT_LIMIT_CHARS - marker.length - 1 },
    known: i.known,
  });
  return `${marker}\n${summary}`;
}

/** The step summary (`$GITHUB_STEP_SUMMARY`): no marker, every finding that fits in 1 MiB. */
export function stepSummaryBody(i: SummaryInput): string {
  return formatMarkdownSummary(i.report, {
    title: i.title,
    findings: i.findings,
    notes: i.notes,
    link: null,
    limit: { bytes: STEP_SUMMARY_LIMIT_BYTES },
    known: i.known,
  });
}
