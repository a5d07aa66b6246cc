import { ts } from 'ts-morph';

/**
 * What the parser records on a source file but the public API does not expose. The proofs depend on these; their tests
 * fail if a TypeScript upgrade moves them, so a proof can never silently stop checking.
 */
interface Internals {
  parseDiagnostics?: unknown[];
  pragmas?: Map<string, { arguments: unknown } | { arguments: unknown }[]>;
  commentDirectives?: { range: ts.TextRange; type: number }[];
}

const internals = (sf: ts.SourceFile) => sf as unknown as Internals;

/** How many syntax errors the parser reported for the file. */
export function parseErrorCount(sf: ts.SourceFile): number {
  return internals(sf).parseDiagnostics?.length ?? 0;
}

/** The compiler pragmas in the file's comments (`/// <reference>`, `@jsx`, `@ts-nocheck`…), as a comparable string. */
export function pragmaSignature(sf: ts.SourceFile): string {
  const pragmas = [...(internals(sf).pragmas ?? new Map()).entries()]
    .map(([name, entry]) => [name, (Array.isArray(entry) ? entry : [entry]).map((e) => e.arguments)] as const)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return JSON.stringify(pragmas, (key, value: unknown) => (key === 'pos' || key === 'end' ? undefined : value));
}

/** The `@ts-ignore` / `@ts-expect-error` directives of the file. */
export function commentDirectives(sf: ts.SourceFile): { range: ts.TextRange; type: number }[] {
  return internals(sf).commentDirectives ?? [];
}

/** The script kind the compiler uses for a file name. */
export function scriptKindOf(file: string): ts.ScriptKind {
  if (/\.tsx$/.test(file)) return ts.ScriptKind.TSX;
  if (/\.jsx$/.test(file)) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/**
 * The span of the line a directive ending at `end` covers: as the compiler does, the first line after it that is
 * neither blank nor a `//` comment.
 */
export function directiveTarget(sf: ts.SourceFile, end: number): { from: number; to: number } {
  const starts = sf.getLineStarts();
  let line = sf.getLineAndCharacterOfPosition(end).line + 1;
  const lineText = (l: number) => sf.text.slice(starts[l], starts[l + 1] ?? sf.text.length).trim();
  while (line < starts.length && (lineText(line) === '' || lineText(line).startsWith('//'))) line++;
  return { from: starts[line] ?? sf.text.length, to: starts[line + 1] ?? sf.text.length };
}
