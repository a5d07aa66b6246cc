import { ts } from 'ts-morph';
import {
  commentDirectives,
  directiveTarget,
  onFirstUse,
  parseErrorCount,
  pragmaSignature,
  scriptKindOf,
} from './ts-internals.js';

/** Result of the formatting-only proof. */
export type FormatProofResult = { ok: true } | { ok: false; reason: string };

/**
 * Proves that `after` differs from `before` only as a code formatter's output may: both are parsed by the TypeScript
 * parser and their syntax trees must match node for node and token for token, after normalising exactly what prettier
 * and Biome rewrite without changing meaning:
 * - string literals compare by value (`'a'` = `"a"`, `'\d'` = `'d'`); untagged templates by cooked value, tagged
 *   ones by raw text (a tag sees it); JSX attribute strings with `&quot;` / `&apos;` decoded;
 * - numbers by value (`1.50` = `1.5`, `0XFF` = `0xff`, `.5` = `0.5`, `1..x` = `(1).x`), bigints by value;
 * - property names by the key they define (`'a': 1` = `a: 1`, `'1'` = `1`, but `'1e3'` ≠ `1e3`), except a class's
 *   `constructor`, where `'constructor'` and `constructor` are both the constructor;
 * - regular-expression flags by set (`/x/gi` = `/x/ig`);
 * - optional `;` and `,` tokens (terminators, separators, trailing commas, interface `,` vs `;`), leading `|` / `&` of
 *   a union or intersection (and a one-member union or intersection itself), empty statements in a statement list and
 *   stray `;` class members — the tokens go, the nodes stay, so `a\n[b]` against `a;\n[b]` (one statement or two) still
 *   differs;
 * - redundant parentheses: `(…)` expressions and types are unwrapped (the tree keeps the precedence, `OptionalChain`
 *   flags keep `(a?.b).c` apart from `a?.b.c`; a JSDoc cast `/** @type {T} *\/ (x)` is kept); the optional parens of
 *   an arrow's parameter list and of `new X` / `new X()`;
 * - JSX text by its value under JSX's whitespace rules with runs of spaces collapsed, `{" "}` counting as text:
 *   prettier treats JSX whitespace as HTML does (it rewraps text and writes `{" "}` at line ends), so `a   b` and
 *   `a b` are the same to it (not inside a CSS `white-space: pre` element, which is the formatter's risk, not ours).
 * Everything else — node kinds, identifiers, keywords, operators, literal values, their order — must be equal, parse
 * errors must not increase, and comments must be the same multiset (indentation inside block comments aside), with
 * pragmas, the shebang, directive prologues (`'use strict'`) and `@ts-ignore` / `@ts-expect-error` (what line of code
 * each covers) unchanged.
 */
export function proveFormattingOnly(file: string, before: string, after: string): FormatProofResult {
  const a = analyze(file, before);
  const b = analyze(file, after);
  if (b.parseErrors > a.parseErrors)
    return { ok: false, reason: `the edit introduces ${b.parseErrors - a.parseErrors} syntax error(s)` };
  const n = Math.max(a.stream.length, b.stream.length);
  for (let i = 0; i < n; i++) {
    if (a.stream[i] !== b.stream[i]) {
      return { ok: false, reason: `code changed: ${describe(a.stream[i])} became ${describe(b.stream[i])}` };
    }
  }
  const missing = difference(a.comments, b.comments);
  const added = difference(b.comments, a.comments);
  if (missing.length || added.length) {
    const show = (c: string | undefined) => JSON.stringify((c ?? '').slice(0, 60));
    return {
      ok: false,
      reason: missing.length
        ? `comment ${show(missing[0])} was removed or changed`
        : `comment ${show(added[0])} was added`,
    };
  }
  if (a.pragmas !== b.pragmas || a.shebang !== b.shebang)
    return { ok: false, reason: 'compiler pragmas or the shebang changed' };
  if (a.directives !== b.directives) {
    return {
      ok: false,
      reason: '@ts-ignore / @ts-expect-error directives changed or now cover a different line of code',
    };
  }
  return { ok: true };
}

/** Stream entries: a token is `<tag>\0<value>`; a node with children opens with `(<kind>` and closes with `)<kind>`. */
function describe(entry: string | undefined): string {
  if (entry === undefined) return 'nothing';
  if (entry[0] === '(' || entry[0] === ')') {
    const chain = entry.endsWith('?') ? ' (in an optional chain)' : '';
    return `${entry[0] === '(' ? 'start' : 'end'} of ${ts.SyntaxKind[Number(entry.slice(1).replace('?', ''))]}${chain}`;
  }
  const [tag, text] = entry.split('\u0000');
  return `${/^\d+$/.test(tag ?? '') ? ts.SyntaxKind[Number(tag)] : tag} ${JSON.stringify(text?.slice(0, 40))}`;
}

function difference(xs: string[], ys: string[]): string[] {
  const left = new Map<string, number>();
  for (const y of ys) left.set(y, (left.get(y) ?? 0) + 1);
  return xs.filter((x) => {
    const count = left.get(x) ?? 0;
    left.set(x, count - 1);
    return count <= 0;
  });
}

const isJsDoc = (node: ts.Node) =>
  node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode;
const isJsxText = (node: ts.Node) =>
  node.kind === ts.SyntaxKind.JsxText || node.kind === ts.SyntaxKind.JsxTextAllWhiteSpaces;
/** A JSDoc type cast `/** @type {T} *\/ (x)`: in JavaScript the parentheses are what make it a cast. */
const isJsDocCast = (node: ts.Node) =>
  ((node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? []).some((doc) =>
    doc.tags?.some((t) => /^(type|satisfies)$/.test(t.tagName.text)),
  );

/** Declarations whose `name` (and binding elements whose `propertyName`) define a property key. */
const keyedKinds = onFirstUse(
  () =>
    new Set<ts.SyntaxKind>([
      ...[
        ts.SyntaxKind.PropertyAssignment,
        ts.SyntaxKind.PropertyDeclaration,
        ts.SyntaxKind.PropertySignature,
        ts.SyntaxKind.MethodDeclaration,
        ts.SyntaxKind.MethodSignature,
      ],
      ...[ts.SyntaxKind.GetAccessor, ts.SyntaxKind.SetAccessor, ts.SyntaxKind.EnumMember],
    ]),
);

interface Leaf {
  start: number;
  end: number;
  entry: string;
}

interface Analysis {
  stream: string[];
  comments: string[];
  parseErrors: number;
  pragmas: string;
  shebang: string;
  directives: string;
}

function analyze(file: string, text: string): Analysis {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKindOf(file));
  const stream: string[] = [];
  const leaves: Leaf[] = [];
  const token = (node: ts.Node, entry: string) => {
    stream.push(entry);
    leaves.push({ start: node.getStart(sf), end: node.end, entry });
  };
  const visit = (node: ts.Node, parent: ts.Node | undefined): void => {
    if (node.kind === ts.SyntaxKind.ParenthesizedExpression && !isJsDocCast(node))
      return visit((node as ts.ParenthesizedExpression).expression, parent);
    if (node.kind === ts.SyntaxKind.ParenthesizedType) return visit((node as ts.ParenthesizedTypeNode).type, parent);
    if ((ts.isUnionTypeNode(node) || ts.isIntersectionTypeNode(node)) && node.types.length === 1)
      return visit(node.types[0]!, parent);
    if (node.kind === ts.SyntaxKind.SemicolonClassElement) return;
    if (node.kind === ts.SyntaxKind.EmptyStatement && parent?.kind === ts.SyntaxKind.SyntaxList) return;
    if (
      node.kind === ts.SyntaxKind.SyntaxList &&
      parent &&
      (parent.kind === ts.SyntaxKind.JsxElement || parent.kind === ts.SyntaxKind.JsxFragment)
    ) {
      return visitJsxChildren(node);
    }
    const children = node.getChildren(sf).filter((c) => !isJsDoc(c));
    if (children.length === 0) {
      if (node.kind === ts.SyntaxKind.SyntaxList || optionalToken(node, parent)) return;
      return token(node, leafEntry(node, parent, sf));
    }
    if (ts.isExpressionStatement(node) && isPrologueDirective(node))
      token(node, `directive\u0000${node.expression.getText(sf).slice(1, -1)}`);
    const open = `${node.kind}${node.flags & ts.NodeFlags.OptionalChain ? '?' : ''}`;
    stream.push(`(${open}`);
    for (const child of children) visit(child, node);
    stream.push(`)${open}`);
  };
  const visitJsxChildren = (list: ts.Node) => {
    let run = '';
    let first: ts.Node | undefined;
    const flush = () => {
      if (run && first) token(first, `jsx\u0000${collapse(run)}`);
      run = '';
      first = undefined;
    };
    for (const child of list.getChildren(sf)) {
      const space =
        ts.isJsxExpression(child) &&
        child.expression &&
        ts.isStringLiteral(child.expression) &&
        !child.expression.text.trim();
      if (isJsxText(child) || space) {
        first ??= child;
        run += isJsxText(child)
          ? cleanJsxText((child as ts.JsxText).text)
          : (child as ts.JsxExpression & { expression: ts.StringLiteral }).expression.text;
      } else {
        flush();
        visit(child, list);
      }
    }
    flush();
  };
  visit(sf, undefined);
  return {
    stream,
    comments: collectComments(sf),
    parseErrors: parseErrorCount(sf),
    pragmas: pragmaSignature(sf),
    shebang: /^#!.*/.exec(text)?.[0].trimEnd() ?? '',
    directives: commentDirectives(sf)
      .map((d) => `${d.type}:${coveredTokens(sf, leaves, d.range.end)}`)
      .join(';'),
  };
}

/** Tokens a formatter may add or drop: the tree around them says the same either way. */
function optionalToken(node: ts.Node, parent: ts.Node | undefined): boolean {
  const p = parent?.kind;
  switch (node.kind) {
    case ts.SyntaxKind.SemicolonToken:
      return p !== ts.SyntaxKind.ForStatement;
    case ts.SyntaxKind.CommaToken:
      return p !== ts.SyntaxKind.BinaryExpression;
    case ts.SyntaxKind.OpenParenToken:
    case ts.SyntaxKind.CloseParenToken:
      return p === ts.SyntaxKind.ArrowFunction || p === ts.SyntaxKind.NewExpression;
    case ts.SyntaxKind.BarToken:
    case ts.SyntaxKind.AmpersandToken:
      return (
        p === ts.SyntaxKind.SyntaxList &&
        (parent?.parent?.kind === ts.SyntaxKind.UnionType || parent?.parent?.kind === ts.SyntaxKind.IntersectionType)
      );
    default:
      return false;
  }
}

function leafEntry(node: ts.Node, parent: ts.Node | undefined, sf: ts.SourceFile): string {
  const real = node.parent;
  const keyed =
    real &&
    ((keyedKinds().has(real.kind) && (real as ts.NamedDeclaration).name === node) ||
      (ts.isBindingElement(real) && real.propertyName === node));
  if (keyed && (ts.isIdentifier(node) || ts.isStringLiteral(node) || ts.isNumericLiteral(node))) {
    const key = ts.isNumericLiteral(node) ? String(Number(node.text)) : node.text;
    if (key !== 'constructor' || !real.parent || !ts.isClassLike(real.parent)) return `key\u0000${key}`;
  }
  // `'constructor'() {}` is the constructor too (a token the parser did not make a node of, so it has no `.text`).
  if (
    parent?.kind === ts.SyntaxKind.Constructor &&
    (node.kind === ts.SyntaxKind.ConstructorKeyword || node.kind === ts.SyntaxKind.StringLiteral)
  ) {
    return `${ts.SyntaxKind.ConstructorKeyword}\u0000constructor`;
  }
  switch (node.kind) {
    case ts.SyntaxKind.StringLiteral: {
      const value = (node as ts.StringLiteral).text ?? node.getText(sf);
      return `${ts.SyntaxKind.StringLiteral}\u0000${parent?.kind === ts.SyntaxKind.JsxAttribute ? value.replaceAll('&quot;', '"').replaceAll('&apos;', "'") : value}`;
    }
    case ts.SyntaxKind.NumericLiteral:
      return `${ts.SyntaxKind.NumericLiteral}\u0000${String(Number((node as ts.NumericLiteral).text))}`;
    case ts.SyntaxKind.BigIntLiteral:
      return `${ts.SyntaxKind.BigIntLiteral}\u0000${BigInt((node as ts.BigIntLiteral).text.slice(0, -1).replaceAll('_', ''))}`;
    case ts.SyntaxKind.RegularExpressionLiteral: {
      const raw = node.getText(sf);
      const slash = raw.lastIndexOf('/');
      return `${node.kind}\u0000${raw.slice(0, slash + 1)}${[...raw.slice(slash + 1)].sort().join('')}`;
    }
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
    case ts.SyntaxKind.TemplateHead:
    case ts.SyntaxKind.TemplateMiddle:
    case ts.SyntaxKind.TemplateTail:
      return isTagged(node)
        ? `${node.kind}\u0000raw:${node.getText(sf).replace(/\r\n?/g, '\n')}`
        : `${node.kind}\u0000${(node as ts.TemplateLiteralLikeNode).text}`;
    case ts.SyntaxKind.JsxText:
    case ts.SyntaxKind.JsxTextAllWhiteSpaces:
      return `jsx\u0000${collapse(cleanJsxText((node as ts.JsxText).text))}`;
    default:
      return `${node.kind}\u0000${node.getText(sf)}`;
  }
}

function isTagged(node: ts.Node): boolean {
  let template: ts.Node = node;
  if (ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) template = node.parent.parent;
  else if (ts.isTemplateHead(node)) template = node.parent;
  return ts.isTaggedTemplateExpression(template.parent);
}

/** A `'use strict'`-style directive: a string statement at the head of its statement list (raw text matters there). */
function isPrologueDirective(node: ts.ExpressionStatement): boolean {
  if (!ts.isStringLiteral(node.expression)) return false;
  const list = (node.parent as { statements?: ts.NodeArray<ts.Statement> }).statements;
  if (!list) return false;
  for (const statement of list) {
    if (statement === node) return true;
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) return false;
  }
  return false;
}

/** Runs of JSX whitespace as one space, as prettier prints them. */
const collapse = (text: string) => text.replace(/[ \t\n\r]+/g, ' ');

/** JSX text as the runtime sees it (Babel's and TypeScript's rule): lines trimmed, blank lines dropped, joined by a space. */
function cleanJsxText(text: string): string {
  const lines = text.split(/\r\n|\n|\r/);
  let lastNonEmpty = 0;
  lines.forEach((line, i) => {
    if (/[^ \t]/.test(line)) lastNonEmpty = i;
  });
  let out = '';
  lines.forEach((line, i) => {
    let trimmed = line.replace(/\t/g, ' ');
    if (i !== 0) trimmed = trimmed.replace(/^ +/, '');
    if (i !== lines.length - 1) trimmed = trimmed.replace(/ +$/, '');
    if (trimmed) out += i === lastNonEmpty ? trimmed : `${trimmed} `;
  });
  return out;
}

/**
 * Every comment, read from the trivia before each token of the parser's own tokenization (so `//` inside a string,
 * regex, template or JSX text is not a comment); block comments are compared line by line without indentation.
 */
function collectComments(sf: ts.SourceFile): string[] {
  const text = sf.text;
  const seen = new Map<number, string>();
  const scan = (pos: number) => {
    for (const range of [
      ...(ts.getLeadingCommentRanges(text, pos) ?? []),
      ...(ts.getTrailingCommentRanges(text, pos) ?? []),
    ]) {
      if (!seen.has(range.pos))
        seen.set(
          range.pos,
          text
            .slice(range.pos, range.end)
            .split(/\r\n|\n|\r|\u2028|\u2029/)
            .map((l) => l.trim())
            .join('\n'),
        );
    }
  };
  const visit = (node: ts.Node): void => {
    const children = node.getChildren(sf).filter((c) => !isJsDoc(c));
    if (children.length === 0) {
      if (!isJsxText(node)) scan(node.pos);
      return;
    }
    for (const child of children) visit(child);
  };
  visit(sf);
  return [...seen.values()];
}

/**
 * What a directive ending at `end` covers: as the compiler does, the first line after it that is neither blank nor a
 * `//` comment, identified by the index and normalised text of the tokens on it.
 */
function coveredTokens(sf: ts.SourceFile, leaves: Leaf[], end: number): string {
  const { from, to } = directiveTarget(sf, end);
  const covered: string[] = [];
  leaves.forEach((t, i) => {
    if (t.start < to && t.end > from) covered.push(`${i}=${t.entry}`);
  });
  return covered.join('\u0001');
}
