import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempRepos } from '../../../test/helpers/repo.js';
import { detectFormatter, formatFiles, formatText } from '../src/index.js';

const BUNDLED_VERSION = (
  JSON.parse(readFileSync(new URL('../node_modules/prettier/package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

const repos = tempRepos(afterEach);

/** A temp repository holding `files` (path → content); no git needed: formatting reads the working tree's config. */
const makeRepo = (files: Record<string, string> = {}): string =>
  repos.make(files, { git: false, prefix: 'repo-format-' }).dir;

const MESSY = `const a = "x";const b = {c:1,d:[1,2,3]}\nexport function f(x:number){return x*2}\n`;

describe('detectFormatter / formatText with prettier', () => {
  it("uses the repository's .prettierrc", async () => {
    const root = makeRepo({ '.prettierrc': '{ "singleQuote": true, "semi": false }' });
    const info = await detectFormatter(root);
    expect(info).toMatchObject({
      name: 'prettier',
      source: 'bundled',
      configFile: '.prettierrc',
      version: BUNDLED_VERSION,
      problem: null,
      derived: null,
    });
    expect(await formatText(info, root, 'src/a.ts', MESSY)).toBe(
      `const a = 'x'\nconst b = { c: 1, d: [1, 2, 3] }\nexport function f(x: number) {\n  return x * 2\n}\n`,
    );
  });

  it("finds prettier's config in package.json and in nested directories, and honours .editorconfig", async () => {
    const root = makeRepo({
      'package.json': JSON.stringify({ name: 'x', prettier: { semi: false } }),
      'pkg/.prettierrc.json': '{ "singleQuote": true }',
      '.editorconfig': 'root = true\n[*]\nindent_style = space\nindent_size = 4\n',
    });
    const info = await detectFormatter(root);
    expect(info.configFile).toBe('package.json');
    expect(await formatText(info, root, 'a.ts', 'function f() { return "x" }')).toBe(
      'function f() {\n    return "x"\n}\n',
    );
    expect(await formatText(info, root, 'pkg/a.ts', 'function f() { return "x" }')).toBe(
      "function f() {\n    return 'x';\n}\n",
    );
  });

  it("uses prettier's defaults when the repository has no formatter config", async () => {
    const root = makeRepo({ 'package.json': '{ "name": "x" }' });
    const info = await detectFormatter(root);
    expect(info).toMatchObject({
      name: 'prettier',
      source: 'bundled',
      configFile: null,
      version: BUNDLED_VERSION,
      derived: { options: {}, sources: [] },
    });
    expect(await formatText(info, root, 'src/a.ts', MESSY)).toBe(
      `const a = "x";\nconst b = { c: 1, d: [1, 2, 3] };\nexport function f(x: number) {\n  return x * 2;\n}\n`,
    );
  });

  it('returns files ignored by .prettierignore (or .gitignore) unchanged', async () => {
    const root = makeRepo({ '.prettierignore': 'src/generated/\n', '.gitignore': 'vendor.ts\n' });
    const info = await detectFormatter(root);
    expect(await formatText(info, root, 'src/generated/a.ts', MESSY)).toBe(MESSY);
    expect(await formatText(info, root, path.join(root, 'lib/vendor.ts'), MESSY)).toBe(MESSY);
    expect(await formatText(info, root, 'src/a.ts', MESSY)).not.toBe(MESSY);
    expect(await formatText(info, root, 'notes.unknown-ext', 'a   b')).toBe('a   b');
  });

  it('keeps CRLF line endings and a BOM unless the config sets endOfLine', async () => {
    const root = makeRepo();
    const info = await detectFormatter(root);
    const crlf = '\uFEFFconst a = 1\r\nconst b = {c:2}\r\n';
    expect(await formatText(info, root, 'a.ts', crlf)).toBe('\uFEFFconst a = 1;\r\nconst b = { c: 2 };\r\n');
    const lfRoot = makeRepo({ '.prettierrc': '{ "endOfLine": "lf" }' });
    expect(await formatText(await detectFormatter(lfRoot), lfRoot, 'a.ts', crlf)).toBe(
      '\uFEFFconst a = 1;\nconst b = { c: 2 };\n',
    );
  });

  it('a TypeScript prettier config on a Node that cannot load it is a problem every file fails with, not a throw', async () => {
    const root = makeRepo({ 'prettier.config.ts': 'export default { semi: false };\n' });
    const info = detectFormatter(root);
    expect(info.configFile).toBe('prettier.config.ts');
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    if (major > 22 || (major === 22 && minor >= 6)) expect(info.problem).toBeNull();
    else {
      expect(info.problem).toMatch(/prettier\.config\.ts/);
      expect(await formatFiles(info, root, [{ path: 'a.ts', text: 'x' }])).toEqual([
        { ok: false, reason: info.problem },
      ]);
    }
  });

  it('throws on a syntax error and never writes the file', async () => {
    const root = makeRepo({ 'a.ts': 'const a = (' });
    await expect(formatText(await detectFormatter(root), root, 'a.ts', 'const a = (')).rejects.toThrow();
    expect(readFileSync(path.join(root, 'a.ts'), 'utf8')).toBe('const a = (');
  });

  it("runs the repository's own prettier when package.json declares it and it is installed", async () => {
    const root = makeRepo({
      'package.json': JSON.stringify({ devDependencies: { prettier: '^9.0.0' } }),
      'node_modules/prettier/package.json': JSON.stringify({ name: 'prettier', version: '9.9.9', main: 'index.js' }),
      'node_modules/prettier/index.js': [
        'exports.version = "9.9.9";',
        'exports.getFileInfo = async () => ({ ignored: false, inferredParser: "typescript" });',
        'exports.resolveConfig = async () => ({ tabWidth: 3 });',
        'exports.format = async (text, options) => `// own prettier ${options.tabWidth} ${options.endOfLine}\\n${text}`;',
      ].join('\n'),
    });
    const info = await detectFormatter(root);
    expect(info).toMatchObject({
      name: 'prettier',
      source: 'repository',
      configFile: null,
      version: '9.9.9',
      problem: null,
    });
    expect(await formatText(info, root, 'a.ts', 'x')).toBe('// own prettier 3 auto\nx');
  });
});

describe('detectFormatter / formatText with Biome', () => {
  /** A stand-in `node_modules/.bin/biome` that reports its arguments and echoes stdin upper-cased. */
  const FAKE_BIOME = [
    '#!/usr/bin/env node',
    'let input = "";',
    'process.stdin.on("data", (d) => (input += d)).on("end", () => {',
    '  if (input.includes("syntax error")) { process.stderr.write("parse error"); process.exit(1); }',
    '  process.stdout.write(JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd() }) + "\\n" + input.toUpperCase());',
    '});',
  ].join('\n');

  function biomeRepo(files: Record<string, string> = {}): string {
    const root = makeRepo({
      'biome.json': '{ "formatter": { "indentStyle": "space" } }',
      'node_modules/.bin/biome': FAKE_BIOME,
      'node_modules/@biomejs/biome/package.json': '{ "version": "2.6.8" }',
      ...files,
    });
    chmodSync(path.join(root, 'node_modules/.bin/biome'), 0o755);
    return root;
  }

  it("runs the repository's biome on stdin with the file's path, adding --line-ending=crlf for a CRLF file", async () => {
    const root = biomeRepo();
    const info = await detectFormatter(root);
    expect(info).toMatchObject({
      name: 'biome',
      source: 'repository',
      configFile: 'biome.json',
      version: '2.6.8',
      problem: null,
    });
    const [header, body] = (await formatText(info, root, 'src/a.ts', 'const a = 1\n')).split('\n');
    expect(JSON.parse(header!)).toEqual({ args: ['format', '--stdin-file-path=src/a.ts'], cwd: root });
    expect(body).toBe('CONST A = 1');
    const crlf = await formatText(info, root, path.join(root, 'src/b.ts'), 'const a = 1\r\n');
    expect(JSON.parse(crlf.split('\n')[0]!).args).toEqual([
      'format',
      '--stdin-file-path=src/b.ts',
      '--line-ending=crlf',
    ]);
    await expect(formatText(info, root, 'src/a.ts', 'syntax error')).rejects.toThrow(
      /`biome format --stdin-file-path=src\/a\.ts` exited with code 1: parse error/,
    );
  });

  it('leaves line endings to a Biome config that sets them', async () => {
    const root = biomeRepo({ 'biome.json': '{ "formatter": { "lineEnding": "lf" } }' });
    const out = await formatText(await detectFormatter(root), root, 'a.ts', 'x\r\n');
    expect(JSON.parse(out.split('\n')[0]!).args).toEqual(['format', '--stdin-file-path=a.ts']);
  });

  it('a Biome repository whose dependencies are not installed: a problem saying to install them; a disabled Biome formatter is ignored', async () => {
    const missing = detectFormatter(makeRepo({ 'biome.jsonc': '{}', 'yarn.lock': '' }));
    expect(missing).toMatchObject({
      name: 'biome',
      executable: null,
      problem: expect.stringContaining('yarn install'),
    });
    const off = await detectFormatter(makeRepo({ 'biome.json': '{ "formatter": { "enabled": false } }' }));
    expect(off).toMatchObject({ name: 'prettier', configFile: null });
    const both = await detectFormatter(biomeRepo({ '.prettierrc.yaml': 'semi: false\n' }));
    expect(both).toMatchObject({ name: 'prettier', configFile: '.prettierrc.yaml' });
  });
});
