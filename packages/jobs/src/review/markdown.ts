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
  const out = [`## ${inline(options.title)}`, ''];
  if (annotations.length === 0) return [...out, 'No findings.', ''].join('\n');
  const counts = countBySeverity(annotations);
  out.push('| Severity | Count |', '| --- | ---: |');
  for (const s of SEVERITIES) out.push(`| ${LABELS[s]} | ${counts[s]} |`);
  out.push(`| **Total** | **${annotations.length}** |`);
  for (const [file, list] of groupByFile(annotations)) {
    out.push('', `### ${codeSpan(file)}`, '');
    for (const a of list) {
      const confidence = a.confidence !== undefined ? ` (confidence ${Math.round(a.confidence * 100)}%)` : '';
      out.push(`- **${a.severity}** ${lineLabel(a)} ${codeSpan(a.ruleId)}: ${inline(a.message)}${confidence}`);
      if (a.suggestion) out.push(`  - Suggestion: ${inline(a.suggestion)}`);
    }
  }
  out.push('');
  return out.join('\n');
}

/**
 * One line of Markdown from untrusted text: newlines folded; outside `code spans`, HTML and link/image brackets and
 * other inline markup characters escaped (inside a code span nothing renders, so it is left as written).
 */
function inline(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .split(/(`[^`]*`)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(/[\\<>&[\]*_|!#~]/g, (c) =>
            c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`,
          ),
    )
    .join('');
}

/** `text` as a code span, with a fence longer than any backtick run inside it. */
function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return longest ? `${fence} ${flat} ${fence}` : `${fence}${flat}${fence}`;
}
