import path from 'node:path';
import { ts } from 'ts-morph';
import { applyEdits, parseErrorCount, scriptKindOf } from '@orchestrate/repo';
import type { JobKindModule, JobOutcome, JobTarget } from '../src/index.js';

/** No written text (an edit's text, a new file) may be longer than this. */
export const WRITTEN_CAP = 100_000;
/** No annotation message or suggestion may be longer than this. */
export const MESSAGE_CAP = 1_000;
/** No fix's replacement may be longer than this. */
export const FIX_CAP = 2_000;

/**
 * What must never reach a file or a report: C0 controls except tab and newline, DEL, C1, bidi embeddings, overrides
 * and isolates, and the line/paragraph separators (a line break to the parser, none to a reader).
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** What a safe outcome may contain, decided by code for one target: the span edits must stay in, the new file's path. */
export interface Bounds {
  /** Edits must lie inside this span of the target's file; null: the job may not edit at all. */
  span: { start: number; end: number } | null;
  /** The one new file the job may write (its path chosen by code); null: none. */
  newFile: string | null;
  /** A docstring job: the edit is one doc comment, proven comment-only by the kind's gate, with code's tags only. */
  commentOnly: boolean;
  /** The edits may not make the file name a module it did not (an `import(…)` type names another file). */
  noNewModules?: boolean;
}

/** Why one text may not be written, or null. */
function textProblem(what: string, text: string, eol: string, cap: number): string | null {
  if (text.length > cap) return `${what} is ${text.length} characters (cap ${cap})`;
  const bare = eol === '\r\n' ? text.replace(/\r\n/g, '\n') : text;
  const bad = UNSAFE.exec(bare.replace(/\t/g, ''));
  if (bad) return `${what} contains U+${bad[0].codePointAt(0)!.toString(16).padStart(4, '0')}`;
  return null;
}

/**
 * Every problem with an outcome (empty when it is safe): edits outside the span or changing code outside it, new files
 * at paths code did not choose, annotations off their hunk, unsafe characters, oversized text, a docstring that is not
 * comment-only or carries tags code did not write.
 */
export function problemsOf(
  kind: JobKindModule<never>,
  target: JobTarget,
  outcome: JobOutcome,
  bounds: Bounds,
): string[] {
  const out: string[] = [];
  const { file } = target;
  if (
    !outcome ||
    !Array.isArray(outcome.edits) ||
    !Array.isArray(outcome.newFiles) ||
    !Array.isArray(outcome.annotations)
  )
    return ['not an outcome'];
  for (const e of outcome.edits) {
    if (e.owner !== target.job.id) out.push(`edit owned by ${e.owner}`);
    if (!bounds.span) out.push('an edit from a job that may not edit');
    else if (e.start < bounds.span.start || e.end > bounds.span.end || e.start > e.end) {
      out.push(`edit [${e.start}, ${e.end}) outside the span [${bounds.span.start}, ${bounds.span.end})`);
    }
    const p = textProblem('edit text', e.text, file.eol, WRITTEN_CAP);
    if (p) out.push(p);
  }
  // An oversized edit is unsafe already; parsing megabytes to say more would only slow the fuzz down.
  if (outcome.edits.length && bounds.span && out.length === 0) {
    const applied = applyEdits(file.text, outcome.edits);
    if (applied.stale.length) out.push(`stale edits: ${applied.stale.map((s) => s.reason).join('; ')}`);
    out.push(...outsideChanges(file.path, file.text, applied.text, regionsOf(outcome.edits)));
    if (bounds.noNewModules) {
      const had = moduleRefs(file.path, file.text);
      const added = moduleRefs(file.path, applied.text).filter((m) => {
        const i = had.indexOf(m);
        return i === -1 || (had.splice(i, 1), false);
      });
      if (added.length) out.push(`the edit names modules the file did not: ${added.join(', ')}`);
    }
    if (bounds.commentOnly) out.push(...commentProblems(kind, target, outcome, applied.text));
  }
  for (const f of outcome.newFiles) {
    if (f.path !== bounds.newFile)
      out.push(`new file at ${JSON.stringify(f.path)} (code chose ${JSON.stringify(bounds.newFile)})`);
    const p = textProblem(`new file ${f.path}`, f.text, '\n', WRITTEN_CAP);
    if (p) out.push(p);
    else out.push(...testFileProblems(f.path, f.text, file.path));
  }
  if (outcome.newFiles.length > (bounds.newFile ? 1 : 0)) out.push(`${outcome.newFiles.length} new files`);
  for (const a of outcome.annotations) {
    const lines = target.lines;
    if (!lines) out.push('an annotation from a job without a hunk');
    else if (a.file !== file.path || a.line < lines.start || a.endLine < a.line || a.endLine > lines.end) {
      out.push(`annotation ${a.file}:${a.line}-${a.endLine} outside ${file.path}:${lines.start}-${lines.end}`);
    }
    for (const [what, text] of [
      ['message', a.message],
      ['suggestion', a.suggestion ?? ''],
      ['ruleId', a.ruleId],
    ] as const) {
      const p = textProblem(`annotation ${what}`, text, '\n', MESSAGE_CAP);
      if (p) out.push(p);
    }
    if (a.fix) out.push(...fixProblems(file.path, file.text, a.line, a.endLine, a.fix.replacement));
  }
  return out;
}

/** A fix (a suggestion a reviewer applies in one click) may hold no unsafe text and must leave the file parsing. */
function fixProblems(path: string, text: string, line: number, endLine: number, replacement: string): string[] {
  const p = textProblem('annotation fix', replacement, '\n', FIX_CAP);
  if (p) return [p];
  if (replacement.split('\n').length > 20 || endLine - line + 1 > 20) return ['a fix of more than 20 lines'];
  const lines = text.split('\n');
  const applied = [...lines.slice(0, line - 1), replacement, ...lines.slice(endLine)].join('\n');
  const errors = (t: string) =>
    parseErrorCount(ts.createSourceFile(`/${path}`, t, ts.ScriptTarget.Latest, false, scriptKindOf(path)));
  return errors(applied) > errors(text) ? ['a fix that breaks the parse'] : [];
}

/** The modules a text names: import/export specifiers, import types, `import(…)` and `require(…)`, `/// <reference>`. */
function moduleRefs(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKindOf(file));
  const out = sf.referencedFiles.map((r) => r.fileName);
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier)
      out.push(n.moduleSpecifier.getText(sf));
    else if (ts.isImportTypeNode(n)) out.push(n.argument.getText(sf));
    else if (
      ts.isCallExpression(n) &&
      (n.expression.kind === ts.SyntaxKind.ImportKeyword || n.expression.getText(sf) === 'require')
    ) {
      out.push(n.arguments[0]?.getText(sf) ?? '');
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

const isCallOf = (st: ts.Node, names: string[], sf: ts.SourceFile): st is ts.ExpressionStatement =>
  ts.isExpressionStatement(st) &&
  ts.isCallExpression(st.expression) &&
  names.includes(st.expression.expression.getText(sf));

/**
 * A generated test file is what code writes around the model's cases: imports of the runner, `node:assert` and the
 * source file only, then `describe(…)` blocks holding only `it(…)` cases. Model code that escapes its case shows here.
 */
function testFileProblems(testPath: string, text: string, source: string): string[] {
  const sf = ts.createSourceFile(testPath, text, ts.ScriptTarget.Latest, true, scriptKindOf(testPath));
  const out: string[] = [];
  const stem = (p: string) => p.replace(/\.[cm]?[jt]sx?$/, '');
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      const spec = (st.moduleSpecifier as ts.StringLiteral).text;
      const local = spec.startsWith('.') && stem(path.posix.join(path.posix.dirname(testPath), spec)) === stem(source);
      if (!local && !['vitest', 'node:test', 'node:assert/strict'].includes(spec))
        out.push(`the test file imports ${spec}`);
    } else if (!isCallOf(st, ['describe'], sf)) {
      out.push(`the test file has a top-level statement code did not write: ${st.getText(sf).slice(0, 60)}`);
    } else {
      const body = (st.expression as ts.CallExpression).arguments[1];
      const block = body && ts.isArrowFunction(body) && ts.isBlock(body.body) ? body.body : null;
      if (!block) out.push('a describe block without a body');
      for (const c of block?.statements ?? [])
        if (!isCallOf(c, ['it', 'it.todo'], sf)) out.push(`a describe block holds ${c.getText(sf).slice(0, 60)}`);
    }
  }
  return out;
}

/** The docstring's own checks: the kind's comment-only gate, one comment, code's tags and no others. */
function commentProblems(kind: JobKindModule<never>, target: JobTarget, outcome: JobOutcome, after: string): string[] {
  const out: string[] = [];
  const gate = kind.gate(target, target.file.text, after);
  if (!gate.ok) out.push(`gate ${gate.gate}: ${gate.reason}`);
  const comment = outcome.edits.map((e) => e.text).join('');
  const folded = fold(comment);
  if (count(folded, '*/') !== 1 || count(folded, '/*') !== 1)
    out.push(`the doc comment reads as ${count(folded, '/*')} openers and ${count(folded, '*/')} closers`);
  if (comment.includes('@internal'))
    out.push('the doc comment says @internal (stripInternal would drop the declaration)');
  const sf = ts.createSourceFile('doc.ts', `${comment}function probe() {}`, ts.ScriptTarget.Latest, true);
  const d = target.declaration!;
  const allowed = new Set([...d.params.map((p) => `param ${p.name}`), 'returns', 'throws']);
  const seen = new Set<string>();
  for (const tag of sf.statements[0] ? ts.getJSDocTags(sf.statements[0]) : []) {
    const name = ts.isJSDocParameterTag(tag) ? `param ${tag.name.getText(sf)}` : tag.tagName.text;
    if (!allowed.has(name) || seen.has(name)) out.push(`the doc comment has a tag code did not write: @${name}`);
    seen.add(name);
  }
  return out;
}

/** Comment delimiters as a reader sees them: look-alikes of `*` and `/` folded, invisible characters dropped. */
function fold(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, '')
    .replace(/[\u2217\u204e\u2731\ufe61\uff0a\u066d\u22c6]/g, '*')
    .replace(/[\u2215\u2044\uff0f\u29f8\u2571]/g, '/');
}

const count = (text: string, part: string) => text.split(part).length - 1;

/** One edit's region: `[start, end)` of the text before, `[newStart, newEnd)` of the text after. */
export interface Region {
  start: number;
  end: number;
  newStart: number;
  newEnd: number;
}

/** The regions of a set of edits (they do not overlap: applyEdits refuses overlapping ones). */
export function regionsOf(edits: readonly { start: number; end: number; text: string }[]): Region[] {
  let shift = 0;
  return [...edits]
    .sort((a, b) => a.start - b.start)
    .map((e) => {
      const r = { start: e.start, end: e.end, newStart: e.start + shift, newEnd: e.start + shift + e.text.length };
      shift += e.text.length - (e.end - e.start);
      return r;
    });
}

/**
 * How the code outside the edited regions was changed: every token and JSDoc node outside them, with the kinds and
 * positions of its ancestors, must be the same in both parses (a position counted from the end of the region before
 * it); none may straddle a region's boundary. That catches an edit that closes a block early, merges the next statement
 * into its own (a dropped `;`), or opens a string or comment that swallows what follows.
 */
export function outsideChanges(file: string, before: string, after: string, regions: readonly Region[]): string[] {
  const key = `${file}\u0000${JSON.stringify(regions.map((r) => [r.start, r.end]))}\u0000${before}`;
  const a =
    beforeLeaves.get(key) ??
    leaves(
      file,
      before,
      regions.map((r) => ({ start: r.start, end: r.end, empty: r.start === r.end })),
    );
  beforeLeaves.set(key, a);
  const b = leaves(
    file,
    after,
    regions.map((r) => ({ start: r.newStart, end: r.newEnd, empty: r.start === r.end })),
  );
  const out = b.straddling.map((s) => `a token straddles an edit's boundary: ${s}`);
  const i = a.outside.findIndex((v, k) => v !== b.outside[k]);
  if (i !== -1 || a.outside.length !== b.outside.length) {
    const at = i === -1 ? Math.min(a.outside.length, b.outside.length) : i;
    out.push(`code outside the edit changed: ${a.outside[at] ?? '(nothing)'} became ${b.outside[at] ?? '(nothing)'}`);
  }
  return out;
}

/** The leaves of the texts before the edits, by file, regions and text: each target's is the same case after case. */
const beforeLeaves = new Map<string, ReturnType<typeof leaves>>();

/**
 * The outside leaves of a parse, each keyed by its ancestors. A position before every region stays as it is, one after
 * region i is `Ei+offset`, one inside it `Ri`; for an insertion (`empty`), both ends of the inserted text are `Bi`, so a
 * node that ends where the text was inserted may take it in (a parameter that gains its type) or not.
 */
function leaves(file: string, text: string, regions: { start: number; end: number; empty: boolean }[]) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKindOf(file));
  const at = (p: number, isEnd: boolean): string | number => {
    for (let i = regions.length - 1; i >= 0; i--) {
      const r = regions[i]!;
      if (r.empty && (p === r.start || p === r.end)) return `B${i}`;
      if (p >= r.end) return `E${i}+${p - r.end}`;
      if (isEnd ? p > r.start : p >= r.start) return `R${i}`;
    }
    return p;
  };
  const out = { outside: [] as string[], straddling: [] as string[] };
  const walk = (node: ts.Node, ancestors: string[]): void => {
    const children = node.getChildren(sf);
    if (node.kind !== ts.SyntaxKind.SyntaxList)
      ancestors = [...ancestors, `${ts.SyntaxKind[node.kind]}@${at(node.getStart(sf), false)}-${at(node.end, true)}`];
    if (children.length) {
      for (const c of children) walk(c, ancestors);
      return;
    }
    const s = node.getStart(sf);
    if (node.kind === ts.SyntaxKind.SyntaxList || (s === node.end && node.kind !== ts.SyntaxKind.EndOfFileToken))
      return;
    const key = ancestors.join(' > ');
    if (regions.some((r) => (s < r.start && node.end > r.start) || (s < r.end && node.end > r.end)))
      out.straddling.push(key);
    else if (!regions.some((r) => r.end > r.start && s >= r.start && node.end <= r.end)) out.outside.push(key);
  };
  walk(sf, []);
  return out;
}
