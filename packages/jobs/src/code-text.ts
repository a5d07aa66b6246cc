import { ts } from 'ts-morph';
import { parseErrorCount, scriptKindOf } from '@orchestrate/repo';
import { refuseUnsafeText } from './sanitize.js';

const MAX_CODE_CHARS = 40_000;

/** Refuses model-written code that no honest answer contains: control characters, bidi overrides, megabytes. */
export function cleanCode(value: string, field: string): string {
  refuseUnsafeText(value, field, MAX_CODE_CHARS);
  return value.replace(/\r\n/g, '\n').replace(/^```[\w-]*\n([\s\S]*?)\n?```\s*$/, '$1');
}

/**
 * Why statements written between a block's braces would not stay there, or null: as the body of a function they must
 * parse (with no more errors than `baseline` has there) and the function's closing brace must be the last character,
 * so no brace, comment, string or template in them ends the block early or runs past its end.
 */
export function blockProblem(file: string, code: string, baseline?: string): string | null {
  const parse = (body: string) => {
    const text = `async function* __block() {\n${body}\n}`;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, scriptKindOf(file));
    const [fn, ...rest] = sf.statements;
    const closed =
      rest.length === 0 && fn !== undefined && ts.isFunctionDeclaration(fn) && fn.body?.end === text.length;
    return { closed, errors: parseErrorCount(sf) };
  };
  const got = parse(code);
  if (!got.closed)
    return 'the code does not stay inside its block (a brace, comment, string or template in it ends the block or runs past it)';
  if (got.errors > (baseline === undefined ? 0 : parse(baseline).errors)) return 'the code does not parse';
  return null;
}

/** The indentation unit a file uses (two spaces when it cannot tell). */
export function indentUnit(text: string): string {
  const m = /\n(\t+|[ ]{2,8})\S/.exec(text);
  if (!m) return '  ';
  return m[1]!.startsWith('\t') ? '\t' : m[1]!.length >= 4 && !/\n {2}\S/.test(text) ? '    ' : '  ';
}

/** Re-indents a block of code so its least-indented line sits at `indent`, with the file's line ending. */
export function reindent(code: string, indent: string, eol: string): string {
  const lines = code.replace(/^\n+|\s+$/g, '').split('\n');
  const widths = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length);
  const strip = widths.length ? Math.min(...widths) : 0;
  return lines.map((l) => (l.trim() ? indent + l.slice(strip) : '')).join(eol);
}

/** Number of syntax errors the TypeScript parser reports for a file. */
export function syntaxErrors(file: string, text: string): number {
  return parseErrorCount(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, scriptKindOf(file)));
}

/** The names of the top-level-or-member declarations that start at `offset` in a parsed file. */
export function declarationNameAt(file: string, text: string, offset: number): string | null {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKindOf(file));
  let found: string | null = null;
  const visit = (node: ts.Node): void => {
    if (found !== null) return;
    if (node.getStart(sf, true) <= offset && offset < node.end) {
      const name = (node as { name?: ts.Node }).name;
      if (name && node.getStart(sf, true) >= offset - 1 && ts.isIdentifier(name)) {
        found = name.text;
        return;
      }
      if (ts.isVariableStatement(node) && node.getStart(sf, true) >= offset - 1) {
        const decl = node.declarationList.declarations[0];
        if (decl && ts.isIdentifier(decl.name)) found = decl.name.text;
        return;
      }
      ts.forEachChild(node, visit);
    }
  };
  visit(sf);
  return found;
}
