import {
  Node,
  Project,
  SyntaxKind,
  type ClassDeclaration,
  type FunctionDeclaration,
  type ParameterDeclaration,
  type SourceFile,
} from 'ts-morph';
import type { DeclarationKind } from '@orchestrate/core';
import type { Declaration, FileIndex, ParamInfo } from './declarations.js';
import type { RepoFile } from './files.js';


const TEXT_CAP = 4_000;

/** Indexes files with ts-morph, syntax only: no type checker, no module resolution, nothing read from disk. */
export function indexFiles(files: RepoFile[]): FileIndex[] {
  const project = new Project({
    useInMemoryFileSystem: true,
    skipFileDependencyResolution: true,
    skipAddingFilesFromTsConfig: true,
    compilerOptions: { allowJs: true, noResolve: true },
  });
  return files.map((file) => {
    // ts-morph drops a leading byte-order mark, so offsets are taken on the text without it; `bom` restores it on write.
    const bom = file.text.startsWith('\uFEFF');
    const text = bom ? file.text.slice(1) : file.text;
    return indexSourceFile(project.createSourceFile(`/${file.path}`, text, { overwrite: true }), file.path, text, bom);
  });
}

function indexSourceFile(sf: SourceFile, filePath: string, text: string, bom: boolean): FileIndex {
  const file = { path: filePath };
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const laterExports = namedExports(sf);
  const out: Declaration[] = [];
  const seen = new Map<string, number>();
  const push = (node: Node, symbol: string, kind: DeclarationKind, exported: boolean, extra: Partial<Declaration> = {}) => {
    const n = seen.get(symbol) ?? 0;
    seen.set(symbol, n + 1);
    const start = node.getStart(false);
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const lineEnd = text.indexOf('\n', start);
    const prefix = text.slice(lineStart, start);
    out.push({
      id: `${file.path}#${symbol}${n ? `@${n}` : ''}`,
      file: file.path,
      symbol,
      kind,
      exported,
      hasDoc: docStart(node) !== null,
      docStart: docStart(node),
      start,
      anchor: text.slice(start, lineEnd === -1 ? text.length : lineEnd).replace(/\r$/, ''),
      indent: /^[ \t]*$/.test(prefix) ? prefix : '',
      line: sf.compilerNode.getLineAndCharacterOfPosition(start).line + 1,
      params: [],
      typeParams: [],
      returnType: null,
      returnsVoid: true,
      async: false,
      throws: false,
      thrown: [],
      end: node.getEnd(),
      body: null,
      signature: headerOf(node),
      text: capped(node.getText(false)),
      ...extra,
    });
  };
  const isExported = (node: Node & { hasExportKeyword(): boolean }, name: string | undefined) =>
    node.hasExportKeyword() || (name !== undefined && laterExports.has(name));

  for (const fn of sf.getFunctions()) {
    const name = fn.getName() ?? 'default';
    const overloads = fn.getOverloads();
    const target = overloads[0] ?? fn;
    // Ambient overloads (no implementation) are each listed: document the group once, at the first.
    if (fn.isOverload() && target.getStart() !== fn.getStart()) continue;
    push(target, name, 'function', isExported(fn, fn.getName()), callableInfo(fn, target));
  }
  for (const stmt of sf.getVariableStatements()) {
    for (const decl of stmt.getDeclarations()) {
      const init = decl.getInitializer();
      if (!init || !(Node.isArrowFunction(init) || Node.isFunctionExpression(init))) continue;
      const exported = isExported(stmt, decl.getName());
      if (!exported) continue;
      if (stmt.getDeclarations().length > 1) continue; // one doc comment cannot describe several declarations
      push(stmt, decl.getName(), 'arrow-function', true, callableInfo(init, init));
    }
  }
  for (const cls of sf.getClasses()) indexClass(cls, isExported(cls, cls.getName()), push);
  for (const iface of sf.getInterfaces()) push(iface, iface.getName(), 'interface', isExported(iface, iface.getName()), typeParamsOf(iface));
  for (const alias of sf.getTypeAliases()) push(alias, alias.getName(), 'type-alias', isExported(alias, alias.getName()), typeParamsOf(alias));
  for (const en of sf.getEnums()) push(en, en.getName(), 'enum', isExported(en, en.getName()));
  out.sort((a, b) => a.start - b.start);
  return { path: file.path, text, bom, eol, declarations: out };
}

type Push = (node: Node, symbol: string, kind: DeclarationKind, exported: boolean, extra?: Partial<Declaration>) => void;

function indexClass(cls: ClassDeclaration, exported: boolean, push: Push): void {
  const className = cls.getName() ?? 'default';
  push(cls, className, 'class', exported, { ...typeParamsOf(cls), signature: classOutline(cls) });
  const isPublic = (m: Node) =>
    !(Node.isModifierable(m) && (m.hasModifier(SyntaxKind.PrivateKeyword) || m.hasModifier(SyntaxKind.ProtectedKeyword))) &&
    !(Node.hasName(m) && m.getName().startsWith('#'));
  const doneAccessors = new Set<string>();
  for (const member of cls.getMembers()) {
    if (!isPublic(member)) continue;
    if (Node.isMethodDeclaration(member)) {
      const overloads = member.getOverloads();
      const target = overloads[0] ?? member;
      // Bodiless methods (abstract, `declare class`) count as overloads: keep each group's first, once.
      if (member.isOverload() && target.getStart() !== member.getStart()) continue;
      push(target, `${className}.${member.getName()}`, 'method', exported, callableInfo(member, target));
    } else if (Node.isGetAccessorDeclaration(member) || Node.isSetAccessorDeclaration(member)) {
      const name = member.getName();
      if (doneAccessors.has(name)) continue;
      doneAccessors.add(name);
      const info = callableInfo(member, member);
      push(member, `${className}.${name}`, 'accessor', exported, { ...info, params: [], returnsVoid: true });
    }
  }
}

type Callable = FunctionDeclaration | Node;

function callableInfo(impl: Callable, target: Node): Partial<Declaration> {
  const sig = target as unknown as {
    getParameters?(): ParameterDeclaration[];
    getReturnTypeNode?(): Node | undefined;
    isAsync?(): boolean;
  };
  const params = (sig.getParameters?.() ?? []).map(paramInfo);
  const returnType = sig.getReturnTypeNode?.()?.getText() ?? null;
  const isAsync = (impl as { isAsync?(): boolean }).isAsync?.() ?? false;
  const returnsVoid = returnType
    ? /^(void|Promise<void>|never|undefined)$/.test(returnType.replace(/\s/g, ''))
    : !returnsValue(impl);
  const thrown = ownDescendants(impl, SyntaxKind.ThrowStatement).map((t) =>
    Node.isThrowStatement(t) ? t.getExpression().getText().slice(0, 120) : '',
  );
  const block = (impl as { getBody?(): Node | undefined }).getBody?.();
  const body = block && Node.isBlock(block) ? { start: block.getStart() + 1, end: block.getEnd() - 1, stub: isStub(block, returnType) } : null;
  return { params, returnType, returnsVoid, async: isAsync, throws: thrown.length > 0, thrown, end: impl.getEnd(), body, ...typeParamsOf(target) };
}

function paramInfo(p: ParameterDeclaration, i: number): ParamInfo {
  const nameNode = p.getNameNode();
  const name = Node.isIdentifier(nameNode) ? nameNode.getText() : i === 0 ? 'options' : `param${i}`;
  return { name, type: p.getTypeNode()?.getText() ?? null, optional: p.isOptional(), rest: p.isRestParameter() };
}

function typeParamsOf(node: Node): Partial<Declaration> {
  const tp = (node as { getTypeParameters?(): Node[] }).getTypeParameters?.() ?? [];
  return { typeParams: tp.map((t) => (Node.hasName(t) ? t.getName() : t.getText())) };
}

const STUB_MESSAGE = /not (?:yet )?implemented|unimplemented|todo/i;

/**
 * A stub body: `throw new Error('not implemented')` (or TODO/unimplemented), only TODO comments, or empty while the
 * declared return type is not void.
 */
function isStub(block: Node, returnType: string | null): boolean {
  if (!Node.isBlock(block)) return false;
  const statements = block.getStatements();
  const inner = block.getText().slice(1, -1);
  if (statements.length === 0) {
    if (/\bTODO\b|\bFIXME\b/.test(inner)) return true;
    return returnType !== null && !/^(void|Promise<void>|undefined|never)$/.test(returnType.replace(/\s/g, ''));
  }
  if (statements.length !== 1) return false;
  const only = statements[0]!;
  return Node.isThrowStatement(only) && STUB_MESSAGE.test(only.getExpression().getText());
}

/** True when the function's own body has a `return <value>` (or it is an expression-bodied arrow, or a generator). */
function returnsValue(fn: Node): boolean {
  if (Node.isArrowFunction(fn) && !Node.isBlock(fn.getBody())) return true;
  if ((fn as { isGenerator?(): boolean }).isGenerator?.()) return true; // returns an iterator
  return ownDescendants(fn, SyntaxKind.ReturnStatement).some((r) => Node.isReturnStatement(r) && r.getExpression() !== undefined);
}

const FUNCTION_KINDS = new Set([
  SyntaxKind.FunctionDeclaration,
  SyntaxKind.FunctionExpression,
  SyntaxKind.ArrowFunction,
  SyntaxKind.MethodDeclaration,
  SyntaxKind.GetAccessor,
  SyntaxKind.SetAccessor,
  SyntaxKind.Constructor,
  SyntaxKind.ClassDeclaration,
]);

/** Descendants of `kind` whose nearest enclosing function is `fn` itself. */
function ownDescendants(fn: Node, kind: SyntaxKind): Node[] {
  return fn.getDescendantsOfKind(kind).filter((d) => {
    const owner = d.getFirstAncestor((a) => FUNCTION_KINDS.has(a.getKind()));
    return owner === fn;
  });
}

/** Start of the first doc comment attached to the node, or null. */
function docStart(node: Node): number | null {
  const docs = (node as { getJsDocs?(): Node[] }).getJsDocs?.() ?? [];
  return docs[0]?.getStart() ?? null;
}

/** Declarations named in `export { a, b as c }` (no module specifier) count as exported. */
function namedExports(sf: SourceFile): Set<string> {
  const names = new Set<string>();
  for (const decl of sf.getExportDeclarations()) {
    if (decl.getModuleSpecifier()) continue;
    for (const spec of decl.getNamedExports()) names.add(spec.getName());
  }
  const assignment = sf.getExportAssignment((a) => !a.isExportEquals()) ?? sf.getExportAssignment(() => true);
  const expr = assignment?.getExpression();
  if (expr && Node.isIdentifier(expr)) names.add(expr.getText());
  return names;
}

/** The declaration's text without its body. */
function headerOf(node: Node): string {
  const body = (node as { getBody?(): Node | undefined }).getBody?.();
  const start = node.getStart(false);
  if (body && Node.isBlock(body)) return capped(node.getSourceFile().getFullText().slice(start, body.getStart()).trimEnd());
  return capped(node.getText(false));
}

/** A class with its public member signatures and no bodies. */
function classOutline(cls: ClassDeclaration): string {
  const full = cls.getSourceFile().getFullText();
  const head = full.slice(cls.getStart(false), cls.getMembers()[0]?.getStart(false) ?? cls.getEnd()).trimEnd();
  const members = cls.getMembers().map((m) => {
    const body = (m as { getBody?(): Node | undefined }).getBody?.();
    const text = body ? full.slice(m.getStart(false), body.getStart()).trimEnd() + ';' : m.getText(false);
    return `  ${text.split('\n').map((l) => l.trim()).join(' ')}`;
  });
  return capped(`${head.replace(/\{\s*$/, '{')}\n${members.join('\n')}\n}`);
}

function capped(text: string): string {
  return text.length > TEXT_CAP ? `${text.slice(0, TEXT_CAP)}\n/* …truncated */` : text;
}
