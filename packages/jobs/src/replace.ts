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
  const renamed = scopeProblem(target, target.file.text.slice(0, start) + text + target.file.text.slice(end), start);
  if (renamed) throw new JobRejected(renamed);
  return { ...emptyOutcome(), edits: [edit] };
}

/**
 * Why a replacement does not keep the declaration it was given (it declares another name), or null. Checked on the base
 * file with only this job's edit, where the declaration's offset is exact: in a file with other jobs' edits (the gate
 * proves all of a file's edits together, the commit proves the whole file) those edits shift it.
 */
function scopeProblem(target: JobTarget, after: string, offset: number): string | null {
  const name = target.declaration!.symbol.split('.').pop()!;
  if (name === 'default') return null;
  const at = declarationNameAt(target.file.path, after, offset);
  return at !== null && at !== name ? `scope: the change declares \`${at}\` where \`${name}\` was: it must keep the declaration it was given` : null;
}

/**
 * Gate: the file still parses as well as before. (That each replacement keeps its declaration's name is proven per job
 * in `applyReplacement`, where the offsets are exact.)
 */
export function gateReplacement(target: JobTarget, before: string, after: string): GateResult {
  const file = target.file.path;
  if (syntaxErrors(file, after) > syntaxErrors(file, before)) return { ok: false, gate: 'syntax', reason: 'the new code does not parse' };
  return { ok: true };
}
