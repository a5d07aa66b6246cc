import { ts } from 'ts-morph';
import type { Edit } from './edits.js';
import { commentDirectives, directiveTarget, parseErrorCount, parseFile } from './ts-internals.js';

// Read once, on the first certificate (TypeScript is loaded when first used: see onFirstUse).
let SyntaxKind: typeof ts.SyntaxKind;
let forEachChild: typeof ts.forEachChild;
let triviaScanner: ts.Scanner;
/** The tokens between child nodes, read as the proof's tree walk reads them. */
let tokenScanner: ts.Scanner;
let TRIVIA: Set<ts.SyntaxKind>;

function readTs(): void {
  if (TRIVIA) return;
  ({ SyntaxKind, forEachChild } = ts);
  triviaScanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ false);
  tokenScanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ true);
  TRIVIA = new Set<ts.SyntaxKind>([
    SyntaxKind.WhitespaceTrivia,
    SyntaxKind.NewLineTrivia,
    SyntaxKind.SingleLineCommentTrivia,
    SyntaxKind.MultiLineCommentTrivia,
  ]);
}

/**
 * A cheaper certificate for the comment-only proof, for the edits a docstring job makes: when `after` is `before` with
 * `edits` applied, and every edit only rewrites the trivia (whitespace and comments) between two tokens of `before`'s
 * syntax tree into other complete trivia, the parser reads the same tokens from both texts, so their trees are equal
 * without parsing `after`. Each edit must keep, in its gap between two tokens:
 * - only whitespace and complete comments, and no `//` comment that would swallow the next token;
 * - a line break if and only if the gap had one (automatic semicolon insertion reads nothing else of the trivia),
 *   except before the first token;
 * - no joining with the token before (`/` then `/*`), and no gap that was empty (`>` `>` is rescanned as `>>`);
 * - no compiler-read comment text (`@ts-…`, `@jsx…`, `/// <reference>`) in the old or new gap, and no `@ts-ignore` /
 *   `@ts-expect-error` whose covered line the gap could change.
 * `false` means only "not shown this way": the caller then runs the full proof, which decides.
 */
export function triviaCertificate(file: string, before: string, after: string, edits: readonly Edit[]): boolean {
  readTs();
  if (edits.length === 0) return before === after;
  const sorted = [...edits].sort((x, y) => x.start - y.start || x.end - y.end);
  let rebuilt = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < at || e.end < e.start || e.end > before.length) return false;
    rebuilt += before.slice(at, e.start) + e.text;
    at = e.end;
  }
  if (rebuilt.length + before.length - at !== after.length || rebuilt + before.slice(at) !== after) return false;
  if (before.startsWith('#!') && sorted[0]!.start === 0) return false;

  const sf = parseFile(file, before);
  if (parseErrorCount(sf) > 0) return false;
  const directives = commentDirectives(sf).map((d) => ({ from: d.range.pos, to: directiveTarget(sf, d.range.end).to }));
  let lastGapEnd = -1;
  for (const e of sorted) {
    const gap = gapAt(sf, before, e.start);
    if (!gap || e.end > gap.end || gap.start <= lastGapEnd) return false; // two edits in one gap: not shown this way
    lastGapEnd = gap.end;
    const oldGap = before.slice(gap.start, gap.end);
    const newGap = before.slice(gap.start, e.start) + e.text + before.slice(e.end, gap.end);
    if (oldGap.length === 0 && gap.start > 0) return false;
    if (gap.start > 0 && before.charCodeAt(gap.start - 1) === SLASH && /^[/*]/.test(newGap)) return false;
    // Before the first token, no rule reads a line break (nothing precedes it to end a statement).
    if (gap.start > 0 && hasLineBreak(oldGap) !== hasLineBreak(newGap)) return false;
    if (COMPILER_READ.test(oldGap) || COMPILER_READ.test(newGap)) return false;
    if (directives.some((d) => d.from <= gap.end && d.to >= gap.start)) return false;
    if (!onlyTrivia(newGap, gap.end === before.length)) return false;
  }
  return true;
}

const SLASH = 0x2f;
/** Comment text the compiler reads: directives and pragmas. */
const COMPILER_READ = /@ts-|@jsx|@amd|<reference|<amd-/i;
const LINE_BREAK = /[\n\r\u2028\u2029]/;
const hasLineBreak = (text: string) => LINE_BREAK.test(text);

/** Whether `text`, read on its own, is whitespace and complete comments only, ending in none that runs to the line's end. */
function onlyTrivia(text: string, atEndOfFile: boolean): boolean {
  triviaScanner.setText(text);
  try {
    let last: ts.SyntaxKind = SyntaxKind.Unknown;
    for (let kind = triviaScanner.scan(); kind !== SyntaxKind.EndOfFileToken; kind = triviaScanner.scan()) {
      if (!TRIVIA.has(kind)) return false;
      if (kind === SyntaxKind.MultiLineCommentTrivia) {
        const comment = triviaScanner.getTokenText();
        if (comment.length < 4 || !comment.endsWith('*/')) return false; // unterminated
      }
      last = kind;
    }
    return last !== SyntaxKind.SingleLineCommentTrivia || atEndOfFile;
  } finally {
    triviaScanner.setText(undefined);
  }
}

type Gap = { start: number; end: number };
type Child = ts.Node | ts.NodeArray<ts.Node>;

/**
 * The trivia gap `[start, end]` of the syntax tree that `pos` lies in (between the end of one token and the start of the
 * next, both ends included), or null when `pos` is inside a token (an identifier, a string, a template, JSX text…).
 */
function gapAt(sf: ts.SourceFile, text: string, pos: number): Gap | null {
  let node: ts.Node = sf;
  let from = 0; // where `node`'s own tokens start
  descend: for (;;) {
    const children: ts.Node[] = [];
    const add = (c: Child): undefined => {
      if (Array.isArray(c)) children.push(...(c as ts.NodeArray<ts.Node>));
      else children.push(c as ts.Node);
      return undefined;
    };
    forEachChild(node, add, add);
    let regionStart = from;
    for (const c of children) {
      if (c.pos === c.end && c.kind !== SyntaxKind.EndOfFileToken) continue;
      if (pos < c.pos) return gapInTokens(sf, text, regionStart, c.pos, pos);
      const start = c.kind === SyntaxKind.JsxText ? c.pos : c.getStart(sf);
      if (pos <= start) return c.kind === SyntaxKind.JsxText ? null : { start: c.pos, end: start };
      if (pos < c.end) {
        if (c.kind < SyntaxKind.FirstNode) return null; // inside a token
        node = c;
        from = start;
        continue descend;
      }
      regionStart = c.end;
    }
    return gapInTokens(sf, text, regionStart, node.end, pos);
  }
}

/** The gap `pos` lies in among the tokens of `[from, to)`, which are a node's own (punctuation and keywords). */
function gapInTokens(sf: ts.SourceFile, text: string, from: number, to: number, pos: number): Gap | null {
  tokenScanner.setText(text);
  tokenScanner.setLanguageVariant(sf.languageVariant);
  try {
    tokenScanner.resetTokenState(from);
    let prevEnd = from;
    while (prevEnd < to) {
      const kind = tokenScanner.scan();
      const start = tokenScanner.getTokenStart();
      if (pos <= start) return start <= to ? { start: prevEnd, end: start } : null;
      const end = tokenScanner.getTokenEnd();
      if (pos < end || kind === SyntaxKind.EndOfFileToken) return null;
      prevEnd = end;
    }
    return null;
  } finally {
    tokenScanner.setText(undefined);
  }
}
