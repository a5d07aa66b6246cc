import { ts } from 'ts-morph';
import { z } from 'zod';
import { parseErrorCount, scriptKindOf, type Edit, type FileIndex } from '@orchestrate/repo';
import { cleanCode, declarationNameAt, reindent, syntaxErrors } from './code-text.js';
import { emptyOutcome, JobRejected, type GateResult, type JobOutcome, type JobTarget } from './kind.js';
import { capWritten } from './sanitize.js';

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
  const text = capWritten(reindent(code, d.indent, target.file.eol).slice(d.indent.length), 'the replacement');
  const edit: Edit = { owner: target.job.id, start, end, text, expect: target.file.text.slice(start, end) };
  const after = target.file.text.slice(0, start) + text + target.file.text.slice(end);
  const problem = closureProblem(target, text) ?? outsideProblem(target, after) ?? scopeProblem(target, after, start);
  if (problem) throw new JobRejected(problem);
  return { ...emptyOutcome(), edits: [edit] };
}

/** A class member is parsed in a class, a top-level declaration on its own. */
function standalone(target: JobTarget, text: string): { sf: ts.SourceFile; from: number } {
  const open = target.declaration!.symbol.includes('.') ? 'class __Member {\n' : '';
  const sf = ts.createSourceFile(
    target.file.path,
    `${open}${text}${open ? '\n}' : ''}`,
    ts.ScriptTarget.Latest,
    false,
    scriptKindOf(target.file.path),
  );
  return { sf, from: open.length };
}

/**
 * Why the replacement, parsed on its own, could reach past its end, or null: more parse errors than the original had
 * (an unterminated comment, string or template runs on into the code after it), or a final `//` comment that would
 * swallow the rest of the line it ends on.
 */
function closureProblem(target: JobTarget, text: string): string | null {
  const { start, end } = replacementSpan(target);
  const { sf, from } = standalone(target, text);
  if (parseErrorCount(sf) > parseErrorCount(standalone(target, target.file.text.slice(start, end)).sf))
    return 'the replacement does not parse on its own';
  const last = from + text.length;
  const [first] = sf.statements;
  const members = from && first && ts.isClassDeclaration(first) ? first.members : null;
  const tailAt = members ? (members[members.length - 1]?.end ?? from) : sf.endOfFileToken.pos;
  const tail = [
    ...(ts.getTrailingCommentRanges(sf.text, tailAt) ?? []),
    ...(ts.getLeadingCommentRanges(sf.text, tailAt) ?? []),
  ];
  const lineComment = tail.some((c) => c.kind === ts.SyntaxKind.SingleLineCommentTrivia && c.end === last);
  if (lineComment && !/^(\r?\n|$)/.test(target.file.text.slice(end)))
    return 'the replacement ends in a // comment that would swallow the rest of its line';
  return null;
}

/** The nodes a declaration is listed among (the file's statements, or its class's members) and the class, if any. */
function siblings(
  sf: ts.SourceFile,
  classStart: number | null,
): { list: readonly ts.Node[]; cls: ts.Node | null } | null {
  if (classStart === null) return { list: sf.statements, cls: null };
  const cls = sf.statements.find((s) => s.getStart(sf) === classStart);
  return cls && ts.isClassDeclaration(cls) ? { list: cls.members, cls } : null;
}

/** The base file's syntax tree, parsed once for all of its declarations' jobs. */
const baseTrees = new WeakMap<FileIndex, ts.SourceFile>();

/**
 * Why the replacement changes code around it, or null: in the file after the edit, the declaration's siblings before
 * and after it must be the same nodes (kind and span) as before, none may straddle the new text, and its class must
 * still end where it did. That refuses a brace that closes the class early, a dropped `;` that merges the next statement
 * into the declaration, and code that swallows a neighbour.
 */
function outsideProblem(target: JobTarget, after: string): string | null {
  const { file } = target;
  const { start, end } = replacementSpan(target);
  const delta = after.length - file.text.length;
  const parse = (text: string) =>
    ts.createSourceFile(file.path, text, ts.ScriptTarget.Latest, false, scriptKindOf(file.path));
  const a = baseTrees.get(file) ?? parse(file.text);
  baseTrees.set(file, a);
  const b = parse(after);
  const owner = target.declaration!.symbol.includes('.')
    ? a.statements.find((s) => s.getStart(a) < start && s.end >= end)
    : undefined;
  const was = siblings(a, owner ? owner.getStart(a) : null);
  const now = siblings(b, owner ? owner.getStart(a) : null);
  if (!was || !now || (was.cls && now.cls!.end !== was.cls.end + delta))
    return 'the replacement reaches outside its class';
  // The span grows to whole siblings (an exported arrow's span stops before its statement's `;`).
  let from = start;
  let to = end;
  for (const n of was.list) {
    if (n.end > start && n.getStart(a) < end) [from, to] = [Math.min(from, n.getStart(a)), Math.max(to, n.end)];
  }
  const key = (n: ts.Node, sf: ts.SourceFile, shift = 0) => `${n.kind}@${n.getStart(sf) + shift}-${n.end + shift}`;
  const before = [
    ...was.list.filter((n) => n.end <= from).map((n) => key(n, a)),
    '|',
    ...was.list.filter((n) => n.getStart(a) >= to).map((n) => key(n, a, delta)),
  ];
  const around: string[] = [];
  const rest: string[] = [];
  for (const n of now.list) {
    const s = n.getStart(b);
    if (n.end <= from) around.push(key(n, b));
    else if (s >= to + delta) rest.push(key(n, b));
    else if (s < from || n.end > to + delta) return 'the replacement merges with the code around it';
  }
  return before.join() === [...around, '|', ...rest].join() ? null : 'the replacement changes the code around it';
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
  return at !== null && at !== name
    ? `scope: the change declares \`${at}\` where \`${name}\` was: it must keep the declaration it was given`
    : null;
}

/**
 * Gate: the file still parses as well as before. (That each replacement keeps its declaration's name is proven per job
 * in `applyReplacement`, where the offsets are exact.)
 */
export function gateReplacement(target: JobTarget, before: string, after: string): GateResult {
  const file = target.file.path;
  if (syntaxErrors(file, after) > syntaxErrors(file, before))
    return { ok: false, gate: 'syntax', reason: 'the new code does not parse' };
  return { ok: true };
}
