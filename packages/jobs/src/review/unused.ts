import { ts } from 'ts-morph';
import { onFirstUse } from '@orchestrate/repo';

/** An unused declaration reported by the TypeScript checker. */
export interface UnusedDiagnostic {
  /** Offset of the unused name in the file. */
  start: number;
  length: number;
  /** The checker's own message, e.g. `'x' is declared but its value is never read.` */
  message: string;
}

/**
 * TypeScript's "declared but never used" family: locals (6133), parameter properties (6138), whole import declarations
 * (6192), types (6196), destructuring patterns (6198), variable statements (6199) and type parameter lists (6205).
 */
export const UNUSED_CODES = new Set([6133, 6138, 6192, 6196, 6198, 6199, 6205]);

const compilerOptions = onFirstUse((): ts.CompilerOptions => ({
  noUnusedLocals: true,
  noUnusedParameters: true,
  // One file alone: imports are not followed and no lib is loaded, so this is fast and reads nothing from disk.
  // Unused-ness is decided inside the file, so the errors that causes (unknown globals, modules) are simply ignored.
  noResolve: true,
  noLib: true,
  types: [],
  skipLibCheck: true,
  allowJs: true,
  checkJs: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  jsx: ts.JsxEmit.Preserve,
}));

/** Runs the checker over `sf` alone, in memory, and returns its unused-declaration diagnostics. */
export function unusedDiagnostics(sf: ts.SourceFile): UnusedDiagnostic[] {
  if (sf.isDeclarationFile) return [];
  const host: ts.CompilerHost = {
    getSourceFile: (name) => (name === sf.fileName ? sf : undefined),
    getDefaultLibFileName: () => '/lib.d.ts',
    writeFile: () => {},
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => name === sf.fileName,
    readFile: (name) => (name === sf.fileName ? sf.text : undefined),
    directoryExists: () => false,
    getDirectories: () => [],
  };
  const program = ts.createProgram({ rootNames: [sf.fileName], options: compilerOptions(), host });
  const out: UnusedDiagnostic[] = [];
  for (const d of program.getSemanticDiagnostics(program.getSourceFile(sf.fileName))) {
    if (!UNUSED_CODES.has(d.code) || d.start === undefined) continue;
    out.push({ start: d.start, length: d.length ?? 0, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') });
  }
  return out;
}
