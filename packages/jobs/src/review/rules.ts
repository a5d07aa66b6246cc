import { ts } from 'ts-morph';
import { indexFiles, onFirstUse, type LineRange } from '@orchestrate/repo';
import { touches, type Annotation, type Severity } from './annotation.js';
import { secretLiteralHits, secretPatternHits, type SecretHit } from './secrets.js';
import { unusedDiagnostics } from './unused.js';

/** What a rule is for and how serious its findings are. */
export interface RuleInfo {
  severity: Severity;
  description: string;
}

/** The deterministic offline review rules, by stable id. */
export const RULES = {
  'no-explicit-any': { severity: 'warning', description: 'The type `any` turns off type checking.' },
  'no-non-null-assertion': {
    severity: 'warning',
    description: 'A non-null assertion (`x!`) hides a possible null or undefined.',
  },
  'no-console-log': { severity: 'warning', description: 'A console.log or console.debug call left in the code.' },
  'no-empty-catch': { severity: 'warning', description: 'An empty catch block silently swallows errors.' },
  eqeqeq: { severity: 'warning', description: 'Loose equality (`==`, `!=`) coerces types; only `== null` is allowed.' },
  'no-todo': { severity: 'note', description: 'A TODO or FIXME comment.' },
  'no-secret-literal': { severity: 'error', description: 'A credential written into the source.' },
  'no-unused': { severity: 'warning', description: 'An unused local, parameter, type parameter or import.' },
  'missing-doc-export': { severity: 'note', description: 'An exported declaration without a doc comment.' },
} as const satisfies Record<string, RuleInfo>;

/** A rule id. */
export type RuleId = keyof typeof RULES;

const scriptKinds = onFirstUse((): Record<string, ts.ScriptKind> => ({
  ts: ts.ScriptKind.TS,
  mts: ts.ScriptKind.TS,
  cts: ts.ScriptKind.TS,
  tsx: ts.ScriptKind.TSX,
  js: ts.ScriptKind.JS,
  mjs: ts.ScriptKind.JS,
  cjs: ts.ScriptKind.JS,
  jsx: ts.ScriptKind.JSX,
}));

const DOCUMENTED_KINDS = new Set(['function', 'arrow-function', 'class', 'interface', 'type-alias', 'enum']);

/**
 * Runs every rule over one file and returns findings on its changed lines only (deterministic, offline, no I/O).
 * Secret patterns apply to any file; the code rules to TypeScript and JavaScript files.
 */
export function runRules(file: string, text: string, changed: readonly LineRange[]): Annotation[] {
  if (changed.length === 0) return [];
  const out: Annotation[] = [];
  const add: Add = (ruleId, line, endLine, message, suggestion, fix) => {
    if (!changed.some((r) => touches(r, line, endLine))) return;
    const a: Annotation = { file, line, endLine, severity: RULES[ruleId].severity, ruleId, message, source: 'rule' };
    if (suggestion) a.suggestion = suggestion;
    if (fix !== undefined) a.fix = { replacement: fix };
    out.push(a);
  };
  const kind = scriptKinds()[/\.([cm]?[jt]sx?)$/.exec(file)?.[1] ?? ''];
  const secrets: SecretHit[] = secretPatternHits(text);
  if (kind !== undefined) {
    const sf = ts.createSourceFile(`/${file}`, text, ts.ScriptTarget.Latest, true, kind);
    const lineOf = lineCounter(text);
    codeRules(sf, lineOf, add);
    commentRules(sf, lineOf, add);
    secrets.push(...secretLiteralHits(sf, lineOf));
    for (const d of unusedDiagnostics(sf))
      add(
        'no-unused',
        lineOf(d.start),
        lineOf(d.start + d.length),
        d.message,
        'Remove it, or prefix a parameter with `_` if it must stay.',
      );
    const index = indexFiles([{ path: file, text }])[0];
    for (const d of index?.declarations ?? []) {
      if (!d.exported || d.hasDoc || !DOCUMENTED_KINDS.has(d.kind)) continue;
      const line = lineOf(d.start + (index?.bom ? 1 : 0)); // the index's offsets are on the text without its BOM
      add(
        'missing-doc-export',
        line,
        line,
        `Exported ${d.kind.replace('-', ' ')} \`${d.symbol}\` has no doc comment.`,
        'Add a one-sentence /** … */ comment saying what it is for.',
      );
    }
  }
  const secretLines = new Set<number>();
  for (const s of secrets.sort((a, b) => a.line - b.line)) {
    if (secretLines.has(s.line)) continue; // a known format and the entropy check on one line: report it once
    secretLines.add(s.line);
    add(
      'no-secret-literal',
      s.line,
      s.line,
      `Possible hard-coded secret: ${s.what}.`,
      'Load it from the environment or a secret store, and rotate it if it was ever pushed.',
    );
  }
  return out.sort((a, b) => a.line - b.line || a.ruleId.localeCompare(b.ruleId));
}

/**
 * Offset → 1-based line, counting `\n` only, as git does (the TypeScript API also breaks lines at a lone `\r`, U+2028
 * and U+2029, which would shift findings away from the diff's line numbers).
 */
function lineCounter(text: string): (pos: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (pos) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** Records a finding; `fix` is the exact new text of lines `line`..`endLine`, when the rule can write one. */
type Add = (ruleId: RuleId, line: number, endLine: number, message: string, suggestion?: string, fix?: string) => void;

/** The rules that look at syntax nodes. */
function codeRules(sf: ts.SourceFile, lineOf: (pos: number) => number, add: Add): void {
  const at = (node: ts.Node) => [lineOf(node.getStart(sf)), lineOf(node.end)] as const;
  const loose = new Map<number, { end: number; op: string }[]>();
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) {
      add(
        'no-explicit-any',
        ...at(node),
        'Type `any` turns off type checking here.',
        'Use `unknown` and narrow it, or write the precise type.',
      );
    } else if (ts.isNonNullExpression(node)) {
      const bang = lineOf(node.end - 1);
      add(
        'no-non-null-assertion',
        bang,
        bang,
        `Non-null assertion on \`${short(node.expression.getText(sf))}\`.`,
        'Check for null/undefined first, or use optional chaining.',
      );
    } else if (ts.isCallExpression(node) && consoleMethod(node.expression)) {
      add(
        'no-console-log',
        ...at(node),
        `console.${consoleMethod(node.expression)} call.`,
        'Remove it or use the project logger.',
      );
    } else if (ts.isCatchClause(node) && isEmptyBlock(node.block, sf)) {
      add(
        'no-empty-catch',
        ...at(node),
        'Empty catch block: the error is swallowed silently.',
        'Handle the error, rethrow it, or say in a comment why it is ignored.',
      );
    } else if (ts.isBinaryExpression(node) && isLooseEquality(node)) {
      const line = lineOf(node.operatorToken.getStart(sf));
      loose.set(line, [
        ...(loose.get(line) ?? []),
        { end: node.operatorToken.end, op: node.operatorToken.getText(sf) },
      ]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  for (const [line, ops] of loose) {
    // One fix per line makes every operator on it strict: the report keeps one finding per line and rule.
    const fix = strictLine(sf.text, ops);
    for (const { op } of ops) {
      add(
        'eqeqeq',
        line,
        line,
        `Loose equality \`${op}\` coerces its operands.`,
        `Use \`${op}=\` (only \`== null\` may stay loose).`,
        fix,
      );
    }
  }
}

/** The line holding the operators (ending at offsets `end`), each `==`/`!=` made `===`/`!==`, without its line break. */
function strictLine(text: string, ops: readonly { end: number }[]): string {
  const start = text.lastIndexOf('\n', ops[0]!.end - 1) + 1;
  const stop = text.indexOf('\n', start);
  let line = text.slice(start, stop === -1 ? undefined : stop).replace(/\r$/, '');
  for (const at of ops.map((o) => o.end - start).sort((a, b) => b - a)) line = `${line.slice(0, at)}=${line.slice(at)}`;
  return line;
}

/** `log` or `debug` for `console.log(…)`, `console?.debug(…)`, `console['log'](…)`; null otherwise. */
function consoleMethod(callee: ts.Expression): 'log' | 'debug' | null {
  let object: ts.Expression;
  let name: string;
  if (ts.isPropertyAccessExpression(callee)) [object, name] = [callee.expression, callee.name.text];
  else if (ts.isElementAccessExpression(callee) && ts.isStringLiteralLike(callee.argumentExpression)) {
    [object, name] = [callee.expression, callee.argumentExpression.text];
  } else return null;
  if (!ts.isIdentifier(object) || object.text !== 'console') return null;
  return name === 'log' || name === 'debug' ? name : null;
}

/** A block with no statements and no comment (a comment saying why the error is ignored is accepted). */
function isEmptyBlock(block: ts.Block, sf: ts.SourceFile): boolean {
  return block.statements.length === 0 && sf.text.slice(block.getStart(sf) + 1, block.end - 1).trim() === '';
}

function isLooseEquality(node: ts.BinaryExpression): boolean {
  const op = node.operatorToken.kind;
  if (op !== ts.SyntaxKind.EqualsEqualsToken && op !== ts.SyntaxKind.ExclamationEqualsToken) return false;
  return node.left.kind !== ts.SyntaxKind.NullKeyword && node.right.kind !== ts.SyntaxKind.NullKeyword;
}

const TODO = /\b(TODO|FIXME)\b/g;

/**
 * The rules that look at comments. Comments live only in the trivia before a token, so each node's trivia
 * (`pos`..its first token) is scanned; every comment is seen once, by its position.
 */
function commentRules(sf: ts.SourceFile, lineOf: (pos: number) => number, add: Add): void {
  const seen = new Set<number>();
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, sf.languageVariant, sf.text);
  const visit = (node: ts.Node): void => {
    // JSX text is not trivia: `<p>// TODO</p>` is text on the page, not a comment.
    if (node.kind === ts.SyntaxKind.JsxText) return;
    const start = node.getStart(sf);
    if (start > node.pos) {
      scanner.resetTokenState(node.pos);
      scanner.setText(sf.text, node.pos, start - node.pos);
      for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
        const pos = scanner.getTokenStart();
        if (kind !== ts.SyntaxKind.SingleLineCommentTrivia && kind !== ts.SyntaxKind.MultiLineCommentTrivia) continue;
        if (seen.has(pos)) continue;
        seen.add(pos);
        todoComment(sf.text.slice(pos, scanner.getTokenEnd()), pos, lineOf, add);
      }
    }
    // Doc comments were scanned as trivia above; their parsed tags would only re-read the same text.
    if (ts.isJSDoc(node)) return;
    for (const child of node.getChildren(sf)) visit(child);
  };
  visit(sf);
}

function todoComment(comment: string, offset: number, lineOf: (pos: number) => number, add: Add): void {
  for (const m of comment.matchAll(TODO)) {
    const line = lineOf(offset + m.index);
    const what = short(restOfLine(comment, m.index + m[0].length).replace(/^[\s:\-–—]+/, ''));
    add(
      'no-todo',
      line,
      line,
      `${m[1]} left in a comment${what ? `: ${what}` : '.'}`,
      'Do it now, or track it in an issue and link that.',
    );
  }
}

function restOfLine(text: string, from: number): string {
  const end = text.indexOf('\n', from);
  return text
    .slice(from, end === -1 ? undefined : end)
    .replace(/\*\/\s*$/, '')
    .trim();
}

function short(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
