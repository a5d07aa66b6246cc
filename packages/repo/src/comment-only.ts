import { ts } from 'ts-morph';
import { commentDirectives, directiveTarget, parseErrorCount, pragmaSignature, scriptKindOf } from './ts-internals.js';

/** Result of the comment-only proof. */
export type CommentOnlyResult = { ok: true; tokens: number } | { ok: false; reason: string };

/**
 * Proves that `after` differs from `before` only in comments and whitespace: both are parsed by the TypeScript
 * parser and their syntax trees (every node's kind, every token's kind and text, read by the parser-driven scanner so
 * regular expressions, templates and JSX are tokenized correctly) must be identical, and neither may gain parse errors.
 * Comparing the tree, not just the token list, catches a line break (or a multi-line comment) that moves automatic
 * semicolon insertion, as between `return` and its value or before a postfix `++`. The comments the compiler reads must
 * not change either: pragmas (`/// <reference>`, `@jsx`, `@ts-nocheck`) and `@ts-ignore` / `@ts-expect-error`
 * directives, including which line of code each one covers.
 */
export function proveCommentOnly(file: string, before: string, after: string): CommentOnlyResult {
  const a = analyze(file, before);
  const b = analyze(file, after);
  if (b.parseErrors > a.parseErrors) return { ok: false, reason: `the edit introduces ${b.parseErrors - a.parseErrors} syntax error(s)` };
  const n = Math.min(a.stream.length, b.stream.length);
  for (let i = 0; i < n; i++) {
    if (a.stream[i] !== b.stream[i]) {
      return { ok: false, reason: `code changed: ${describe(a.stream[i])} became ${describe(b.stream[i])}` };
    }
  }
  if (a.stream.length !== b.stream.length) {
    return { ok: false, reason: `token count changed from ${a.leaves.length} to ${b.leaves.length}` };
  }
  if (a.pragmas !== b.pragmas) return { ok: false, reason: 'compiler pragmas in comments changed (/// <reference>, @jsx, @ts-check…)' };
  if (a.directives !== b.directives) {
    return { ok: false, reason: '@ts-ignore / @ts-expect-error directives changed or now cover a different line of code' };
  }
  return { ok: true, tokens: a.leaves.length };
}

/** Stream entries: a token is `<kind>\0<text>`; a node with children opens with `(<kind>` and closes with `)<kind>`. */
function describe(entry: string | undefined): string {
  if (entry === undefined) return 'nothing';
  if (entry[0] === '(' || entry[0] === ')') {
    return `${entry[0] === '(' ? 'start' : 'end'} of ${ts.SyntaxKind[Number(entry.slice(1))]}`;
  }
  const [kind, text] = entry.split('\u0000');
  return `${ts.SyntaxKind[Number(kind)]} ${JSON.stringify(text?.slice(0, 40))}`;
}


const isJsDoc = (node: ts.Node) => node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode;

interface Analysis {
  stream: string[];
  leaves: { start: number; end: number }[];
  parseErrors: number;
  pragmas: string;
  directives: string;
}

function analyze(file: string, text: string): Analysis {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKindOf(file));
  const stream: string[] = [];
  const leaves: Analysis['leaves'] = [];
  const visit = (node: ts.Node): void => {
    const children = node.getChildren(sf).filter((c) => !isJsDoc(c));
    if (children.length === 0) {
      if (node.kind === ts.SyntaxKind.SyntaxList) return;
      stream.push(`${node.kind}\u0000${node.getText(sf)}`);
      leaves.push({ start: node.getStart(sf), end: node.end });
      return;
    }
    stream.push(`(${node.kind}`);
    for (const child of children) visit(child);
    stream.push(`)${node.kind}`);
  };
  visit(sf);
  return {
    stream,
    leaves,
    parseErrors: parseErrorCount(sf),
    pragmas: pragmaSignature(sf),
    directives: commentDirectives(sf).map((d) => `${d.type}:${coveredTokens(sf, leaves, d.range.end)}`).join(';'),
  };
}

/**
 * The tokens on the line a directive ending at `end` covers: as the compiler does, the first line after it that is
 * neither blank nor a `//` comment (so a doc comment inserted between a directive and its code is a change).
 */
function coveredTokens(sf: ts.SourceFile, leaves: Analysis['leaves'], end: number): string {
  const { from, to } = directiveTarget(sf, end);
  const covered: number[] = [];
  leaves.forEach((t, i) => {
    if (t.start < to && t.end > from) covered.push(i);
  });
  return covered.join(',');
}
