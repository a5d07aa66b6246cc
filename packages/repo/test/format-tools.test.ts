import { chmodSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempRepos } from '../../../test/helpers/repo.js';
import {
  deriveStyle,
  describeFormatter,
  describeToolFailure,
  detectFormatter,
  formatFiles,
  ownPrettier,
  runTool,
} from '../src/index.js';

const repos = tempRepos(afterEach);

/** A plain temp folder (no git) holding `files`, removed after the test. */
const makeRepo = (files: Record<string, string> = {}): string =>
  repos.make(files, { git: false, prefix: 'repo-format-tools-' }).dir;

const node = process.execPath;
const PRETTIER = realpathSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../node_modules/prettier'));

describe('runTool: a repository tool in a child process', () => {
  it('reports the exit code and output of a failing tool, and never throws', async () => {
    const result = await runTool({
      command: node,
      args: ['-e', 'console.error("first\\nsecond"); process.exit(3)'],
      cwd: tmpdir(),
      timeoutMs: 30_000,
      maxOutputBytes: 1000,
      label: 'tool --check',
    });
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, truncated: false, spawnError: null });
    expect(describeToolFailure(result)).toBe('`tool --check` exited with code 3: first | second');
  });

  it('kills a tool that hangs when its timeout is reached', async () => {
    const result = await runTool({
      command: node,
      args: ['-e', 'setInterval(() => {}, 1000)'],
      cwd: tmpdir(),
      timeoutMs: 300,
      maxOutputBytes: 1000,
      label: 'hang',
    });
    expect(result.timedOut).toBe(true);
    expect(describeToolFailure(result, 300)).toMatch(/^`hang` timed out/);
  });

  it('kills a tool that prints more than its output cap', async () => {
    const result = await runTool({
      command: node,
      args: ['-e', 'setInterval(() => process.stdout.write("x".repeat(65536)), 1)'],
      cwd: tmpdir(),
      timeoutMs: 30_000,
      maxOutputBytes: 100_000,
    });
    expect(result.truncated).toBe(true);
    expect(result.stdout.length).toBeLessThanOrEqual(100_000);
  });

  it('reports a tool that does not exist as a result, not a throw', async () => {
    const result = await runTool({
      command: path.join(tmpdir(), 'no-such-tool'),
      args: [],
      cwd: tmpdir(),
      input: 'x',
      timeoutMs: 30_000,
      maxOutputBytes: 1000,
    });
    expect(result.spawnError).toMatch(/ENOENT/);
    expect(describeToolFailure(result)).toMatch(/could not be started/);
  });
});

describe('formatFiles: batches, and failures that stay with their file', () => {
  it('formats many files per prettier process; a file prettier cannot parse fails alone', async () => {
    const root = makeRepo();
    const files = [
      { path: 'a.ts', text: 'const a = {x:1}\n' },
      { path: 'bad.ts', text: 'const b = (\n' },
      { path: 'c.ts', text: 'const c = [1,2]\n' },
    ];
    const results = await formatFiles(detectFormatter(root), root, files, { batchSize: 2 });
    expect(results[0]).toEqual({ ok: true, text: 'const a = { x: 1 };\n' });
    expect(results[1]).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /^`prettier --stdin-filepath bad\.ts` \(orchestrate's prettier .*\) failed: SyntaxError/,
      ),
    });
    expect(results[2]).toEqual({ ok: true, text: 'const c = [1, 2];\n' });
  });

  it("a prettier that crashes while loading, or hangs, fails its batch's files with the command and what it printed", async () => {
    const fake = (body: string) =>
      makeRepo({
        'package.json': JSON.stringify({ devDependencies: { prettier: '1' } }),
        'node_modules/prettier/package.json': '{ "name": "prettier", "version": "0.0.1", "main": "index.js" }',
        'node_modules/prettier/index.js': body,
      });
    const broken = fake('throw new Error("broken install");');
    const [crashed] = await formatFiles(detectFormatter(broken), broken, [{ path: 'a.ts', text: 'x' }]);
    expect(crashed).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /^`prettier --stdin-filepath a\.ts \(the repository's prettier 0\.0\.1, node_modules\/prettier\/index\.js\)` could not load prettier: .*broken install/,
      ),
    });
    const slow = fake(
      'exports.version = "0.0.2"; exports.getFileInfo = () => new Promise(() => setInterval(() => {}, 1000)); exports.format = () => "";',
    );
    const [hung] = await formatFiles(detectFormatter(slow), slow, [{ path: 'a.ts', text: 'x' }], {
      timeoutMs: 300,
      perFileMs: 0,
    });
    expect(hung).toMatchObject({ ok: false, reason: expect.stringMatching(/timed out/) });
  });

  it('a nested prettier.config.ts this Node cannot load fails only the files under it', async () => {
    const root = makeRepo({ 'packages/x/prettier.config.ts': 'export default { semi: false };\n' });
    const results = await formatFiles(detectFormatter(root), root, [
      { path: 'a.ts', text: 'const a = 1\n' },
      { path: 'packages/x/b.ts', text: 'const b = 1;\n' },
    ]);
    expect(results[0]).toEqual({ ok: true, text: 'const a = 1;\n' });
    if (
      !(process.features as { typescript?: unknown }).typescript &&
      Number(process.versions.node.split('.')[0]) < 22
    ) {
      expect(results[1]).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/prettier --stdin-filepath packages\/x\/b\.ts.*Node 22\.6 or later/),
      });
    } else expect(results[1]).toEqual({ ok: true, text: 'const b = 1\n' });
  });
});

describe('detectFormatter: the formatter the repository uses', () => {
  it('follows the format script, then lint-staged, then config files, then dependencies', () => {
    const bin = { 'node_modules/.bin/biome': '#!/bin/sh\n', 'node_modules/.bin/dprint': '#!/bin/sh\n' };
    const pkg = (value: object) => JSON.stringify(value);
    expect(
      detectFormatter(
        makeRepo({
          ...bin,
          '.prettierrc': '{}',
          'package.json': pkg({ scripts: { 'format:write': 'biome format --write .' } }),
        }),
      ),
    ).toMatchObject({ name: 'biome', chosenBy: 'scripts.format:write runs biome' });
    expect(
      detectFormatter(makeRepo({ ...bin, 'package.json': pkg({ 'lint-staged': { '*.ts': ['dprint fmt'] } }) })),
    ).toMatchObject({ name: 'dprint', chosenBy: 'lint-staged runs dprint' });
    expect(
      detectFormatter(makeRepo({ ...bin, '.lintstagedrc.json': '{ "*.ts": "biome check --write" }' })),
    ).toMatchObject({ name: 'biome' });
    expect(detectFormatter(makeRepo({ ...bin, 'dprint.json': '{}' }))).toMatchObject({
      name: 'dprint',
      configFile: 'dprint.json',
      problem: null,
    });
    expect(
      detectFormatter(makeRepo({ ...bin, 'package.json': pkg({ devDependencies: { '@biomejs/biome': '2' } }) })),
    ).toMatchObject({ name: 'biome' });
    expect(
      detectFormatter(makeRepo({ 'package.json': pkg({ scripts: { format: 'prettier --write .' } }) })),
    ).toMatchObject({ name: 'prettier', problem: expect.stringContaining('npm install') });
  });

  it("finds the repository's prettier from the repository, never through NODE_PATH", () => {
    const root = makeRepo({ 'package.json': JSON.stringify({ devDependencies: { prettier: '3' } }) });
    const saved = process.env.NODE_PATH;
    process.env.NODE_PATH = path.dirname(PRETTIER);
    try {
      expect(detectFormatter(root)).toMatchObject({
        source: 'repository',
        executable: null,
        problem: expect.stringContaining('not installed'),
      });
    } finally {
      if (saved === undefined) delete process.env.NODE_PATH;
      else process.env.NODE_PATH = saved;
    }
    mkdirSync(path.join(root, 'node_modules'));
    symlinkSync(PRETTIER, path.join(root, 'node_modules', 'prettier'), 'dir');
    expect(detectFormatter(root)).toMatchObject({
      source: 'repository',
      problem: null,
      version: ownPrettier().version,
    });
  });

  it("locates orchestrate's own prettier in one place", () => {
    const own = ownPrettier();
    expect(own.version).toBe(
      (JSON.parse(readFileSync(path.join(PRETTIER, 'package.json'), 'utf8')) as { version: string }).version,
    );
    expect(realpathSync(own.bin)).toBe(path.join(PRETTIER, 'bin', 'prettier.cjs'));
  });

  it('a biome the repository names is run from its node_modules/.bin, found above the repository too', async () => {
    const parent = makeRepo({ 'node_modules/.bin/biome': '#!/bin/sh\ncat\n' });
    chmodSync(path.join(parent, 'node_modules/.bin/biome'), 0o755);
    const root = path.join(parent, 'pkg');
    mkdirSync(root);
    writeFileSync(path.join(root, 'biome.json'), '{}');
    const info = detectFormatter(root);
    expect(info).toMatchObject({ name: 'biome', executable: path.join(parent, 'node_modules/.bin/biome') });
    expect(describeFormatter(info)).toMatch(/^formatter: the repository's biome unknown \(biome\.json\)$/);
    expect(await formatFiles(info, root, [{ path: 'a.ts', text: 'same\n' }])).toEqual([{ ok: true, text: 'same\n' }]);
  });
});

describe('deriveStyle: options for a repository without a formatter config', () => {
  const code = (lines: string[]) => ({ path: 'src/x.ts', text: lines.join('\n') });

  it('takes .editorconfig first, for the sections that match the code', () => {
    const root = makeRepo({
      '.editorconfig':
        'root = true\n[*]\nindent_style = space\nindent_size = 4\n[*.{ts,tsx}]\nindent_style = tab\nmax_line_length = 120\nend_of_line = crlf\n[*.md]\nindent_size = 8\n',
    });
    const style = deriveStyle(root, [{ path: 'a.ts', text: '' }]);
    expect(style.options).toEqual({ useTabs: true, tabWidth: 4, printWidth: 120, endOfLine: 'crlf' });
    expect(style.sources[0]).toBe('useTabs: true (.editorconfig)');
  });

  it("measures the code's quotes, semicolons, trailing commas and indentation", () => {
    const root = makeRepo();
    const file = code([
      "import a from 'a'",
      "import b from 'b'",
      "const x = { k: 'v',",
      "    l: 'w',",
      '}',
      'call(',
      '    1,',
      '    2',
      ')',
      "const y = ['p',",
      "    'q',",
      ']',
      'const z = { m: 1,',
      '    n: 2,',
      '}',
      ...Array.from({ length: 10 }, (_, i) => `function f${i}() {\n    return ${i}\n}`),
    ]);
    const style = deriveStyle(root, [file]);
    expect(style.options).toEqual({ tabWidth: 4, singleQuote: true, semi: false, trailingComma: 'es5' });
    const none = deriveStyle(root, [
      code([
        'const a = "x";',
        'const b = "y";',
        'const c = "z";',
        'const d = "w";',
        'const e = "v";',
        'const o = {',
        '  a: 1',
        '}',
        'const p = [',
        '  1',
        ']',
        'const q = {',
        '  b',
        '}',
      ]),
    ]);
    expect(none.options).toMatchObject({ singleQuote: false, semi: true, trailingComma: 'none' });
  });

  it('says nothing when there is too little code to tell', () => {
    expect(deriveStyle(makeRepo(), [code(['const a = 1'])])).toEqual({ options: {}, sources: [] });
  });
});
