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
  for (let i = 0, token = 0; i < n; i++) {
    const code = a.stream[i];
    const isToken = code !== undefined && code < OPEN;
    if (code !== b.stream[i] || (isToken && !sameText(a, b, token))) {
      return { ok: false, reason: `code changed: ${describe(a, i, token)} became ${describe(b, i, token)}` };
    }
    if (isToken) token++;
  }
  if (a.stream.length !== b.stream.length) {
    return { ok: false, reason: `token count changed from ${a.starts.length} to ${b.starts.length}` };
  }
  if (a.pragmas !== b.pragmas) return { ok: false, reason: 'compiler pragmas in comments changed (/// <reference>, @jsx, @ts-check…)' };
  if (a.directives !== b.directives) {
    return { ok: false, reason: '@ts-ignore / @ts-expect-error directives changed or now cover a different line of code' };
  }
  return { ok: true, tokens: a.starts.length };
}

/**
 * Stream codes, numbers so that comparing two trees allocates nothing: a token is its `SyntaxKind` (its text is compared
 * separately), a node with children opens with `OPEN + kind` and closes with `CLOSE + kind`.
 */
const OPEN = 1024;
const CLOSE = 2048;

/** Whether the `token`-th tokens of the two files have the same source text, compared in place. */
function sameText(a: Analysis, b: Analysis, token: number): boolean {
  const aStart = a.starts[token] ?? 0;
  const bStart = b.starts[token] ?? 0;
  const length = (a.ends[token] ?? 0) - aStart;
  if ((b.ends[token] ?? 0) - bStart !== length) return false;
  for (let k = 0; k < length; k++) {
    if (a.text.charCodeAt(aStart + k) !== b.text.charCodeAt(bStart + k)) return false;
  }
  return true;
}

/** The `i`-th stream entry, readable (`token` is the index of the token it is, if it is one). */
function describe(analysis: Analysis, i: number, token: number): string {
  const code = analysis.stream[i];
  if (code === undefined) return 'nothing';
  if (code >= CLOSE) return `end of ${ts.SyntaxKind[code - CLOSE]}`;
  if (code >= OPEN) return `start of ${ts.SyntaxKind[code - OPEN]}`;
  const text = analysis.text.slice(analysis.starts[token], analysis.ends[token]);
  return `${ts.SyntaxKind[code]} ${JSON.stringify(text.slice(0, 40))}`;
}

interface Analysis {
  text: string;
  /** The tree as stream codes, in source order. */
  stream: number[];
  /** Where each token (a leaf of the tree) starts and ends, in stream order. */
  starts: number[];
  ends: number[];
  parseErrors: number;
  pragmas: string;
  directives: string;
}

/**
 * JSDoc is comment, so the proof never reads its parsed form (`node.jsDoc`) and skips parsing it; that parse cannot
 * change the tree or the parse errors (the parser discards JSDoc diagnostics from them).
 */
const jsDocParsingMode = ts.JSDocParsingMode.ParseNone;

/** Scans the punctuation and keywords between child nodes; one instance, as in TypeScript's own `getChildren`. */
const scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ true);

function analyze(file: string, text: string): Analysis {
  const sf = ts.createSourceFile(file, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode }, false, scriptKindOf(file));
  scanner.setText(text);
  scanner.setLanguageVariant(sf.languageVariant);
  const tree = new TreeStream(sf);
  tree.node(sf);
  scanner.setText(undefined);
  return {
    text,
    stream: tree.stream,
    starts: tree.starts,
    ends: tree.ends,
    parseErrors: parseErrorCount(sf),
    pragmas: pragmaSignature(sf),
    directives: commentDirectives(sf)
      .map((d) => `${d.type}:${coveredTokens(sf, tree, d.range.end)}`)
      .join(';'),
  };
}

/**
 * Flattens a syntax tree into stream codes the way `node.getChildren()` sees it, without allocating its token and
 * `SyntaxList` nodes: `forEachChild` yields the child nodes (never `node.jsDoc`, which is comment) and node arrays,
 * and the scanner reads the tokens in the gaps between them. A node with no children at all is a leaf, like a token.
 */
class TreeStream {
  readonly stream: number[] = [];
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  /** End of the current node's last child: where the next gap starts. */
  private pos = 0;
  /** Whether `forEachChild` reported a child (an empty node array counts, as its `SyntaxList` does). */
  private sawChild = false;

  constructor(private readonly sf: ts.SourceFile) {}

  node(node: ts.Node): void {
    if (node.kind < ts.SyntaxKind.FirstNode) return this.leaf(node);
    const open = this.stream.length;
    this.stream.push(OPEN + node.kind);
    this.pos = node.pos;
    this.sawChild = false;
    ts.forEachChild(node, this.child, this.list);
    const sawChild = this.sawChild;
    this.gap(this.pos, node.end);
    if (sawChild || this.stream.length > open + 1) {
      this.stream.push(CLOSE + node.kind);
    } else {
      this.stream.pop();
      this.leaf(node);
    }
  }

  private readonly child = (child: ts.Node): undefined => {
    this.gap(this.pos, child.pos);
    this.node(child);
    this.pos = child.end;
    this.sawChild = true;
    return undefined;
  };

  /** A node array: a `SyntaxList` holding its nodes and the separators between them, nothing if it has neither. */
  private readonly list = (nodes: ts.NodeArray<ts.Node>): undefined => {
    this.gap(this.pos, nodes.pos);
    const open = this.stream.length;
    this.stream.push(OPEN + ts.SyntaxKind.SyntaxList);
    let pos = nodes.pos;
    for (const node of nodes) {
      this.gap(pos, node.pos);
      this.node(node);
      pos = node.end;
    }
    this.gap(pos, nodes.end);
    if (this.stream.length > open + 1) this.stream.push(CLOSE + ts.SyntaxKind.SyntaxList);
    else this.stream.pop();
    this.pos = nodes.end;
    this.sawChild = true;
    return undefined;
  };

  /** The tokens that lie wholly in `[pos, end)`, as TypeScript's `addSyntheticNodes` finds them. */
  private gap(pos: number, end: number): void {
    if (pos >= end) return;
    scanner.resetTokenState(pos);
    while (pos < end) {
      const kind = scanner.scan();
      const tokenEnd = scanner.getTokenEnd();
      if (tokenEnd <= end) this.token(kind, scanner.getTokenStart(), tokenEnd);
      pos = tokenEnd;
      if (kind === ts.SyntaxKind.EndOfFileToken) break;
    }
  }

  /** A leaf node: its source text without leading trivia, except JSX text, where every character is rendered. */
  private leaf(node: ts.Node): void {
    this.token(node.kind, node.kind === ts.SyntaxKind.JsxText ? node.pos : node.getStart(this.sf), node.end);
  }

  private token(kind: ts.SyntaxKind, start: number, end: number): void {
    this.stream.push(kind);
    this.starts.push(start);
    this.ends.push(end);
  }
}

/**
 * The tokens on the line a directive ending at `end` covers: as the compiler does, the first line after it that is
 * neither blank nor a `//` comment (so a doc comment inserted between a directive and its code is a change).
 */
function coveredTokens(sf: ts.SourceFile, tree: TreeStream, end: number): string {
  const { from, to } = directiveTarget(sf, end);
  const covered: number[] = [];
  tree.starts.forEach((start, i) => {
    if (start < to && (tree.ends[i] ?? 0) > from) covered.push(i);
  });
  return covered.join(',');
}
