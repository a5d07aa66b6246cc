import { describe, expect, it } from 'vitest';
import { proveCommentOnly } from '../src/index.js';

const ok = (before: string, after: string, file = 'src/a.ts') => {
  const result = proveCommentOnly(file, before, after);
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
  return result;
};
const notOk = (before: string, after: string, file = 'src/a.ts') => {
  const result = proveCommentOnly(file, before, after);
  expect(result, JSON.stringify(result)).toMatchObject({ ok: false });
  if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
  return result;
};

const FN = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';

describe('proveCommentOnly: comments and whitespace are accepted', () => {
  it('accepts identical text and counts its tokens', () => {
    const result = proveCommentOnly('a.ts', FN, FN);
    expect(result).toEqual({ ok: true, tokens: expect.any(Number) });
    if (result.ok) expect(result.tokens).toBeGreaterThan(10);
  });

  it('accepts an added doc comment', () => {
    ok(FN, `/**\n * Adds two numbers.\n * @param a - first\n * @returns the sum\n */\n${FN}`);
  });

  it('accepts a rewritten doc comment, line comments and block comments', () => {
    const before = `/** Old. */\n${FN}`;
    ok(before, `/** New text. */\n// a note\n${FN.replace('return', '/* inline */ return')}`);
  });

  it('accepts a doc comment added at the very end of the file', () => {
    ok(FN, `${FN}/** trailing */\n`);
  });

  it('accepts whitespace-only changes: indentation, blank lines, CRLF line endings', () => {
    ok(FN, FN.replace('  return', '\n\n        return'));
    ok(FN, FN.replace(/\n/g, '\r\n'));
    ok(FN.replace(/\n/g, '\r\n'), FN);
  });

  it('accepts a line comment that keeps each directive on its line of code', () => {
    const before = '// @ts-expect-error missing\nlet x: number = "s";\n';
    ok(before, before.replace('missing', 'a different reason'));
    ok(before, before.replace('\n', '\n// note\n\n'));
  });

  it('accepts a file that already had a syntax error when the edit adds no new one', () => {
    ok('const = 1;\n', '/** Doc. */\nconst = 1;\n');
  });
});

describe('proveCommentOnly: code changes are rejected', () => {
  it('rejects a renamed identifier', () => {
    notOk(FN, FN.replace('add', 'plus'));
    notOk(FN, FN.replace('a + b', 'a + c'));
  });

  it('rejects an added or removed token', () => {
    notOk(FN, FN.replace('a + b', 'a + b + 1'));
    notOk(FN, FN.replace('export ', ''));
    notOk(FN, `${FN}export {};\n`);
  });

  it('rejects a change inside a string that looks like a comment', () => {
    const before = 'const s = "/* not a comment */";\n';
    notOk(before, 'const s = "/* not a comment */ x";\n');
    notOk(before, 'const s = "/* a comment? */";\n');
    notOk("const s = '// x';\n", "const s = '// y';\n");
  });

  it('rejects code smuggled out of a doc comment with */ ... /*', () => {
    const before = `/** Adds. */\n${FN}`;
    notOk(before, `/** Adds. */ export const pwned = 1; /* */\n${FN}`);
    notOk(before, `/** Adds. */ console.log(1) /** */\n${FN}`);
  });

  it('rejects an edit that introduces a syntax error', () => {
    notOk(FN, `/** Doc. */\n${FN.replace(/\}\n$/, '\n')}`);
    notOk(FN, `/** Doc. \n${FN}`); // unterminated comment swallows the code
    notOk(FN, `<!-- doc\n${FN}`);
  });

  it('rejects a syntax error the parser skips as trivia, which leaves the tree unchanged', () => {
    notOk(FN, `${FN}/* unterminated`);
    notOk(FN, `<<<<<<< HEAD\n${FN}`); // a merge conflict marker
  });

  it('rejects a line break that changes automatic semicolon insertion (same tokens, other code)', () => {
    notOk(FN, FN.replace('return a + b', 'return\n    a + b'));
    notOk(FN, FN.replace('return a + b', 'return /*\n*/ a + b')); // a multi-line comment is a line break
    notOk('let a = 1, b = 2;\na\n++b;\n', 'let a = 1, b = 2;\na++\nb;\n');
    notOk('outer: for (;;) { break outer; }\n', 'outer: for (;;) { break\nouter; }\n');
    notOk('type A = B[];\n', 'type A = B\n[];\n');
  });

  it('rejects added, removed or displaced @ts-ignore / @ts-expect-error directives', () => {
    const code = 'export function f(x) {\n  return x;\n}\n';
    notOk(code, `// @ts-ignore\n${code}`);
    notOk(code, `/**\n * Doc.\n * @ts-ignore */\n${code}`); // the last line of a block comment is a directive too
    notOk(`// @ts-ignore\n${code}`, code);
    // A doc comment inserted between a directive and its declaration makes the directive cover the comment instead.
    notOk(`// @ts-expect-error implicit any\n${code}`, `// @ts-expect-error implicit any\n/** Doc. */\n${code}`);
    ok(`// @ts-expect-error implicit any\n${code}`, `/** Doc. */\n// @ts-expect-error implicit any\n${code}`);
  });

  it('rejects added compiler pragmas (/// <reference>, @jsx)', () => {
    notOk('const a = 1;\n', '/// <reference types="node" />\nconst a = 1;\n');
    notOk('const a = <div />;\n', '/** @jsx h */\nconst a = <div />;\n', 'a.tsx');
    ok('/// <reference types="node" />\nconst a = 1;\n', '/// <reference types="node" />\n\n/** A. */\nconst a = 1;\n');
  });
});

describe('proveCommentOnly: tokenization follows the parser', () => {
  it('treats /* inside a regular expression as part of the regex, not a comment', () => {
    const before = 'const r = /a\\/*b/;\nconst x = 1; /* end */\n';
    notOk(before, before.replace('x = 1', 'x = 2')); // a naive comment stripper would hide this
    notOk(before, before.replace('/a\\/*b/', '/a\\/*c/'));
    notOk(before, before.replace('/;', '/g;'));
    ok(before, `/** Matches. */\n${before.replace('/;\n', '/; // tail\n')}`);
  });

  it('compares template literals exactly, including /* inside them and ${} expressions', () => {
    const before = 'const t = `/* ${a} */ and ${b}`;\nconst y = 1; /* end */\n';
    notOk(before, before.replace('${a}', '${c}'));
    notOk(before, before.replace('/* ${a} */', '/* ${a} x */'));
    notOk(before, before.replace('and', 'or'));
    notOk(before, before.replace('y = 1', 'y = 2'));
    ok(before, before.replace('${a}', '${ /* inside */ a }'));
  });

  it('accepts a comment before a JSX component and rejects changed JSX text or attributes', () => {
    const before = [
      'export function App(props: { name: string }) {',
      '  return <div className="app">Hello {props.name}</div>;',
      '}',
      '',
    ].join('\n');
    ok(before, `/** The application shell. */\n${before}`, 'src/App.tsx');
    notOk(before, before.replace('Hello', 'Hallo'), 'src/App.tsx');
    notOk(before, before.replace('"app"', '"main"'), 'src/App.tsx');
    notOk(before, before.replace('Hello', 'Hello /* x */'), 'src/App.tsx'); // JSX text: rendered, not a comment
  });

  it('parses .tsx files as TSX: // inside JSX text is text, not a comment', () => {
    const before = 'export const Link = () => <a href="/x">// docs</a>;\n';
    notOk(before, before.replace('// docs', '// help'), 'src/Link.tsx');
    ok(before, `/** A link. */\n${before}`, 'src/Link.tsx');
  });
});

describe('proveCommentOnly: every token between and inside child nodes is compared', () => {
  it('counts every token and names the first difference', () => {
    // `let`, `a`, `=`, `1`, `;` and the end of the file.
    expect(proveCommentOnly('a.ts', 'let a = 1;\n', '/** A. */\nlet a = 1; // one\n')).toEqual({ ok: true, tokens: 6 });
    expect(notOk(FN, FN.replace('a + b', 'a + c'))).toEqual({
      ok: false,
      reason: 'code changed: Identifier "b" became Identifier "c"',
    });
    expect(notOk(FN, FN.replace('number {', 'string {'))).toEqual({
      ok: false,
      reason: 'code changed: NumberKeyword "number" became StringKeyword "string"',
    });
    expect(notOk(FN, FN.replace('return a + b', 'return\n    a + b'))).toEqual({
      ok: false,
      reason: 'code changed: start of BinaryExpression became end of ReturnStatement',
    });
  });

  it('compares regular expressions containing // and /* exactly, and the code after them', () => {
    const before = 'const url = /https?:\\/\\/[^/]+/g;\nif (/\\/\\*/.test(url.source)) f(/[/*]/);\nconst x = 1;\n';
    notOk(before, before.replace('x = 1', 'x = 2'));
    notOk(before, before.replace('/g;', '/gi;'));
    notOk(before, before.replace('[/*]', '[/*x]'));
    ok(before, `/** URLs. */\n${before.replace('/g;', '/g; // hosts').replace('f(/', 'f(/* chars */ /')}`);
  });

  it('compares nested template literals with comment-like text exactly, but not comments inside ${}', () => {
    const before = 'const t = `// ${`/* ${x} */`} */`;\nconst y = tag<string>`a${b}c`;\n';
    notOk(before, before.replace('${x}', '${z}'));
    notOk(before, before.replace('`/* ', '`/*  '));
    notOk(before, before.replace('c`', 'c `'));
    notOk(before, before.replace('tag<string>', 'tag<number>'));
    ok(before, before.replace('${x}', '${x /* inner */}').replace('${`', '${ // outer\n  `'));
  });

  it('compares JSX text with its leading whitespace, and accepts comments in tags and expression containers', () => {
    const before = 'export const A = () => <p>{/* a */}<b>bold</b> text</p>;\n';
    notOk(before, before.replace('</b> text', '</b>text'), 'src/A.tsx'); // renders "boldtext", not "bold text"
    notOk(before, before.replace('{/* a */}', '{/* a */ x}'), 'src/A.tsx');
    notOk(before, before.replace('<b>', '<i>').replace('</b>', '</i>'), 'src/A.tsx');
    ok(
      before,
      before.replace('/* a */', '/* b */').replace('<b>', '<b /* c */>').replace('</p>', '</ p>'),
      'src/A.tsx',
    );
  });

  it('treats */ inside a string as text, not as the end of a comment', () => {
    const before = 'const s = "*/"; /* note */ const t = 1;\n';
    notOk(before, before.replace('"*/"', '"*/ "'));
    notOk(before, before.replace('t = 1', 't = 2'));
    notOk(before, before.replace('const s', '/* const s')); // the string's */ would close a comment opened before it
    ok(before, `/** S. */\n${before.replace('note', 'a longer note')}`);
  });

  it('accepts a comment between return and its value on one line, not a line comment that breaks the line', () => {
    ok(FN, FN.replace('return a', 'return /* the sum */ a'));
    notOk(FN, FN.replace('return a', 'return // the sum\n    a'));
  });

  it('rejects added or removed trailing commas and semicolons', () => {
    notOk('f(a, b);\n', 'f(a, b,);\n');
    notOk('const o = { a: [1, 2] };\n', 'const o = { a: [1, 2,] };\n');
    notOk('const o = { a: [1, 2] };\n', 'const o = { a: [1, 2], };\n');
    notOk('interface I { a: string; b: number }\n', 'interface I { a: string, b: number }\n');
    notOk('interface I { a: string; b: number }\n', 'interface I { a: string; b: number; }\n');
    notOk('let a = 1;\n', 'let a = 1\n');
    notOk('let a = 1;\n', 'let a = 1;;\n');
    ok('f(a, b,);\n', 'f(a, b, /* more */);\n');
  });

  it('accepts comments inside type argument lists and rejects changed type arguments', () => {
    const before = 'const m = new Map<string, Array<number>>();\nconst r = f<A, B>(x);\n';
    ok(
      before,
      before
        .replace('<string,', '</* key */ string,')
        .replace('number>>', 'number /* n */> /* v */>')
        .replace('B>', 'B // b\n>'),
    );
    notOk(before, before.replace('Array<number>', 'Array<string>'));
    notOk(before, before.replace('<A, B>', '<A>'));
    notOk(before, before.replace('<A, B>', '<B, A>'));
  });

  it('accepts comments around decorators and rejects changed, reordered or moved decorators', () => {
    const before = '@dec({ a: 1 })\nexport class A {\n  @prop() x = 1;\n}\n';
    ok(before, `/** A. */\n${before.replace('{ a', '{ /* opts */ a').replace('  @prop', '  /** X. */\n  @prop')}`);
    notOk(before, before.replace('@dec({ a: 1 })\nexport', 'export @dec({ a: 1 })'));
    notOk(before, before.replace('@prop()', '@prop'));
    notOk(before, before.replace('@prop() x', '@prop() static x'));
    notOk('@a @b class A {}\n', '@b @a class A {}\n');
  });

  it('compares array holes, which have no token of their own', () => {
    notOk('const [, b] = xs;\n', 'const [b] = xs;\n');
    notOk('const [, b] = xs;\n', 'const [,, b] = xs;\n');
    ok('const [, b] = xs;\n', 'const [ /* skip */ , b] = xs;\n');
  });

  it('compares JSDoc-style types written in code like any other type, and JSDoc in comments as comment', () => {
    notOk('let x: ?number;\n', 'let x: ?string;\n');
    ok('/** @type {number} */\nlet x: ?number;\n', '/** @type {string} */\nlet x: ?number;\n');
  });

  it('rejects a line break that moves which tokens a @ts-ignore covers', () => {
    const before = '// @ts-ignore\nconst a = f(\n  1);\n';
    const result = notOk(before, before.replace('(\n  1)', '(1\n)'));
    expect(result).toMatchObject({ reason: expect.stringMatching(/@ts-ignore/) });
  });

  it('proves files that nest thousands deep, as generated code can', () => {
    const sum = `export const s = ${Array.from({ length: 10_000 }, (_, i) => `"${i}"`).join(' + ')};\n`;
    ok(sum, `/** Generated. */\n${sum}`);
    notOk(sum, sum.replace('"9999"', '"x"'));
    const chain = `export const c = b${'.f()'.repeat(4_000)};\n`;
    ok(chain, `/** Chained. */\n${chain}`);
    notOk(chain, chain.replace('.f();', '.g();'));
  });
});
