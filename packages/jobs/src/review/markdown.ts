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
 * One line of Markdown from untrusted text: newlines folded, control and bidi characters shown as `\uXXXX`; outside
 * `code spans`, HTML and link/image brackets and other inline markup characters escaped, and `@name`, `#123`, bare
 * URLs and `www.` broken with a zero-width space so nothing pings a user, cross-references an issue or links anywhere
 * (inside a code span nothing renders, so it is left as written).
 */
export function markdownInline(text: string): string {
  return visible(text.replace(/\s*[\r\n]+\s*/g, ' '))
    .split(/(`[^`]*`)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .replace(/[\\<>&[\]*_|!#~]/g, (c) =>
              c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`,
            )
            // One pass: a second would find the `#` of the entities the first wrote.
            .replace(/@|#(?=[0-9])|:(?=\/\/)|\bwww(?=\.)/gi, (m) => `${m}${ZWSP}`),
    )
    .join('');
}

/** `text` as a code span, with a fence longer than any backtick run inside it (newlines folded, controls shown). */
export function markdownCode(text: string): string {
  const flat = visible(text.replace(/[\r\n]+/g, ' '));
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return longest ? `${fence} ${flat} ${fence}` : `${fence}${flat}${fence}`;
}
