import { mkdirSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempRepos } from '../../../test/helpers/repo.js';
import { newDiagnostics, TypecheckSession, type Diagnostic, type RepoFile } from '../src/index.js';

const repos = tempRepos(afterEach);

/** A repository root on disk: `files` written there (what node_modules and tsconfig look like), nothing else. */
function makeRoot(files: Record<string, string>): string {
  return repos.make(files, { git: false, prefix: 'repo-typecheck-' }).dir;
}

/** Every path under `dir` (to prove the session wrote nothing). */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

const TSCONFIG = JSON.stringify({
  compilerOptions: {
    strict: true,
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'bundler',
    noEmit: true,
    types: [],
  },
});
const GREET_LIB = {
  'node_modules/greet-lib/package.json': JSON.stringify({ name: 'greet-lib', version: '1.0.0', types: 'index.d.ts' }),
  'node_modules/greet-lib/index.d.ts': 'export declare function greet(name: string): string;\n',
};
const HEAD: RepoFile[] = [
  { path: 'src/math.ts', text: 'export function add(a: number, b: number): number {\n  return a + b;\n}\n' },
  {
    path: 'src/app.ts',
    text: "import { greet } from 'greet-lib';\nimport { add } from './math.js';\n\nexport const total: number = add(1, 2);\nexport const hello: string = greet('you');\n",
  },
];
const paths = HEAD.map((f) => f.path);

describe('TypecheckSession', () => {
  it('checks the given (committed) texts, resolving packages from the root node_modules, without writing anything', () => {
    // The working tree has a broken, uncommitted math.ts: the session must see HEAD's version instead.
    const root = makeRoot({ 'tsconfig.json': TSCONFIG, ...GREET_LIB, 'src/math.ts': 'export const add = 1;\n' });
    const before = tree(root);
    const session = TypecheckSession.create({ root, files: HEAD });
    expect(session.diagnostics(paths)).toEqual([]);
    session.update('src/app.ts', HEAD[1]!.text + 'export const oops: number = greet(1);\n');
    session.addFile('test/app.test.ts', "import { total } from '../src/app.js';\nexport const t: number = total;\n");
    session.diagnostics([...paths, 'test/app.test.ts']);
    expect(tree(root)).toEqual(before);
  });

  it('reports exactly one new diagnostic for a change that introduces a type error', () => {
    const root = makeRoot({ 'tsconfig.json': TSCONFIG, ...GREET_LIB });
    const session = TypecheckSession.create({ root, files: HEAD });
    const baseline = session.diagnostics(paths);
    session.update('src/app.ts', HEAD[1]!.text + "export const wrong: number = greet('x');\n");
    const now = session.diagnostics(paths);
    const added = session.newDiagnostics(baseline, now);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ file: 'src/app.ts', line: 6, code: 2322 });
    expect(added[0]!.message).toContain("Type 'string' is not assignable to type 'number'");
  });

  it('reports nothing new when an edit only moves an existing error to another line', () => {
    const root = makeRoot({ 'tsconfig.json': TSCONFIG, ...GREET_LIB });
    const broken = { path: 'src/math.ts', text: "export const n: number = 'one';\n" };
    const session = TypecheckSession.create({ root, files: [broken] });
    const baseline = session.diagnostics(['src/math.ts']);
    expect(baseline).toHaveLength(1);
    session.update('src/math.ts', `/**\n * Docs.\n */\n\n${broken.text}`);
    const now = session.diagnostics(['src/math.ts']);
    expect(now[0]!.line).toBe(baseline[0]!.line + 4);
    expect(newDiagnostics(baseline, now)).toEqual([]);
  });

  it('reports a new test file that imports an export the module does not have', () => {
    const root = makeRoot({ 'tsconfig.json': TSCONFIG, ...GREET_LIB });
    const session = TypecheckSession.create({ root, files: HEAD });
    const baseline = session.diagnostics(paths);
    session.addFile(
      'test/math.test.ts',
      "import { add, subtract } from '../src/math.js';\nexport const r = add(1, subtract(2, 1));\n",
    );
    const added = newDiagnostics(baseline, session.diagnostics([...paths, 'test/math.test.ts']));
    expect(added.map((d) => [d.file, d.code])).toEqual([['test/math.test.ts', 2305]]);
    session.removeFile('test/math.test.ts');
    expect(() => session.diagnostics(['test/math.test.ts'])).toThrow(/not in the session/);
  });

  it('names the files that import a file, so a gate can check what a signature change breaks', () => {
    const root = makeRoot({ 'tsconfig.json': TSCONFIG, ...GREET_LIB });
    const session = TypecheckSession.create({
      root,
      files: [...HEAD, { path: 'src/index.ts', text: "export * from './math.js';\n" }],
    });
    expect(session.dependents('src/math.ts')).toEqual(['src/app.ts', 'src/index.ts']);
    expect(session.dependents('src/app.ts')).toEqual([]);
  });

  it('uses strict defaults when the repository has no tsconfig.json', () => {
    const root = makeRoot({});
    const session = TypecheckSession.create({
      root,
      files: [{ path: 'a.ts', text: 'export function f(x) { return x; }\n' }],
    });
    expect(session.diagnostics(['a.ts']).map((d) => d.code)).toEqual([7006]); // implicit any
  });

  it('reports syntax errors, and refuses to update a file it does not hold', () => {
    const root = makeRoot({ 'tsconfig.json': TSCONFIG });
    const session = TypecheckSession.create({ root, files: [{ path: 'a.ts', text: '\uFEFFexport const a = 1;\n' }] });
    expect(session.text('a.ts')).toBe('export const a = 1;\n');
    session.update('a.ts', 'export const a = (1;\n');
    expect(session.diagnostics(['a.ts']).map((d) => d.code)).toContain(1005);
    expect(() => session.update('b.ts', '')).toThrow(/not in the session/);
  });
});

/** A root whose node_modules/@types/node is ours (a symlink, as pnpm lays it out), so `node:*` modules have types. */
function rootWithNodeTypes(files: Record<string, string>, typesDir = 'node_modules/@types'): string {
  const root = makeRoot(files);
  mkdirSync(path.join(root, typesDir), { recursive: true });
  symlinkSync(
    realpathSync(path.join(import.meta.dirname, '../../../node_modules/@types/node')),
    path.join(root, typesDir, 'node'),
  );
  return root;
}

const NODE_TEST = [
  "import { describe, it } from 'node:test';",
  "import assert from 'node:assert/strict';",
  "import { add } from '../src/math.js';",
  '',
  "describe('add', () => {",
  "  it('adds', () => {",
  '    assert.equal(add(1, 2), 3);',
  '  });',
  '});',
  '',
].join('\n');
const NODE_TEST_WRONG = NODE_TEST.replace('add(1, 2)', "add(1, '2')");
const MATH = [HEAD[0]!];

describe('TypecheckSession sees the types the repository sees', () => {
  const check = (root: string, text: string) => {
    const session = TypecheckSession.create({ root, files: MATH });
    session.addFile('test/math.test.ts', text);
    return session.diagnostics(['test/math.test.ts']).map((d) => d.code);
  };

  it("resolves node:test from the repository's @types/node when it has no tsconfig.json; a real type error still counts", () => {
    const root = rootWithNodeTypes({});
    expect(check(root, NODE_TEST)).toEqual([]);
    expect(check(root, NODE_TEST_WRONG)).toEqual([2345]);
  });

  it('finds @types in an enclosing folder (a package inside a workspace) when there is no tsconfig.json', () => {
    const workspace = rootWithNodeTypes({ 'packages/a/package.json': '{}' });
    expect(check(path.join(workspace, 'packages/a'), NODE_TEST)).toEqual([]);
  });

  it('includes symlinked @types packages (a pnpm layout) automatically when the tsconfig names no types', () => {
    const root = rootWithNodeTypes({
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', noEmit: true } }),
    });
    expect(check(root, NODE_TEST)).toEqual([]);
    expect(check(root, NODE_TEST_WRONG)).toEqual([2345]);
  });

  it('follows tsconfig types and typeRoots (relative to the config), and a real type error still counts', () => {
    const tsconfig = {
      compilerOptions: {
        strict: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        types: ['node'],
        typeRoots: ['./typings'],
        noEmit: true,
      },
    };
    const root = rootWithNodeTypes({ 'tsconfig.json': JSON.stringify(tsconfig) }, 'typings');
    expect(check(root, NODE_TEST)).toEqual([]);
    expect(check(root, NODE_TEST_WRONG)).toEqual([2345]);
  });

  it("sees the repository's own declaration files (ambient globals its tsconfig includes), read from disk", () => {
    const root = makeRoot({
      'tsconfig.json': JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, types: [] },
        include: ['src', 'types'],
      }),
      'types/globals.d.ts': 'declare const APP_VERSION: string;\n',
    });
    const text = "import { add } from '../src/math.js';\nexport const v: string = APP_VERSION + add(1, 2);\n";
    expect(check(root, text)).toEqual([]);
    expect(check(root, text.replace('APP_VERSION', 'APP_VERSON'))).toEqual([2552]);
  });
});

describe('newDiagnostics', () => {
  const d = (line: number, message = 'm', code = 2322, file = 'a.ts'): Diagnostic => ({ file, line, code, message });

  it('compares as a multiset on file, code and message, ignoring lines', () => {
    expect(newDiagnostics([d(1)], [d(9)])).toEqual([]);
    expect(newDiagnostics([d(1)], [d(1), d(2)])).toEqual([d(2)]);
    expect(newDiagnostics([d(1), d(2)], [d(5)])).toEqual([]);
    expect(newDiagnostics([d(1)], [d(1, 'other'), d(1, 'm', 2345), d(1, 'm', 2322, 'b.ts')])).toHaveLength(3);
  });
});
