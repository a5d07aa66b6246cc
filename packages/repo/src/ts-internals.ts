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

/**
 * A value made on its first use and kept. TypeScript is loaded when first used (the CLI's bundle loads it lazily, see
 * apps/cli/bin/bundle.mjs), so a module keeps what it builds from `ts` (kind sets, scanners, compiler options) behind
 * this instead of building it when the module is set up.
 */
export function onFirstUse<T>(make: () => T): () => T {
  let made = false;
  let value: T;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value;
  };
}

/**
 * Loads TypeScript now unless it is loaded (in the CLI, a chunk of its own: about 0.05 s): a run calls this while it
 * waits for the planner, whose request went out without it (the index was built on another thread).
 */
export function warmTypeScript(): void {
  void ts.version;
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

/**
 * Parse options shared by the code index and the comment-only proof. JSDoc is comment, so it is not parsed: that parse
 * only fills `node.jsDoc`, which neither reads (the index finds doc comments by their ranges), and it keeps JSDoc's
 * diagnostics out of the parse errors.
 */
const parseOptions = onFirstUse((): ts.CreateSourceFileOptions => ({
  languageVersion: ts.ScriptTarget.Latest,
  jsDocParsingMode: ts.JSDocParsingMode.ParseNone,
}));

/** The last parse of each file, while their texts add up to at most this many characters. */
const MAX_PARSED_CHARS = 4_000_000;
const parsed = new Map<string, { text: string; sf: ts.SourceFile }>();
let parsedChars = 0;

/**
 * The syntax tree of a repository file (no parent pointers), parsed once for the index and the comment-only proof of
 * the same text: a docstring run proves each file it edits against the text the index read. The trees are never
 * changed by either (the compiler's trees are read-only to callers).
 */
export function parseFile(file: string, text: string): ts.SourceFile {
  const hit = parsed.get(file);
  if (hit && hit.text === text) return hit.sf;
  const sf = ts.createSourceFile(`/${file}`, text, parseOptions(), false, scriptKindOf(file));
  if (text.length > MAX_PARSED_CHARS) return sf;
  if (hit) parsedChars -= hit.text.length;
  if (parsedChars + text.length > MAX_PARSED_CHARS) {
    parsed.clear();
    parsedChars = 0;
  }
  parsed.set(file, { text, sf });
  parsedChars += text.length;
  return sf;
}

/** A syntax tree with the same options as `parseFile`, not remembered (for texts that are parsed once). */
export function parseText(file: string, text: string): ts.SourceFile {
  return ts.createSourceFile(`/${file}`, text, parseOptions(), false, scriptKindOf(file));
}

/** The `/**` comments before a node that the parser attaches to it as JSDoc when it parses JSDoc (the compiler's rule). */
export function jsDocCommentRanges(node: ts.Node, text: string): readonly ts.CommentRange[] {
  const compiler = ts as unknown as {
    getJSDocCommentRanges(node: ts.Node, text: string): ts.CommentRange[] | undefined;
  };
  return compiler.getJSDocCommentRanges(node, text) ?? [];
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
