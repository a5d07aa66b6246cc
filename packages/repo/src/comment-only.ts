import { ts } from 'ts-morph';
import {
  commentDirectives,
  directiveTarget,
  parseErrorCount,
  parseFile,
  parseText,
  pragmaSignature,
} from './ts-internals.js';

// Read once, on the first proof (TypeScript is loaded when first used: see onFirstUse): in the CLI's bundle every
// `ts.x` is a getter call, and the walk below reads these for every node.
let SyntaxKind: typeof ts.SyntaxKind;
let forEachChild: typeof ts.forEachChild;
/** Reads the tokens between child nodes; one instance for all files, as TypeScript's own `getChildren` has. */
let scanner: ts.Scanner | undefined;

function readTs(): ts.Scanner {
  if (scanner) return scanner;
  ({ SyntaxKind, forEachChild } = ts);
  return (scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ true));
}

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
  // `before` is nearly always the text the index parsed: its tree is reused. Both trees are parsed with the same options.
  const a = analyze(parseFile(file, before), before);
  const b = analyze(parseText(file, after), after);
  if (b.parseErrors > a.parseErrors)
    return { ok: false, reason: `the edit introduces ${b.parseErrors - a.parseErrors} syntax error(s)` };
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
  if (a.pragmas !== b.pragmas)
    return { ok: false, reason: 'compiler pragmas in comments changed (/// <reference>, @jsx, @ts-check…)' };
  if (a.directives !== b.directives) {
    return {
      ok: false,
      reason: '@ts-ignore / @ts-expect-error directives changed or now cover a different line of code',
    };
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

function analyze(sf: ts.SourceFile, text: string): Analysis {
  const scanner = readTs();
  scanner.setText(text);
  scanner.setLanguageVariant(sf.languageVariant); // as the parser read it: in JSX, `</` is one token
  const tree = new TreeStream(sf);
  tree.walk(sf);
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

/** A child `forEachChild` reports: a node, or a node array (which `getChildren` wraps in a `SyntaxList`). */
type Child = ts.Node | ts.NodeArray<ts.Node>;

/** In `TreeStream`'s work list: a child still to enter. Otherwise the entry is an entered child's exit. */
const ENTER = -1;

/**
 * Flattens a syntax tree into stream codes as `node.getChildren()` would see it, without allocating its token and
 * `SyntaxList` nodes (the cost of this proof): `forEachChild` yields the child nodes (never `node.jsDoc`, which is
 * comment) and node arrays, and the scanner reads the punctuation and keywords in the gaps between them. It keeps a work
 * list rather than recursing because generated code can nest thousands deep (long `+` or call chains).
 */
class TreeStream {
  readonly stream: number[] = [];
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  /** Children to enter and entered children to exit, the next one last. */
  private readonly todo: Child[] = [];
  /** Per `todo` entry: `ENTER`, or for an exit the index of its open code times 2, plus 1 if `forEachChild` saw children. */
  private readonly marks: number[] = [];
  /** The children of the node being entered, as `forEachChild` reports them. */
  private readonly found: Child[] = [];
  /** End of the last child walked: where the next gap starts. */
  private pos = 0;

  constructor(private readonly sf: ts.SourceFile) {}

  /** Streams `root` and everything in it. */
  walk(root: ts.Node): void {
    this.push(root, ENTER);
    for (let child = this.todo.pop(); child !== undefined; child = this.todo.pop()) {
      const mark = this.marks.pop() ?? ENTER;
      if (mark === ENTER) this.enter(child);
      else this.exit(child, mark);
    }
  }

  /** Before the first child: the tokens up to the start and the open code, then the children to enter, in order. */
  private enter(child: Child): void {
    this.gap(this.pos, child.pos);
    this.pos = child.pos;
    if (isNodeArray(child)) {
      this.push(child, this.stream.length * 2);
      this.stream.push(OPEN + SyntaxKind.SyntaxList);
      for (let i = child.length - 1; i >= 0; i--) this.push(child[i]!, ENTER);
    } else if (child.kind < SyntaxKind.FirstNode) {
      this.leaf(child);
      this.pos = child.end;
    } else {
      forEachChild(child, this.find, this.find);
      this.push(child, this.stream.length * 2 + (this.found.length > 0 ? 1 : 0));
      this.stream.push(OPEN + child.kind);
      while (this.found.length > 0) this.push(this.found.pop()!, ENTER);
    }
  }

  /** After the last child: the tokens up to the end and the close code; a node with no children at all is a leaf. */
  private exit(child: Child, mark: number): void {
    this.gap(this.pos, child.end);
    const open = mark >> 1;
    const kind = isNodeArray(child) ? SyntaxKind.SyntaxList : child.kind;
    if ((mark & 1) === 1 || this.stream.length > open + 1) {
      this.stream.push(CLOSE + kind);
    } else {
      this.stream.pop();
      // An empty node array is an empty `SyntaxList`, which has no tokens: nothing.
      if (!isNodeArray(child)) this.leaf(child);
    }
    this.pos = child.end;
  }

  private readonly find = (child: Child): undefined => {
    this.found.push(child);
    return undefined;
  };

  private push(child: Child, mark: number): void {
    this.todo.push(child);
    this.marks.push(mark);
  }

  /** The tokens that lie wholly in `[pos, end)`, as TypeScript's `addSyntheticNodes` finds them. */
  private gap(pos: number, end: number): void {
    if (pos >= end) return;
    const scanner = readTs();
    scanner.resetTokenState(pos);
    while (pos < end) {
      const kind = scanner.scan();
      const tokenEnd = scanner.getTokenEnd();
      if (tokenEnd <= end) this.token(kind, scanner.getTokenStart(), tokenEnd);
      pos = tokenEnd;
      if (kind === SyntaxKind.EndOfFileToken) break;
    }
  }

  /** A leaf node: its source text without leading trivia, except JSX text, where every character is rendered. */
  private leaf(node: ts.Node): void {
    this.token(node.kind, node.kind === SyntaxKind.JsxText ? node.pos : node.getStart(this.sf), node.end);
  }

  private token(kind: ts.SyntaxKind, start: number, end: number): void {
    this.stream.push(kind);
    this.starts.push(start);
    this.ends.push(end);
  }
}

const isNodeArray = (child: Child): child is ts.NodeArray<ts.Node> => Array.isArray(child);

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
