import {
  Node,
  SyntaxKind,
  ts,
  TypeFormatFlags,
  type ParameterDeclaration,
  type Project,
  type SourceFile,
  type Type,
} from 'ts-morph';
import type { Edit } from './edits.js';
import { TypecheckSession } from './typecheck.js';

/** A return type or parameter type that is not written in the source, with what the type checker infers for it. */
export interface MissingAnnotation {
  /** The declaration, named as in code-index: `name`, or `Class.member` (`Class.constructor` for constructor parameters). */
  symbol: string;
  kind: 'return' | 'param';
  /** The parameter's name (a destructured one is `options` when first, else `param<i>`), or the function's name for a return. */
  name: string;
  /** Offset where `: Type` goes: after the parameter list's `)` for a return, after the name (or its `?`) for a parameter. */
  insertAt: number;
  /**
   * Set for the lone parameter of an arrow function written without parentheses (`x => …`): the span that must be
   * wrapped in `(…)` first; `annotationEdits` merges the parameter and return annotations into one edit of that span.
   */
  wrap: { start: number; end: number } | null;
  /** The checker's type, written as it would be in this file; usable as is unless `needsModel`. */
  typeText: string;
  /** True when the inferred type cannot be written as is: `any`, a type that needs an `import(…)`, or one too long. */
  needsModel: boolean;
  /** Why a model is needed, else null. */
  reason: string | null;
}

const MAX_TYPE_LENGTH = 200;
/** How the checker writes a type: with the aliases the file can name, never cut short. */
const typeFormatFlags = () => TypeFormatFlags.UseAliasDefinedOutsideCurrentScope | TypeFormatFlags.NoTruncation;

type FunctionLike = Node & {
  getParameters(): ParameterDeclaration[];
  getReturnTypeNode?(): Node | undefined;
  getReturnType(): Type;
  getBody?(): Node | undefined;
};

/**
 * Lists the missing return and parameter annotations of a file's top-level functions, class methods, accessors and
 * constructors, and exported arrow functions / function expressions, with the types the checker infers. Overloaded
 * functions and bodiless declarations are left alone (their signatures are the declared types). Offsets refer to the
 * session's text of the file (no byte-order mark), as code-index's do.
 */
export function missingAnnotations(source: TypecheckSession | Project, file: string): MissingAnnotation[] {
  const sf: SourceFile =
    source instanceof TypecheckSession ? source.sourceFile(file) : source.getSourceFileOrThrow(file);
  const out: MissingAnnotation[] = [];
  for (const fn of sf.getFunctions()) {
    if (fn.isOverload() || fn.getOverloads().length > 0 || !fn.hasBody()) continue;
    collect(fn, fn.getName() ?? 'default', true, out);
  }
  for (const stmt of sf.getVariableStatements()) {
    for (const decl of stmt.getDeclarations()) {
      const init = decl.getInitializer();
      if (!init || !(Node.isArrowFunction(init) || Node.isFunctionExpression(init))) continue;
      // A typed variable (`const f: Handler = (x) => …`) types its function contextually: nothing is missing.
      if (decl.getTypeNode() || !decl.isExported()) continue;
      collect(init, decl.getName(), true, out);
    }
  }
  for (const cls of sf.getClasses()) {
    const className = cls.getName() ?? 'default';
    for (const ctor of cls.getConstructors()) {
      if (ctor.hasBody()) collect(ctor, `${className}.constructor`, false, out);
    }
    for (const member of cls.getMembers()) {
      if (Node.isMethodDeclaration(member)) {
        if (member.isOverload() || member.getOverloads().length > 0 || !member.hasBody()) continue;
        collect(member, `${className}.${member.getName()}`, true, out);
      } else if (Node.isGetAccessorDeclaration(member)) collect(member, `${className}.${member.getName()}`, true, out);
      else if (Node.isSetAccessorDeclaration(member)) collect(member, `${className}.${member.getName()}`, false, out);
    }
  }
  return out.sort((a, b) => a.insertAt - b.insertAt);
}

function collect(fn: FunctionLike, symbol: string, hasReturn: boolean, out: MissingAnnotation[]): void {
  const closeParen = fn.getFirstChildByKind(SyntaxKind.CloseParenToken);
  const params = fn.getParameters();
  // `x => …`: no parentheses, so neither `: T` after `x` nor `: R` after the list can be inserted without adding them.
  const lone = !closeParen && params.length === 1 ? params[0] : undefined;
  const wrap = lone ? { start: lone.getStart(), end: lone.getEnd() } : null;
  params.forEach((param, i) => {
    if (param.getTypeNode()) return;
    const nameNode = param.getNameNode();
    const name = Node.isIdentifier(nameNode) ? nameNode.getText() : i === 0 ? 'options' : `param${i}`;
    if (name === 'this') return;
    const insertAt = param.getQuestionTokenNode()?.getEnd() ?? nameNode.getEnd();
    const optional = param.hasQuestionToken() || param.hasInitializer();
    out.push({ symbol, kind: 'param', name, insertAt, wrap, ...judge(paramTypeText(param, optional), param) });
  });
  if (!hasReturn || fn.getReturnTypeNode?.()) return;
  const insertAt = closeParen?.getEnd() ?? wrap?.end;
  if (insertAt === undefined) return;
  const name = symbol.slice(symbol.lastIndexOf('.') + 1);
  out.push({ symbol, kind: 'return', name, insertAt, wrap, ...judge(returnTypeText(fn), fn.getBody?.() ?? fn) });
}

/** The parameter's type; an optional or defaulted parameter's `| undefined` is left out (the `?` or default says it). */
function paramTypeText(param: ParameterDeclaration, optional: boolean): string {
  const type = param.getType();
  if (!optional || !type.isUnion() || !type.getUnionTypes().some((t) => t.isUndefined()))
    return type.getText(param, typeFormatFlags());
  const hasNull = type.getUnionTypes().some((t) => t.isNull());
  return type.getNonNullableType().getText(param, typeFormatFlags()) + (hasNull ? ' | null' : '');
}

/** The inferred return type; an inferred type predicate (`x is string`, TS 5.5+) is kept as a predicate. */
function returnTypeText(fn: FunctionLike): string {
  const checker = fn.getProject().getTypeChecker().compilerObject;
  const signature = checker.getSignatureFromDeclaration(
    fn.compilerNode as Parameters<typeof checker.getSignatureFromDeclaration>[0],
  );
  const predicate = signature && checker.getTypePredicateOfSignature(signature);
  if (predicate) return checker.typePredicateToString(predicate, fn.compilerNode, typeFormatFlags());
  return fn.getReturnType().getText(fn, typeFormatFlags());
}

/** Whether the inferred type can be written as is at `at`, or why a model has to write it. */
function judge(typeText: string, at: Node): Pick<MissingAnnotation, 'typeText' | 'needsModel' | 'reason'> {
  let reason: string | null = null;
  if (/\bany\b/.test(typeText)) reason = 'inferred as any';
  else if (typeText.includes('import(')) reason = 'the type needs an import';
  else if (/\(Anonymous|__type|__object/.test(typeText)) reason = 'the type has no name';
  else if (typeText.length > MAX_TYPE_LENGTH) reason = 'the type is too long to write';
  else {
    const missing = unresolvedName(typeText, at);
    if (missing) reason = `${missing} is not in scope in this file (needs an import or an export)`;
  }
  return { typeText, needsModel: reason !== null, reason };
}

/**
 * The first name the type text refers to that does not resolve where the annotation goes. The checker writes a type
 * declared (unexported) in another module by its bare name, which would not compile here.
 */
function unresolvedName(typeText: string, at: Node): string | null {
  const checker = at.getProject().getTypeChecker().compilerObject;
  // A function type around it parses plain types and predicates (`v is string`, `asserts v`) alike.
  const parsed = ts.createSourceFile('type.ts', `type T = (...a: never[]) => ${typeText};`, ts.ScriptTarget.Latest);
  let missing: string | null = null;
  const visit = (node: ts.Node): void => {
    if (missing) return;
    const ref = ts.isTypeReferenceNode(node)
      ? node.typeName
      : ts.isExpressionWithTypeArguments(node)
        ? node.expression
        : null;
    const query = ts.isTypeQueryNode(node) ? node.exprName : null;
    const entity = ref ?? query;
    if (entity) {
      let first: ts.Node = entity;
      while (ts.isQualifiedName(first) || ts.isPropertyAccessExpression(first))
        first = ts.isQualifiedName(first) ? first.left : first.expression;
      const name = first.getText(parsed);
      const meaning = query ? ts.SymbolFlags.Value : ts.SymbolFlags.Type | ts.SymbolFlags.Namespace;
      if (!checker.resolveName(name, at.compilerNode, meaning, false)) missing = name;
    }
    ts.forEachChild(node, visit);
  };
  visit(parsed);
  return missing;
}

/**
 * Turns annotations into guarded edits of `text` (the text the annotations were computed from), using each one's
 * `typeText` (replace it with a model's answer where `needsModel`; annotations with an empty `typeText` are skipped).
 * The parameter and return of a parenthesis-less arrow become one edit: `x` → `(x: T): R`.
 */
export function annotationEdits(text: string, annotations: MissingAnnotation[], owner: string): Edit[] {
  const edits: Edit[] = [];
  const wrapped = new Map<number, MissingAnnotation[]>();
  for (const a of annotations) {
    if (!a.typeText) continue;
    if (a.wrap) wrapped.set(a.wrap.start, [...(wrapped.get(a.wrap.start) ?? []), a]);
    else
      edits.push({
        owner,
        start: a.insertAt,
        end: a.insertAt,
        text: `: ${a.typeText}`,
        expect: text.slice(a.insertAt, a.insertAt + 16),
      });
  }
  for (const group of wrapped.values()) {
    const { start, end } = group[0]!.wrap!;
    const span = text.slice(start, end);
    const param = group.find((a) => a.kind === 'param');
    const ret = group.find((a) => a.kind === 'return');
    const replacement = `(${span}${param ? `: ${param.typeText}` : ''})${ret ? `: ${ret.typeText}` : ''}`;
    edits.push({ owner, start, end, text: replacement, expect: span });
  }
  return edits.sort((a, b) => a.start - b.start);
}
