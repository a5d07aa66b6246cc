import { z } from 'zod';
import type { Edit } from '@orchestrate/repo';
import { cleanCode, declarationNameAt, reindent, syntaxErrors } from './code-text.js';
import { emptyOutcome, JobRejected, type GateResult, type JobOutcome, type JobTarget } from './kind.js';

/** Worker output that rewrites one declaration: the whole new declaration, code only. */
export const replacementSchema = z.strictObject({
  code: z.string().describe('The complete new declaration (with its doc comment, if it has one), and nothing else.'),
});

/** The replacement output type. */
export type Replacement = z.infer<typeof replacementSchema>;

/** The span a declaration replacement covers: from its doc comment (if any) to its end. */
export function replacementSpan(target: JobTarget): { start: number; end: number } {
  const d = target.declaration!;
  return { start: d.docStart ?? d.start, end: d.end };
}

/** Turns a replacement into an edit of the declaration's own span; nothing outside it can change. */
export function applyReplacement(target: JobTarget, output: Replacement): JobOutcome {
  const d = target.declaration!;
  const { start, end } = replacementSpan(target);
  const code = cleanCode(output.code, 'code');
  if (!code.trim()) throw new JobRejected('the replacement is empty');
  const text = reindent(code, d.indent, target.file.eol).slice(d.indent.length);
  const edit: Edit = { owner: target.job.id, start, end, text, expect: target.file.text.slice(start, end) };
  return { ...emptyOutcome(), edits: [edit] };
}

/** Gate: the file still parses as well as before and the span still declares the same name. */
export function gateReplacement(target: JobTarget, before: string, after: string): GateResult {
  const file = target.file.path;
  if (syntaxErrors(file, after) > syntaxErrors(file, before)) return { ok: false, gate: 'syntax', reason: 'the new code does not parse' };
  const d = target.declaration;
  if (d) {
    const name = d.symbol.split('.').pop()!;
    const at = declarationNameAt(file, after, d.docStart ?? d.start);
    if (at !== null && at !== name && name !== 'default') {
      return { ok: false, gate: 'scope', reason: `the change declares \`${at}\` where \`${name}\` was: it must keep the declaration it was given` };
    }
  }
  return { ok: true };
}
