import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ts } from 'ts-morph';
import { onFirstUse, scriptKindOf } from './ts-internals.js';

/** Prettier options derived for a repository without a formatter config, with where each came from. */
export interface DerivedStyle {
  options: Record<string, string | number | boolean>;
  /** `useTabs: true (.editorconfig)`, `singleQuote: true (code: 120 of 130 strings)` … in option order. */
  sources: string[];
}

/** How much code is measured: enough for a dominant style, bounded for a repository of thousands of files. */
const SAMPLE_FILES = 400;
const SAMPLE_CHARS = 4_000_000;
const CODE = /\.[cm]?[jt]sx?$/;

/**
 * The style a repository already has, as prettier options: `.editorconfig` at the root (indent_style, indent_size /
 * tab_width, max_line_length, end_of_line, for the repository's most common code extension) first, then what the code
 * itself does most (quotes, semicolons, trailing commas, indentation when .editorconfig says nothing). Used only when
 * the repository has no formatter config, so that formatting keeps its style instead of imposing prettier's defaults.
 */
export function deriveStyle(root: string, files: readonly { path: string; text: string }[]): DerivedStyle {
  const code = files.filter((f) => CODE.test(f.path));
  const options: DerivedStyle['options'] = {};
  const sources: string[] = [];
  const set = (key: string, value: string | number | boolean, source: string) => {
    if (key in options) return;
    options[key] = value;
    sources.push(`${key}: ${JSON.stringify(value)} (${source})`);
  };
  for (const [key, value] of Object.entries(editorconfigOptions(root, sampleFileName(code))))
    set(key, value, '.editorconfig');
  const m = measure(code);
  if (m.tabs + m.spaces >= 10) {
    if (m.tabs > m.spaces) set('useTabs', true, `code: ${m.tabs} of ${m.tabs + m.spaces} indented lines use tabs`);
    else if (m.indent4 > 4 * m.indent2) set('tabWidth', 4, `code: indentation in steps of 4`);
  }
  const strings = m.single + m.double;
  if (strings >= 5)
    set('singleQuote', m.single > m.double, `code: ${Math.max(m.single, m.double)} of ${strings} strings`);
  const statements = m.semi + m.noSemi;
  if (statements >= 5) set('semi', m.semi >= m.noSemi, `code: ${m.semi} of ${statements} statements end with ;`);
  const lists = m.trailing + m.noTrailing;
  if (lists >= 3) {
    const calls = m.callTrailing + m.callNoTrailing;
    const value = m.trailing <= m.noTrailing ? 'none' : calls > 0 && m.callTrailing <= m.callNoTrailing ? 'es5' : 'all';
    set('trailingComma', value, `code: ${m.trailing} of ${lists} multi-line literals end with ,`);
  }
  return { options, sources };
}

/** `x.ts` for a TypeScript repository, `x.js` for a JavaScript one: the name .editorconfig's sections are matched with. */
function sampleFileName(code: readonly { path: string }[]): string {
  const counts = new Map<string, number>();
  for (const f of code) {
    const ext = path.extname(f.path);
    counts.set(ext, (counts.get(ext) ?? 0) + 1);
  }
  const ext = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '.ts';
  return `x${ext}`;
}

/** The root `.editorconfig`'s properties for `file`, as prettier options (later sections win, as in EditorConfig). */
export function editorconfigOptions(root: string, file: string): Record<string, string | number | boolean> {
  const configPath = path.join(root, '.editorconfig');
  if (!existsSync(configPath)) return {};
  const props: Record<string, string> = {};
  let applies = false;
  for (const raw of readFileSync(configPath, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.*)\]$/.exec(line);
    if (section) {
      applies = globMatches(section[1]!, file);
      continue;
    }
    const kv = /^([^=:]+)[=:](.*)$/.exec(line);
    if (applies && kv) props[kv[1]!.trim().toLowerCase()] = kv[2]!.trim().toLowerCase();
  }
  const out: Record<string, string | number | boolean> = {};
  if (props.indent_style === 'tab') out.useTabs = true;
  else if (props.indent_style === 'space') out.useTabs = false;
  const size = Number(props.indent_size === 'tab' ? props.tab_width : (props.indent_size ?? props.tab_width));
  if (Number.isInteger(size) && size > 0) out.tabWidth = size;
  const width = Number(props.max_line_length);
  if (Number.isInteger(width) && width > 0) out.printWidth = width;
  if (props.end_of_line === 'lf' || props.end_of_line === 'crlf' || props.end_of_line === 'cr')
    out.endOfLine = props.end_of_line;
  return out;
}

/** EditorConfig's glob for a file at the root: `*`, `**`, `?`, `{a,b}`, `[abc]`; a pattern without `/` matches any folder. */
function globMatches(glob: string, file: string): boolean {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',') re += '|';
    else if (c === '[' || c === ']') re += c;
    else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  try {
    return new RegExp(`^${glob.includes('/') ? '' : '(?:.*/)?'}${re}$`).test(file);
  } catch {
    return false;
  }
}

interface Measures {
  single: number;
  double: number;
  semi: number;
  noSemi: number;
  trailing: number;
  noTrailing: number;
  callTrailing: number;
  callNoTrailing: number;
  tabs: number;
  spaces: number;
  indent2: number;
  indent4: number;
}

const statementKinds = onFirstUse(
  () =>
    new Set<ts.SyntaxKind>([
      ...[
        ts.SyntaxKind.ExpressionStatement,
        ts.SyntaxKind.VariableStatement,
        ts.SyntaxKind.ReturnStatement,
        ts.SyntaxKind.ImportDeclaration,
        ts.SyntaxKind.ExportDeclaration,
      ],
      ...[
        ts.SyntaxKind.ExportAssignment,
        ts.SyntaxKind.ThrowStatement,
        ts.SyntaxKind.BreakStatement,
        ts.SyntaxKind.ContinueStatement,
        ts.SyntaxKind.TypeAliasDeclaration,
      ],
    ]),
);

function measure(files: readonly { path: string; text: string }[]): Measures {
  const m: Measures = {
    single: 0,
    double: 0,
    semi: 0,
    noSemi: 0,
    trailing: 0,
    noTrailing: 0,
    callTrailing: 0,
    callNoTrailing: 0,
    tabs: 0,
    spaces: 0,
    indent2: 0,
    indent4: 0,
  };
  let chars = 0;
  for (const file of files.slice(0, SAMPLE_FILES)) {
    if ((chars += file.text.length) > SAMPLE_CHARS) break;
    for (const line of file.text.split('\n')) {
      const indent = /^[ \t]+(?=\S)/.exec(line)?.[0];
      if (!indent) continue;
      if (indent[0] === '\t') m.tabs++;
      else if (!/^ +\*/.test(line)) {
        m.spaces++;
        if (indent.length % 4 === 2) m.indent2++;
        else if (indent.length % 4 === 0) m.indent4++;
      }
    }
    // Parents set: the JSX attribute check needs them.
    const sf = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, scriptKindOf(file.path));
    const text = sf.text;
    const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line;
    const list = (items: ts.NodeArray<ts.Node> | undefined, closeEnd: number, call: boolean) => {
      const last = items?.[items.length - 1];
      if (!items || !last || lineOf(last.end) === lineOf(closeEnd - 1)) return;
      if (call) items.hasTrailingComma ? m.callTrailing++ : m.callNoTrailing++;
      else items.hasTrailingComma ? m.trailing++ : m.noTrailing++;
    };
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) && !/['"]/.test(node.text)) {
        const q = text[node.getStart(sf)];
        if (q === "'") m.single++;
        else if (q === '"' && node.parent && !ts.isJsxAttribute(node.parent)) m.double++;
      } else if (statementKinds().has(node.kind)) {
        text[node.end - 1] === ';' ? m.semi++ : m.noSemi++;
      }
      if (ts.isObjectLiteralExpression(node)) list(node.properties, node.end, false);
      else if (ts.isArrayLiteralExpression(node)) list(node.elements, node.end, false);
      else if (ts.isCallExpression(node) || ts.isNewExpression(node)) list(node.arguments, node.end, true);
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(sf, visit);
  }
  return m;
}
