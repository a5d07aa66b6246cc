import { safeText } from '@orchestrate/core';
import type { Annotation, Severity } from './annotation.js';
import { countBySeverity, groupByFile, SEVERITIES } from './group.js';

/** Options for terminal output. */
export interface TerminalOptions {
  /** Colour severities with ANSI escapes (for a TTY). @default false */
  color?: boolean;
}

const COLORS: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', note: '\x1b[36m' };
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/**
 * Annotations for a terminal, grouped by file: each finding with its line, severity, message and rule, the code line
 * under it (from `readLine`, which returns null when the line is not available), and the suggestion. Control and
 * bidirectional characters from the file or a model are shown escaped, never sent to the terminal.
 */
export function formatForTerminal(
  annotations: readonly Annotation[],
  readLine: (file: string, line: number) => string | null,
  options: TerminalOptions = {},
): string {
  const paint = (s: Severity | 'dim', text: string) =>
    options.color ? `${s === 'dim' ? DIM : COLORS[s]}${text}${RESET}` : text;
  const out: string[] = [];
  for (const [file, list] of groupByFile(annotations)) {
    out.push(safe(file));
    const width = Math.max(...list.map((a) => String(a.line).length));
    for (const a of list) {
      const where = String(a.line).padStart(width);
      out.push(
        `  ${where}  ${paint(a.severity, a.severity.padEnd(7))}  ${safe(a.message)}  ${paint('dim', `[${safe(a.ruleId)}]`)}`,
      );
      const code = readLine(a.file, a.line);
      if (code !== null) out.push(`  ${' '.repeat(width)}  ${paint('dim', '│')} ${safe(code.replace(/\r$/, ''))}`);
      if (a.suggestion) out.push(`  ${' '.repeat(width)}  ${paint('dim', '→')} ${safe(a.suggestion)}`);
    }
    out.push('');
  }
  const counts = countBySeverity(annotations);
  const parts = SEVERITIES.map((s) => `${counts[s]} ${s}${counts[s] === 1 ? '' : 's'}`);
  const total = annotations.length;
  out.push(total === 0 ? 'No findings.' : `${total} finding${total === 1 ? '' : 's'} (${parts.join(', ')})`);
  return out.join('\n') + '\n';
}

/** Text with newlines folded and control/bidi characters escaped, so nothing can move the cursor or recolour output. */
function safe(text: string): string {
  return safeText(text.replace(/\t/g, '  ').replace(/\s*[\r\n]+\s*/g, ' '));
}
