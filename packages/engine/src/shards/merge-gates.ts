// The cheap deterministic gates a merge runs again on every file a shard's patch changed: no model, no tool process.
import { parseErrorCount, parseText, proveCommentOnly, proveFormattingOnly } from '@orchestrate/repo';

/** What the merge's gate says of one file. */
export type MergeGate = { ok: true } | { ok: false; reason: string };

const CODE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/**
 * Gates one merged file of a step against its text before the step (`before`, null for a new file): a docstring step
 * must change comments only (TS/JS only), a reformat step formatting only, and any step may not add syntax errors to a
 * TS/JS file. A deleted file fails, and so does a new file of a docstring or reformat step. Other steps' files of other
 * languages pass (the shard's own gates judged them; nothing cheap can re-prove them here).
 */
export function gateMergedFile(kind: string, file: string, before: string | null, after: string | null): MergeGate {
  if (after === null) return { ok: false, reason: 'the patch deletes the file' };
  if (before === null && (kind === 'docstring' || kind === 'reformat')) {
    return { ok: false, reason: `a ${kind} step never creates a file` };
  }
  if (!CODE_FILE.test(file)) {
    // Doc comments are written in TS/JS only: a docstring edit of any other file has no proof, so it is refused.
    return kind === 'docstring' ? { ok: false, reason: 'comment-only proof: not a TS/JS file' } : { ok: true };
  }
  const a = stripBom(after);
  if (before !== null && kind === 'docstring') {
    const proof = proveCommentOnly(file, stripBom(before), a);
    return proof.ok ? { ok: true } : { ok: false, reason: `comment-only proof: ${proof.reason}` };
  }
  if (before !== null && kind === 'reformat') {
    const proof = proveFormattingOnly(file, stripBom(before), a);
    return proof.ok ? { ok: true } : { ok: false, reason: `formatting-only proof: ${proof.reason}` };
  }
  const errorsBefore = before === null ? 0 : parseErrorCount(parseText(file, stripBom(before)));
  const errorsAfter = parseErrorCount(parseText(file, a));
  if (errorsAfter > errorsBefore) {
    return { ok: false, reason: `syntax check: the merged file has ${errorsAfter - errorsBefore} new syntax error(s)` };
  }
  return { ok: true };
}

function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}
