import { ts } from 'ts-morph';

/** Result of the comment-only proof. */
export type CommentOnlyResult = { ok: true; tokens: number } | { ok: false; reason: string };

/**
 * Proves that `after` differs from `before` only in comments and whitespace: both are parsed by the TypeScript
 * parser and their token streams (every token's kind and text, read by the parser-driven scanner so regular
 * expressions, templates and JSX are tokenized correctly) must be identical, and neither may gain parse errors.
 */
export function proveCommentOnly(file: string, before: string, after: string): CommentOnlyResult {
  const a = tokenStream(file, before);
  const b = tokenStream(file, after);
  if (b.parseErrors > a.parseErrors) return { ok: false, reason: `the edit introduces ${b.parseErrors - a.parseErrors} syntax error(s)` };
  const n = Math.min(a.tokens.length, b.tokens.length);
  for (let i = 0; i < n; i++) {
    if (a.tokens[i] !== b.tokens[i]) {
      return { ok: false, reason: `code changed at token ${i}: ${describe(a.tokens[i])} became ${describe(b.tokens[i])}` };
    }
  }
  if (a.tokens.length !== b.tokens.length) {
    return { ok: false, reason: `token count changed from ${a.tokens.length} to ${b.tokens.length}` };
  }
  return { ok: true, tokens: a.tokens.length };
}

function describe(token: string | undefined): string {
  if (token === undefined) return 'nothing';
  const [kind, text] = token.split('\u0000');
  return `${ts.SyntaxKind[Number(kind)]} ${JSON.stringify(text?.slice(0, 40))}`;
}

function scriptKind(file: string): ts.ScriptKind {
  if (/\.tsx$/.test(file)) return ts.ScriptKind.TSX;
  if (/\.jsx$/.test(file)) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

function tokenStream(file: string, text: string): { tokens: string[]; parseErrors: number } {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  const tokens: string[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
    const children = node.getChildren(sf);
    if (children.length === 0) {
      if (node.kind !== ts.SyntaxKind.SyntaxList) tokens.push(`${node.kind}\u0000${node.getText(sf)}`);
      return;
    }
    for (const child of children) visit(child);
  };
  visit(sf);
  const diagnostics = (sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? [];
  return { tokens, parseErrors: diagnostics.length };
}
