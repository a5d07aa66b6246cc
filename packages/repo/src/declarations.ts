import type { DeclarationKind } from '@orchestrate/core';

/** A parameter as written in a signature. */
export interface ParamInfo {
  /** The name used in `@param`: the identifier, or a stable name for a destructured parameter. */
  name: string;
  type: string | null;
  optional: boolean;
  rest: boolean;
}

/** A documentable declaration found by the index (syntax only, no type checker). */
export interface Declaration {
  /** Stable id: `<file>#<symbol>` (plus `@<n>` when a name repeats in a file). */
  id: string;
  file: string;
  /** `name`, or `Class.member` for members. */
  symbol: string;
  kind: DeclarationKind;
  exported: boolean;
  hasDoc: boolean;
  /** Offset where a doc comment goes: the declaration's first token (decorators and modifiers included). */
  start: number;
  /** The source text from `start` to the end of that line: re-checked before an edit is applied. */
  anchor: string;
  /** Whitespace before the declaration on its line. */
  indent: string;
  line: number;
  params: ParamInfo[];
  typeParams: string[];
  returnType: string | null;
  /** True when the declaration returns nothing (`void`, `Promise<void>`, or no value-returning `return`). */
  returnsVoid: boolean;
  async: boolean;
  /** True when the body throws (outside nested functions). */
  throws: boolean;
  /** What the body throws, e.g. `new RangeError('negative')` (capped), for offline docs. */
  thrown: string[];
  /** Offset of the existing doc comment, when there is one (a rewrite replaces from here to `start`). */
  docStart: number | null;
  /** End offset of the whole declaration (the implementation's end for an overloaded function). */
  end: number;
  /** The function body's inner span (between the braces) and whether it is a stub; null without a block body. */
  body: { start: number; end: number; stub: boolean } | null;
  /** The signature or header, without the body: what a worker sees. */
  signature: string;
  /** The declaration's full text, capped (for context packs). */
  text: string;
}

/** The index of one file. */
export interface FileIndex {
  path: string;
  /** The file's text without a leading byte-order mark (offsets refer to this text). */
  text: string;
  /** Whether the file starts with a byte-order mark, restored when the file is written. */
  bom: boolean;
  eol: '\n' | '\r\n';
  declarations: Declaration[];
}
