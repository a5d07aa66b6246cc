import { ts } from 'ts-morph';
import { parseErrorCount, scriptKindOf } from '@orchestrate/repo';
import { JobRejected } from './kind.js';

const MAX_CODE_CHARS = 40_000;

/** Refuses model-written code that no honest answer contains: control characters, bidi overrides, megabytes. */
export function cleanCode(value: string, field: string): string {
  if (value.length > MAX_CODE_CHARS) throw new JobRejected(`${field} is ${value.length} characters long (limit ${MAX_CODE_CHARS})`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(value)) {
    throw new JobRejected(`${field} contains control characters`);
  }
  return value.replace(/\r\n/g, '\n').replace(/^```[\w-]*\n([\s\S]*?)\n?```\s*$/, '$1');
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
