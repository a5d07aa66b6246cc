import { ts } from 'ts-morph';
import type { DeclarationKind } from '@orchestrate/core';
import type { Declaration, FileIndex, ParamInfo } from './declarations.js';
import type { RepoFile } from './files.js';
import { jsDocCommentRanges, onFirstUse, parseFile } from './ts-internals.js';

const TEXT_CAP = 4_000;

/** One file being indexed: its parse and text, the names it exports by list or default, and what was found so far. */
interface FileCtx {
  sf: ts.SourceFile;
  path: string;
  text: string;
  laterExports: Set<string>;
  out: Declaration[];
  /** How often each symbol was pushed: the `@n` of its next id. */
  seen: Map<string, number>;
}

type Callable =
  ts.FunctionDeclaration | ts.MethodDeclaration | ts.AccessorDeclaration | ts.ArrowFunction | ts.FunctionExpression;

/**
 * Indexes files with the compiler's parser alone (ts-morph's wrappers cost an object per node visited): syntax only, no
 * type checker, no module resolution, nothing read from disk.
 */
export function indexFiles(files: RepoFile[]): FileIndex[] {
  return files.map((file) => {
    // Offsets are taken on the text without a leading byte-order mark; `bom` restores it on write.
    const bom = file.text.startsWith('\uFEFF');
    const text = bom ? file.text.slice(1) : file.text;
    // No parent pointers: every walk below goes top-down, and every position is taken with the source file passed in.
    // The tree is remembered for the comment-only proof of this file.
    const sf = parseFile(file.path, text);
    return indexSourceFile(sf, file.path, text, bom);
  });
}

function indexSourceFile(sf: ts.SourceFile, filePath: string, text: string, bom: boolean): FileIndex {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const ctx: FileCtx = { sf, path: filePath, text, laterExports: namedExports(sf), out: [], seen: new Map() };
  const statements = sf.statements;
  // Kind by kind, in this order (it decides which repeat of a name gets `@n`), then sorted by position.
  indexFunctions(ctx, statements);
  indexArrowExports(ctx, statements);
  for (const s of statements) if (ts.isClassDeclaration(s)) indexClass(ctx, s);
  for (const s of statements) if (ts.isInterfaceDeclaration(s)) pushNamed(ctx, s, 'interface', typeParamsOf(s, sf));
  for (const s of statements) if (ts.isTypeAliasDeclaration(s)) pushNamed(ctx, s, 'type-alias', typeParamsOf(s, sf));
  for (const s of statements) if (ts.isEnumDeclaration(s)) pushNamed(ctx, s, 'enum', {});
  ctx.out.sort((a, b) => a.start - b.start);
  return { path: filePath, text, bom, eol, declarations: ctx.out };
}

type NamedDeclaration = ts.InterfaceDeclaration | ts.TypeAliasDeclaration | ts.EnumDeclaration;

/** An interface, type alias or enum: always named, exported by keyword or later. */
function pushNamed(ctx: FileCtx, node: NamedDeclaration, kind: DeclarationKind, extra: Partial<Declaration>): void {
  const name = textOf(node.name, ctx.sf);
  push(ctx, node, name, kind, isExported(ctx, node, name), extra);
}

/** Records a declaration: the defaults fit a non-callable one, `extra` overrides them without changing the key order. */
function push(
  ctx: FileCtx,
  node: ts.Node,
  symbol: string,
  kind: DeclarationKind,
  exported: boolean,
  extra: Partial<Declaration>,
): void {
  const { sf, text, path } = ctx;
  const n = ctx.seen.get(symbol) ?? 0;
  ctx.seen.set(symbol, n + 1);
  const start = node.getStart(sf);
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = text.indexOf('\n', start);
  const prefix = text.slice(lineStart, start);
  const doc = docStart(node, sf);
  ctx.out.push({
    id: `${path}#${symbol}${n ? `@${n}` : ''}`,
    file: path,
    symbol,
    kind,
    exported,
    hasDoc: doc !== null,
    docStart: doc,
    start,
    anchor: text.slice(start, lineEnd === -1 ? text.length : lineEnd).replace(/\r$/, ''),
    indent: /^[ \t]*$/.test(prefix) ? prefix : '',
    line: sf.getLineAndCharacterOfPosition(start).line + 1,
    params: [],
    typeParams: [],
    returnType: null,
    returnsVoid: true,
    async: false,
    throws: false,
    thrown: [],
    end: node.end,
    body: null,
    signature: headerOf(node, sf),
    text: capped(textOf(node, sf)),
    ...extra,
  });
}

/** Exported by its own `export` keyword, or named later in `export { … }` / `export default x`. */
function isExported(ctx: FileCtx, node: ts.Node, name: string | undefined): boolean {
  return hasModifier(node, ts.SyntaxKind.ExportKeyword) || (name !== undefined && ctx.laterExports.has(name));
}

/** Top-level functions, an overload group once: at its first signature, with the implementation's body and export. */
function indexFunctions(ctx: FileCtx, statements: readonly ts.Statement[]): void {
  const firstOverloads = firstBodiless(statements.filter(ts.isFunctionDeclaration), ctx.sf);
  for (const fn of statements) {
    if (!ts.isFunctionDeclaration(fn)) continue;
    // An overload signature: its implementation stands for it.
    if (!fn.body && !hasModifier(fn, ts.SyntaxKind.DeclareKeyword) && !ctx.sf.isDeclarationFile) continue;
    const name = fn.name && textOf(fn.name, ctx.sf);
    const target = firstOverloads.get(overloadKey(fn, ctx.sf)) ?? fn;
    // Ambient overloads (no implementation) are each listed: document the group once, at the first.
    if (!fn.body && target !== fn) continue;
    push(ctx, target, name ?? 'default', 'function', isExported(ctx, fn, name), callableInfo(fn, target, ctx.sf));
  }
}

/** Exported `const f = () => …` / `function () {}`, when the statement declares only that one. */
function indexArrowExports(ctx: FileCtx, statements: readonly ts.Statement[]): void {
  for (const stmt of statements) {
    if (!ts.isVariableStatement(stmt)) continue;
    const decls = stmt.declarationList.declarations;
    for (const decl of decls) {
      const init = decl.initializer;
      if (!init || !(ts.isArrowFunction(init) || ts.isFunctionExpression(init))) continue;
      const name = textOf(decl.name, ctx.sf);
      if (!isExported(ctx, stmt, name)) continue;
      if (decls.length > 1) continue; // one doc comment cannot describe several declarations
      push(ctx, stmt, name, 'arrow-function', true, callableInfo(init, init, ctx.sf));
    }
  }
}

/** A class, then its public methods and accessors, all exported with the class. */
function indexClass(ctx: FileCtx, cls: ts.ClassDeclaration): void {
  const { sf } = ctx;
  const name = cls.name && textOf(cls.name, sf);
  const className = name ?? 'default';
  const exported = isExported(ctx, cls, name);
  const members = classMembers(cls, sf);
  push(ctx, cls, className, 'class', exported, { ...typeParamsOf(cls, sf), signature: classOutline(cls, members, sf) });
  const firstOverloads = firstBodiless(cls.members.filter(ts.isMethodDeclaration), sf);
  const doneAccessors = new Set<string>();
  for (const member of members) {
    if (!isPublic(member, sf)) continue;
    if (ts.isMethodDeclaration(member)) {
      const target = firstOverloads.get(overloadKey(member, sf)) ?? member;
      // Bodiless methods (abstract, `declare class`) count as overloads: keep each group's first, once.
      if (!member.body && target !== member) continue;
      push(
        ctx,
        target,
        `${className}.${textOf(member.name, sf)}`,
        'method',
        exported,
        callableInfo(member, target, sf),
      );
    } else if (ts.isGetAccessor(member) || ts.isSetAccessor(member)) {
      const accessor = textOf(member.name, sf);
      if (doneAccessors.has(accessor)) continue; // a get/set pair is one accessor
      doneAccessors.add(accessor);
      const info = callableInfo(member, member, sf);
      push(ctx, member, `${className}.${accessor}`, 'accessor', exported, { ...info, params: [], returnsVoid: true });
    }
  }
}

const memberKinds = onFirstUse(
  () =>
    new Set([
      ts.SyntaxKind.MethodDeclaration,
      ts.SyntaxKind.PropertyDeclaration,
      ts.SyntaxKind.GetAccessor,
      ts.SyntaxKind.SetAccessor,
      ts.SyntaxKind.Constructor,
      ts.SyntaxKind.ClassStaticBlockDeclaration,
    ]),
);

/** The outlined members: outside an ambient context, a bodiless constructor or non-abstract method is an overload, left out. */
function classMembers(cls: ts.ClassDeclaration, sf: ts.SourceFile): ts.ClassElement[] {
  const ambient = hasModifier(cls, ts.SyntaxKind.DeclareKeyword) || sf.isDeclarationFile;
  return cls.members.filter((m) => {
    if (!memberKinds().has(m.kind)) return false; // index signatures and stray semicolons are not outlined
    if (ambient || !(ts.isConstructorDeclaration(m) || ts.isMethodDeclaration(m))) return true;
    return m.body !== undefined || (ts.isMethodDeclaration(m) && hasModifier(m, ts.SyntaxKind.AbstractKeyword));
  });
}

/** Private, protected and `#private` members are no part of the documented API. */
function isPublic(m: ts.ClassElement, sf: ts.SourceFile): boolean {
  if (hasModifier(m, ts.SyntaxKind.PrivateKeyword) || hasModifier(m, ts.SyntaxKind.ProtectedKeyword)) return false;
  return !(m.name && textOf(m.name, sf).startsWith('#'));
}

type Overloadable = ts.FunctionDeclaration | ts.MethodDeclaration;

/** Overloads share a kind, a name and (methods) a staticness. */
function overloadKey(node: Overloadable, sf: ts.SourceFile): string {
  const isStatic = ts.isMethodDeclaration(node) && hasModifier(node, ts.SyntaxKind.StaticKeyword);
  return `${isStatic ? 's' : 'i'}${node.name ? `:${textOf(node.name, sf)}` : ''}`;
}

/** The first bodiless declaration (overload signature) of each overload group, by key. */
function firstBodiless(nodes: Overloadable[], sf: ts.SourceFile): Map<string, Overloadable> {
  const first = new Map<string, Overloadable>();
  for (const n of nodes) {
    const key = overloadKey(n, sf);
    if (!n.body && !first.has(key)) first.set(key, n);
  }
  return first;
}

/** The signature as written at `target` (the first overload, or `impl` itself); body, throws and end from `impl`. */
function callableInfo(impl: Callable, target: Callable, sf: ts.SourceFile): Partial<Declaration> {
  const params = target.parameters.map((p, i) => paramInfo(p, i, sf));
  const returnType = target.type ? textOf(target.type, sf) : null;
  const isAsync = !ts.isAccessor(impl) && hasModifier(impl, ts.SyntaxKind.AsyncKeyword); // `async get` is a syntax error, not async
  const returnsVoid = returnType
    ? /^(void|Promise<void>|never|undefined)$/.test(returnType.replace(/\s/g, ''))
    : !returnsValue(impl, sf);
  const thrown = ownDescendants(impl, ts.SyntaxKind.ThrowStatement, sf).map((t) =>
    textOf(t.expression, sf).slice(0, 120),
  );
  const block = impl.body;
  const body =
    block && ts.isBlock(block)
      ? { start: block.getStart(sf) + 1, end: block.end - 1, stub: isStub(block, returnType, sf) }
      : null;
  return {
    params,
    returnType,
    returnsVoid,
    async: isAsync,
    throws: thrown.length > 0,
    thrown,
    end: impl.end,
    body,
    ...typeParamsOf(target, sf),
  };
}

/** A destructured parameter has no name of its own: `options` when first, else `param<i>`. */
function paramInfo(p: ts.ParameterDeclaration, i: number, sf: ts.SourceFile): ParamInfo {
  const name = ts.isIdentifier(p.name) ? textOf(p.name, sf) : i === 0 ? 'options' : `param${i}`;
  const rest = p.dotDotDotToken !== undefined;
  return {
    name,
    type: p.type ? textOf(p.type, sf) : null,
    optional: p.questionToken !== undefined || rest || p.initializer !== undefined,
    rest,
  };
}

function typeParamsOf(
  node: { typeParameters?: ts.NodeArray<ts.TypeParameterDeclaration> | undefined },
  sf: ts.SourceFile,
): Partial<Declaration> {
  return { typeParams: (node.typeParameters ?? []).map((t) => textOf(t.name, sf)) };
}

const STUB_MESSAGE = /not (?:yet )?implemented|unimplemented|todo/i;

/**
 * A stub body: `throw new Error('not implemented')` (or TODO/unimplemented), only TODO comments, or empty while the
 * declared return type is not void.
 */
function isStub(block: ts.Block, returnType: string | null, sf: ts.SourceFile): boolean {
  const statements = block.statements;
  const inner = textOf(block, sf).slice(1, -1);
  if (statements.length === 0) {
    if (/\bTODO\b|\bFIXME\b/.test(inner)) return true;
    return returnType !== null && !/^(void|Promise<void>|undefined|never)$/.test(returnType.replace(/\s/g, ''));
  }
  if (statements.length !== 1) return false;
  const only = statements[0]!;
  return ts.isThrowStatement(only) && STUB_MESSAGE.test(textOf(only.expression, sf));
}

/** True when the function's own body has a `return <value>` (or it is an expression-bodied arrow, or a generator). */
function returnsValue(fn: Callable, sf: ts.SourceFile): boolean {
  if (ts.isArrowFunction(fn) && !ts.isBlock(fn.body)) return true;
  if (fn.asteriskToken) return true; // returns an iterator
  return ownDescendants(fn, ts.SyntaxKind.ReturnStatement, sf).some((r) => r.expression !== undefined);
}

const functionKinds = onFirstUse(
  () =>
    new Set([
      ts.SyntaxKind.FunctionDeclaration,
      ts.SyntaxKind.FunctionExpression,
      ts.SyntaxKind.ArrowFunction,
      ts.SyntaxKind.MethodDeclaration,
      ts.SyntaxKind.GetAccessor,
      ts.SyntaxKind.SetAccessor,
      ts.SyntaxKind.Constructor,
      ts.SyntaxKind.ClassDeclaration,
    ]),
);

type OwnKind = ts.SyntaxKind.ThrowStatement | ts.SyntaxKind.ReturnStatement;
type OwnNode<K extends OwnKind> = K extends ts.SyntaxKind.ThrowStatement ? ts.ThrowStatement : ts.ReturnStatement;

/** Statements of `kind` whose nearest enclosing function is `fn` itself, in document order. */
function ownDescendants<K extends OwnKind>(fn: Callable, kind: K, sf: ts.SourceFile): OwnNode<K>[] {
  const found: OwnNode<K>[] = [];
  // No keyword in the text, no such statement: skip the walk (unless an escape such as `\u0074hrow` could spell it).
  const src = sf.text.slice(fn.pos, fn.end);
  if (!src.includes(kind === ts.SyntaxKind.ThrowStatement ? 'throw' : 'return') && !src.includes('\\')) return found;
  const visit = (node: ts.Node): undefined => {
    if (node.kind === kind) found.push(node as OwnNode<K>);
    if (!functionKinds().has(node.kind)) ts.forEachChild(node, visit);
    return undefined; // a truthy result would stop forEachChild
  };
  ts.forEachChild(fn, visit);
  return found;
}

/**
 * Start of the first doc comment before the node, or null: the `/**` comments the parser attaches to it as `jsDoc`
 * when it parses JSDoc (the index does not, see `parseFile`), found by the compiler's own rule.
 */
function docStart(node: ts.Node, sf: ts.SourceFile): number | null {
  return jsDocCommentRanges(node, sf.text)[0]?.pos ?? null;
}

/** Declarations named in `export { a, b as c }` (no module specifier) count as exported. */
function namedExports(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  let assignment: ts.ExportAssignment | undefined;
  let exportEquals: ts.ExportAssignment | undefined;
  for (const stmt of sf.statements) {
    if (ts.isExportAssignment(stmt)) {
      if (!stmt.isExportEquals) assignment ??= stmt;
      else exportEquals ??= stmt;
    }
    if (
      !ts.isExportDeclaration(stmt) ||
      stmt.moduleSpecifier ||
      !stmt.exportClause ||
      !ts.isNamedExports(stmt.exportClause)
    )
      continue;
    for (const spec of stmt.exportClause.elements) {
      const local = spec.propertyName ?? spec.name;
      names.add(ts.isStringLiteral(local) ? local.text : textOf(local, sf));
    }
  }
  const expr = (assignment ?? exportEquals)?.expression;
  if (expr && ts.isIdentifier(expr)) names.add(textOf(expr, sf));
  return names;
}

/** The declaration's text without its body. */
function headerOf(node: ts.Node, sf: ts.SourceFile): string {
  const body = (node as { body?: ts.Node }).body;
  if (body && ts.isBlock(body)) return capped(sf.text.slice(node.getStart(sf), body.getStart(sf)).trimEnd());
  return capped(textOf(node, sf));
}

/** A class with its public member signatures and no bodies. */
function classOutline(cls: ts.ClassDeclaration, members: ts.ClassElement[], sf: ts.SourceFile): string {
  const full = sf.text;
  const head = full.slice(cls.getStart(sf), members[0]?.getStart(sf) ?? cls.end).trimEnd();
  const lines = members.map((m) => {
    const body = (m as { body?: ts.Node }).body;
    const text = body ? full.slice(m.getStart(sf), body.getStart(sf)).trimEnd() + ';' : textOf(m, sf);
    return `  ${text
      .split('\n')
      .map((l) => l.trim())
      .join(' ')}`;
  });
  return capped(`${head.replace(/\{\s*$/, '{')}\n${lines.join('\n')}\n}`);
}

/** Whether the node's modifiers (decorators among them) hold `kind`. */
function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return (node as { modifiers?: ts.NodeArray<ts.ModifierLike> }).modifiers?.some((m) => m.kind === kind) ?? false;
}

/** The node's source text, leading trivia excluded (what ts-morph's `getText()` returned). */
function textOf(node: ts.Node, sf: ts.SourceFile): string {
  return sf.text.substring(node.getStart(sf), node.end);
}

function capped(text: string): string {
  return text.length > TEXT_CAP ? `${text.slice(0, TEXT_CAP)}\n/* …truncated */` : text;
}
