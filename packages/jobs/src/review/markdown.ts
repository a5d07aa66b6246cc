import { safeText } from '@orchestrate/core';
import type { Annotation } from './annotation.js';
import { countBySeverity, groupByFile, lineLabel, SEVERITIES } from './group.js';

/** Options for the Markdown report. */
export interface MarkdownOptions {
  /** The report's heading, e.g. `Review of main..feature`. */
  title: string;
}

const LABELS = { error: 'Errors', warning: 'Warnings', note: 'Notes' } as const;

/**
 * A Markdown review report (for a pull-request comment or a step summary): a table of counts by severity, then the
 * findings grouped by file. Model-written text is escaped so it cannot inject HTML, links or images.
 */
export function toMarkdown(annotations: readonly Annotation[], options: MarkdownOptions): string {
  const out = [`## ${markdownInline(options.title)}`, ''];
  if (annotations.length === 0) return [...out, 'No findings.', ''].join('\n');
  const counts = countBySeverity(annotations);
  out.push('| Severity | Count |', '| --- | ---: |');
  for (const s of SEVERITIES) out.push(`| ${LABELS[s]} | ${counts[s]} |`);
  out.push(`| **Total** | **${annotations.length}** |`);
  for (const [file, list] of groupByFile(annotations)) {
    out.push('', `### ${markdownCode(file)}`, '');
    for (const a of list) {
      const confidence = a.confidence !== undefined ? ` (confidence ${Math.round(a.confidence * 100)}%)` : '';
      out.push(
        `- **${a.severity}** ${lineLabel(a)} ${markdownCode(a.ruleId)}: ${markdownInline(a.message)}${confidence}`,
      );
      if (a.suggestion) out.push(`  - Suggestion: ${markdownInline(a.suggestion)}`);
    }
  }
  out.push('');
  return out.join('\n');
}

/** A zero-width space, as an entity: it breaks GitHub's mentions, issue references and autolinks without showing. */
const ZWSP = '&#8203;';

/** Control and bidi characters shown as `\uXXXX` (the terminal's rule), and the line and paragraph separators too. */
const visible = (text: string) =>
  safeText(text).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

/**
 * One line of Markdown from untrusted text: newlines folded, control and bidi characters shown as `\uXXXX`; a backtick
 * run that CommonMark closes (a later run of the same length) is kept as a code span, where nothing renders; every other
 * backtick and, outside code spans, HTML, link/image brackets, math and other inline markup characters are escaped, and
 * `@name`, `#123`, bare URLs and `www.` broken with a zero-width space so nothing pings a user, cross-references an
 * issue or links anywhere.
 */
export function markdownInline(text: string): string {
  const flat = visible(text.replace(/\s*[\r\n]+\s*/g, ' '));
  let out = '';
  let at = 0;
  const runs = /`+/g;
  for (let run = runs.exec(flat); run; run = runs.exec(flat)) {
    out += escapeText(flat.slice(at, run.index));
    const end = closingRun(flat, runs.lastIndex, run[0].length);
    if (end === -1) {
      // An unclosed run is literal backticks to CommonMark: escaped, so no later run can pair with it.
      out += '\\`'.repeat(run[0].length);
      at = runs.lastIndex;
    } else {
      out += flat.slice(run.index, end);
      at = runs.lastIndex = end;
    }
  }
  return out + escapeText(flat.slice(at));
}

/** Where the code span opened by a backtick run of `length` ending at `from` closes (after the closing run), or -1. */
function closingRun(text: string, from: number, length: number): number {
  const runs = /`+/g;
  runs.lastIndex = from;
  for (let m = runs.exec(text); m; m = runs.exec(text)) if (m[0].length === length) return runs.lastIndex;
  return -1;
}

/** Text outside code spans: markup characters escaped, then mentions, references and autolinks broken. */
function escapeText(text: string): string {
  return (
    text
      .replace(/[\\<>&[\]*_|!#~$]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`))
      // One pass: a second would find the `#` of the entities the first wrote.
      .replace(/@|#(?=[0-9])|:(?=\/\/)|\bwww(?=\.)/gi, (m) => `${m}${ZWSP}`)
  );
}

/** `text` as a code span, with a fence longer than any backtick run inside it (newlines folded, controls shown). */
export function markdownCode(text: string): string {
  const flat = visible(text.replace(/[\r\n]+/g, ' '));
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return longest || flat.startsWith(' ') || flat.endsWith(' ')
    ? `${fence} ${flat} ${fence}`
    : `${fence}${flat}${fence}`;
}
