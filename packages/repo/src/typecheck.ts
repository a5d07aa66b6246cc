import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Project, ts, type SourceFile } from 'ts-morph';
import type { RepoFile } from './files.js';

/** One compiler diagnostic in a file, with its message flattened to one string. */
export interface Diagnostic {
  /** Repository-relative path, as given to the session. */
  file: string;
  /** 1-based line of the diagnostic's start (0 when the compiler gives no position). */
  line: number;
  /** The TypeScript error code (2322 for "is not assignable", …). */
  code: number;
  message: string;
}

/** What a type-check session starts from. */
export interface TypecheckSessionOptions {
  /** The user's repository root: its tsconfig.json and node_modules are used, nothing is ever written there. */
  root: string;
  /** Repository-relative files (the committed versions) that override whatever is on disk. */
  files: RepoFile[];
}

/** Compiler options when the repository has no tsconfig.json: strict, modern ESM, no emit. */
const defaultOptions = (): ts.CompilerOptions => ({
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  esModuleInterop: true,
  skipLibCheck: true,
  resolveJsonModule: true,
  allowJs: true,
  allowImportingTsExtensions: true,
  noEmit: true,
});

/**
 * A type checker over the committed version of a repository, kept in memory so gates can ask "did this edit add a type
 * error?" without writing anything: module resolution still reads the root's node_modules, every given file is served
 * from memory. Creating it parses the files once; each `diagnostics` call checks only the files it names, and after
 * `update` the compiler reuses every unchanged file's syntax tree and binding.
 */
export class TypecheckSession {
  /** The ts-morph project (real file system for node_modules, in-memory texts for the repository's files). */
  readonly project: Project;
  readonly root: string;

  private constructor(root: string, project: Project) {
    this.root = root;
    this.project = project;
  }

  /**
   * Creates a session that sees the types the repository's own `tsc` sees: `<root>/tsconfig.json`'s compiler options
   * (types, typeRoots, lib, module resolution, resolved relative to the config) and the declaration files it includes,
   * read from disk; the rest of its file list is ignored. Without a tsconfig.json: strict defaults, with the
   * `node_modules/@types` folders of the root and its ancestors (where `tsc` would look).
   */
  static create(options: TypecheckSessionOptions): TypecheckSession {
    const root = path.resolve(options.root);
    const tsConfigFilePath = path.join(root, 'tsconfig.json');
    const config = existsSync(tsConfigFilePath) ? parseConfig(tsConfigFilePath) : null;
    const project = config
      ? new Project({
          tsConfigFilePath,
          skipAddingFilesFromTsConfig: true,
          compilerOptions: { noEmit: true, ...automaticTypes(config.options, root) },
        })
      : new Project({
          skipAddingFilesFromTsConfig: true,
          compilerOptions: { ...defaultOptions(), ...automaticTypes({}, root) },
        });
    const session = new TypecheckSession(root, project);
    // Before the given files, so a declaration file the run also indexed is served from memory like the rest.
    for (const file of config ? declarationFilesOf(config) : []) project.addSourceFileAtPathIfExists(file);
    for (const file of options.files) session.put(file.path, file.text);
    return session;
  }

  /** Syntactic and semantic diagnostics of the named files only (repository-relative paths). */
  diagnostics(paths: string[]): Diagnostic[] {
    const program = this.project.getProgram().compilerObject;
    const out: Diagnostic[] = [];
    for (const file of paths) {
      const sf = this.sourceFile(file).compilerNode;
      const found = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
      for (const d of found) out.push(toDiagnostic(file, d));
    }
    return out;
  }

  /** Replaces the text of a file the session already holds (throws for an unknown file: use `addFile`). */
  update(file: string, text: string): void {
    this.sourceFile(file);
    this.put(file, text);
  }

  /** Adds a brand-new file (a generated test); replaces it when it is already there, so a retry can add it again. */
  addFile(file: string, text: string): void {
    this.put(file, text);
  }

  /** Removes a file from the session (a rejected generated file), so it no longer takes part in the program. */
  removeFile(file: string): void {
    const sf = this.project.getSourceFile(this.absolute(file));
    if (sf) this.project.removeSourceFile(sf);
  }

  /**
   * Session files that import or re-export `file` (repository-relative): an edit that changes an exported signature can
   * break them, so a gate checks them too.
   */
  dependents(file: string): string[] {
    return this.sourceFile(file)
      .getReferencingSourceFiles()
      .map((sf) => path.relative(this.root, sf.getFilePath()).split(path.sep).join('/'))
      .filter((rel) => !rel.startsWith('..') && !rel.split('/').includes('node_modules'))
      .sort();
  }

  /** The text the session holds for a file (without a byte-order mark: offsets from the session refer to it). */
  text(file: string): string {
    return this.sourceFile(file).getFullText();
  }

  /** The ts-morph source file for a repository-relative path; throws when the session does not hold it. */
  sourceFile(file: string): SourceFile {
    const sf = this.project.getSourceFile(this.absolute(file));
    if (!sf) throw new Error(`TypecheckSession: ${file} is not in the session (add it with addFile first)`);
    return sf;
  }

  /** The absolute path the session uses for a repository-relative path. */
  absolute(file: string): string {
    return path.resolve(this.root, file);
  }

  /** Diagnostics in `now` that `baseline` does not have (see `newDiagnostics`). */
  newDiagnostics(baseline: Diagnostic[], now: Diagnostic[]): Diagnostic[] {
    return newDiagnostics(baseline, now);
  }

  private put(file: string, text: string): void {
    // ts-morph drops a leading byte-order mark anyway; stripping it here keeps offsets equal to code-index's.
    const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
    this.project.createSourceFile(this.absolute(file), body, { overwrite: true });
  }
}

/**
 * The diagnostics of `now` that are not in `baseline`, compared as a multiset on (file, code, message): lines move when an
 * edit adds or removes lines, so they are not compared; a second identical error in a file still counts as new.
 */
export function newDiagnostics(baseline: Diagnostic[], now: Diagnostic[]): Diagnostic[] {
  const remaining = new Map<string, number>();
  const key = (d: Diagnostic) => `${d.file}\0${d.code}\0${d.message}`;
  for (const d of baseline) remaining.set(key(d), (remaining.get(key(d)) ?? 0) + 1);
  const added: Diagnostic[] = [];
  for (const d of now) {
    const left = remaining.get(key(d)) ?? 0;
    if (left > 0) remaining.set(key(d), left - 1);
    else added.push(d);
  }
  return added;
}

/** The parsed tsconfig (options resolved through `extends`, its file list); null when it cannot be read. */
function parseConfig(tsConfigFilePath: string): ts.ParsedCommandLine | null {
  const ignore = () => undefined;
  return (
    ts.getParsedCommandLineOfConfigFile(
      tsConfigFilePath,
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: ignore },
    ) ?? null
  );
}

/**
 * The automatic types `tsc` would include when the options name none: every package in the type roots (the options'
 * `typeRoots`, else the `node_modules/@types` of the root and its ancestors). Named explicitly because the in-memory
 * host skips symlinked folders (pnpm links every `@types/*`) and, without a config file, looks from the process's
 * current directory instead of the repository.
 */
function automaticTypes(options: ts.CompilerOptions, root: string): { types?: string[] } {
  if (options.types) return {};
  const roots = options.typeRoots ?? ancestorsOf(root).map((dir) => path.join(dir, 'node_modules', '@types'));
  const names = new Set<string>();
  for (const dir of roots) {
    for (const name of safeReaddir(dir)) {
      const pkg = path.join(dir, name);
      if (name.startsWith('.') || !isDirectory(pkg)) continue;
      // As tsc does: a package.json that sets `typings: null` opts out of automatic inclusion.
      if (readJson(path.join(pkg, 'package.json'))?.typings === null) continue;
      names.add(name);
    }
  }
  return names.size ? { types: [...names].sort() } : {};
}

/** `dir` and every folder above it, innermost first. */
function ancestorsOf(dir: string): string[] {
  const out = [dir];
  while (path.dirname(out[out.length - 1]!) !== out[out.length - 1]) out.push(path.dirname(out[out.length - 1]!));
  return out;
}

const MAX_DECLARATION_FILES = 500;

/** The repository's own declaration files its tsconfig includes (ambient globals, module shims): outside node_modules, at most 500. */
function declarationFilesOf(config: ts.ParsedCommandLine): string[] {
  return config.fileNames
    .filter((f) => /\.d\.[cm]?ts$/.test(f) && !f.split(/[\\/]/).includes('node_modules'))
    .slice(0, MAX_DECLARATION_FILES);
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory(); // follows symlinks, unlike a dirent
  } catch {
    return false;
  }
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function toDiagnostic(file: string, d: ts.Diagnostic): Diagnostic {
  const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
  return { file, line, code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
}
