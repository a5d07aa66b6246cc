import { readFileSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { FileIndex } from '@orchestrate/repo';
import type { KindContext } from '../kind.js';

/** How the repository writes its code, as far as a generated file's frame goes. */
export interface CodeStyle {
  /** One level of indentation: a tab or N spaces. */
  indent: string;
  quote: "'" | '"';
  semicolons: boolean;
  eol: '\n' | '\r\n';
}

/** Everything about a generated test file that code decides from the repository: runner API, module style, code style. */
export interface TestFrame {
  runner: 'vitest' | 'jest' | 'node' | 'mocha' | 'ava';
  /** `require` when the repository's tests load modules with it, else `import`. */
  module: 'esm' | 'cjs';
  /** Where `expect`/`assert` come from: node's `assert`, chai's `expect` or `assert`, the runner's `expect`, ava's `t`. */
  assertion: 'node-assert' | 'chai-expect' | 'chai-assert' | 'expect' | 'ava';
  /** jest: the repository imports `describe`/`it`/`expect` from `@jest/globals` instead of using the globals. */
  jestGlobalsImport: boolean;
  style: CodeStyle;
}

const RUNNERS = new Set<TestFrame['runner']>(['vitest', 'jest', 'node', 'mocha', 'ava']);
const TEST_PATH = /\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)(__tests__|tests?)\//;
const SAMPLE = 300;
const frames = new WeakMap<FileIndex[], Map<string, TestFrame>>();

/** The test frame for a run: computed once per file set and runner (the repository does not change during a run). */
export function testFrameOf(ctx: Pick<KindContext, 'files' | 'root' | 'tests'>): TestFrame {
  const runner = RUNNERS.has(ctx.tests?.runner as TestFrame['runner'])
    ? (ctx.tests!.runner as TestFrame['runner'])
    : 'vitest';
  let byRunner = frames.get(ctx.files);
  if (!byRunner) frames.set(ctx.files, (byRunner = new Map()));
  let frame = byRunner.get(runner);
  if (!frame) byRunner.set(runner, (frame = detectFrame(runner, ctx.files, readEditorconfig(ctx.root))));
  return frame;
}

/** Detects the frame from the repository's own test files (their imports) and code style (its files and `.editorconfig`). */
export function detectFrame(
  runner: TestFrame['runner'],
  files: readonly FileIndex[],
  editorconfig: string | null,
): TestFrame {
  const tests = files.filter((f) => TEST_PATH.test(f.path)).slice(0, SAMPLE);
  const texts = tests.map((f) => f.text);
  const uses = (re: RegExp) => texts.some((t) => re.test(t));
  const requires = texts.filter((t) => /^\s*(const|let|var)\s+[\w${}\s,:]+=\s*require\(/m.test(t)).length;
  const imports = texts.filter((t) => /^\s*import\s/m.test(t)).length;
  const chai = runner === 'mocha' && uses(/(from\s+|require\()['"]chai['"]/);
  const assertion =
    runner === 'ava'
      ? 'ava'
      : runner === 'vitest' || runner === 'jest'
        ? 'expect'
        : chai
          ? uses(/\bexpect\s*\(/) || !uses(/\bassert\./)
            ? 'chai-expect'
            : 'chai-assert'
          : 'node-assert';
  return {
    runner,
    module: requires > imports ? 'cjs' : 'esm',
    assertion,
    jestGlobalsImport: runner === 'jest' && uses(/(from\s+|require\()['"]@jest\/globals['"]/),
    style: codeStyleOf(tests.length ? tests : files.slice(0, SAMPLE), editorconfig),
  };
}

/**
 * The repository's code style: `.editorconfig` decides indentation and line endings where it says (for a `.ts` file),
 * the files' majority decides the rest; two spaces, single quotes, semicolons and `\n` when nothing says.
 */
export function codeStyleOf(files: readonly Pick<FileIndex, 'text'>[], editorconfig: string | null): CodeStyle {
  const votes = { tab: 0, two: 0, four: 0, single: 0, double: 0, semi: 0, bare: 0, crlf: 0, lf: 0 };
  for (const { text } of files) {
    const unit = indentOf(text);
    if (unit === '\t') votes.tab++;
    else if (unit === '    ') votes.four++;
    else if (unit === '  ') votes.two++;
    for (const m of text.matchAll(/^(?:import|export)\b[^\n;'"]*?\bfrom\s+(['"])[^'"\n]*\1(;?)/gm)) {
      if (m[1] === "'") votes.single++;
      else votes.double++;
      if (m[2]) votes.semi++;
      else votes.bare++;
    }
    if (text.includes('\r\n')) votes.crlf++;
    else if (text.includes('\n')) votes.lf++;
  }
  const fromFiles: CodeStyle = {
    indent: votes.tab > votes.two + votes.four ? '\t' : votes.four > votes.two ? '    ' : '  ',
    quote: votes.double > votes.single ? '"' : "'",
    semicolons: votes.bare <= votes.semi,
    eol: votes.crlf > votes.lf ? '\r\n' : '\n',
  };
  return { ...fromFiles, ...editorconfigStyle(editorconfig ?? '', fromFiles) };
}

/** A file's indentation unit, from the first indented line under an unindented one; null when it has none. */
function indentOf(text: string): string | null {
  const m = /\n[^\s\n][^\n]*\r?\n(\t+|[ ]{2,8})\S/.exec(text);
  if (!m) return null;
  if (m[1]!.startsWith('\t')) return '\t';
  return m[1]!.length >= 4 && !/\n {2}[^\s*]/.test(text) ? '    ' : '  ';
}

/**
 * What `.editorconfig` says for a TypeScript file (`indent_style`, `indent_size`, `end_of_line`, `quote_type`): later
 * sections override earlier ones, as editors read it.
 */
export function editorconfigStyle(text: string, fallback: CodeStyle): Partial<CodeStyle> {
  const props: Record<string, string> = {};
  let applies = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)[#;].*$/, '').trim();
    const section = /^\[(.*)\]$/.exec(line);
    if (section) applies = matchesTs(section[1]!);
    else if (applies) {
      const kv = /^([\w-]+)\s*=\s*(.*)$/.exec(line);
      if (kv) props[kv[1]!.toLowerCase()] = kv[2]!.trim().toLowerCase();
    }
  }
  const out: Partial<CodeStyle> = {};
  const size = Number(props.indent_size === 'tab' ? props.tab_width : props.indent_size);
  if (props.indent_style === 'tab') out.indent = '\t';
  else if (props.indent_style === 'space')
    out.indent = ' '.repeat(
      Number.isInteger(size) && size > 0 && size <= 8 ? size : fallback.indent === '\t' ? 2 : fallback.indent.length,
    );
  else if (Number.isInteger(size) && size > 0 && size <= 8 && fallback.indent !== '\t') out.indent = ' '.repeat(size);
  if (props.end_of_line === 'crlf') out.eol = '\r\n';
  else if (props.end_of_line === 'lf') out.eol = '\n';
  if (props.quote_type === 'single') out.quote = "'";
  else if (props.quote_type === 'double') out.quote = '"';
  return out;
}

/** Whether an `.editorconfig` section glob covers a TypeScript source or test file. */
function matchesTs(glob: string): boolean {
  const options = { dot: true, basename: !glob.includes('/') };
  try {
    const match = picomatch(glob.replace(/^\//, ''), options);
    return ['src/x.ts', 'test/x.test.ts', 'x.ts'].some((p) => match(p));
  } catch {
    return false;
  }
}

/** The repository's `.editorconfig` (root only, read-only), or null. */
function readEditorconfig(root: string): string | null {
  try {
    return readFileSync(path.join(root, '.editorconfig'), 'utf8').slice(0, 64_000);
  } catch {
    return null;
  }
}
