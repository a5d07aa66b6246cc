import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa, type Options } from 'execa';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeRepo, type TempRepo } from '../helpers/repo.js';

// `npm pack` in apps/cli, then `npm install -g` of the tarball into a temporary prefix with --offline and an empty
// cache (so nothing can be fetched), then the installed `orchestrate` command run the way a user runs it.
// ORCHESTRATE_TEST_NODE=<path to a node binary> runs npm and the installed command on that Node (e.g. Node 24).

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI_DIR = path.join(ROOT, 'apps', 'cli');
const NODE_DIR = process.env.ORCHESTRATE_TEST_NODE
  ? path.dirname(process.env.ORCHESTRATE_TEST_NODE)
  : path.dirname(process.execPath);

const MATH = `export function add(a: number, b: number): number {
  return a + b;
}

export class Store {
  add(item: string): void {
    void item;
  }
}
`;

// A config in the form the README shows: loaded by the installed jiti, `orchestrate` resolved by the install itself.
const CONFIG = `import { defineConfig } from 'orchestrate';

export default defineConfig({ concurrency: 2 });
`;

/** The environment of a child: no npm_* variables of the pnpm or npm that runs this test, the chosen Node first. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^npm_/i.test(key) || key === 'OPENAI_API_KEY' || key === 'OPENAI_BASE_URL') continue;
    env[key] = value;
  }
  return {
    ...env,
    PATH: `${NODE_DIR}${path.delimiter}${env.PATH ?? ''}`,
    npm_config_update_notifier: 'false',
    OPENAI_AGENTS_DISABLE_TRACING: '1',
    ...extra,
  };
}

function run(file: string, args: string[], options: Options = {}) {
  return execa(file, args, {
    reject: false,
    stdin: 'ignore',
    extendEnv: false,
    env: cleanEnv(),
    timeout: 120_000,
    ...options,
  });
}

let work: string;
let tarball: string;
let prefix: string;
let bin: string;
let pkgDir: string;
let repo: TempRepo | undefined;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'orch-install-'));
  // Reachable by the unprivileged user of the read-only test.
  chmodSync(work, 0o755);
  const packed = await run('npm', ['pack', '--pack-destination', work], { cwd: CLI_DIR });
  expect(packed.exitCode, String(packed.stderr)).toBe(0);
  tarball = path.join(work, readdirSync(work).find((name) => name.endsWith('.tgz')) ?? 'no tarball');
  prefix = path.join(work, 'prefix');
  const cache = path.join(work, 'empty-cache');
  mkdirSync(cache);
  const installed = await run('npm', [
    'install',
    '-g',
    '--prefix',
    prefix,
    '--offline',
    '--cache',
    cache,
    '--no-audit',
    '--no-fund',
    tarball,
  ]);
  expect(installed.exitCode, String(installed.stderr)).toBe(0);
  bin = path.join(prefix, 'bin', 'orchestrate');
  pkgDir = path.join(prefix, 'lib', 'node_modules', '@orchestrate', 'cli');
}, 240_000);

afterAll(() => {
  repo?.cleanup();
  if (work) {
    chmodTree(pkgDir, true);
    rmSync(work, { recursive: true, force: true });
  }
});

/** Makes a folder tree read-only (or writable again). */
function chmodTree(dir: string, writable: boolean): void {
  if (!dir || !existsSync(dir)) return;
  for (const name of readdirSync(dir, { recursive: true })) {
    const file = path.join(dir, String(name));
    const st = lstatSync(file);
    if (st.isSymbolicLink()) continue;
    const exec = st.isDirectory() || (st.mode & 0o111) !== 0;
    chmodSync(file, (writable ? 0o644 : 0o444) | (exec ? 0o111 : 0));
  }
  chmodSync(dir, writable ? 0o755 : 0o555);
}

describe('the packed orchestrate command', () => {
  it('installs offline with its runtime packages inside and no workspace dependency', () => {
    const manifest = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    for (const spec of Object.values(manifest.dependencies ?? {})) expect(spec).not.toMatch(/^workspace:/);
    expect(existsSync(path.join(pkgDir, 'src'))).toBe(false);
    // orchestrate's own prettier is a real package with its bin (the formatter runs it in a child process).
    const prettier = JSON.parse(
      readFileSync(path.join(pkgDir, 'node_modules', 'prettier', 'package.json'), 'utf8'),
    ) as { version: string; bin: string };
    expect(existsSync(path.join(pkgDir, 'node_modules', 'prettier', prettier.bin))).toBe(true);
  });

  it('ships a prettier whose bin runs', async () => {
    const prettier = JSON.parse(
      readFileSync(path.join(pkgDir, 'node_modules', 'prettier', 'package.json'), 'utf8'),
    ) as { version: string; bin: string };
    const version = await run('node', [path.join(pkgDir, 'node_modules', 'prettier', prettier.bin), '--version']);
    expect(String(version.stdout).trim()).toBe(prettier.version);
    expect(existsSync(path.join(pkgDir, 'node_modules', 'jiti', 'package.json'))).toBe(true);
  });

  it('prints its version and help', async () => {
    const version = await run(bin, ['--version']);
    expect(version.exitCode, String(version.stderr)).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(CLI_DIR, 'package.json'), 'utf8')) as { version: string };
    expect(String(version.stdout).trim()).toBe(manifest.version);
    expect(String(version.stderr)).toBe('');
    const help = await run(bin, ['--help']);
    expect(help.exitCode, String(help.stderr)).toBe(0);
    expect(String(help.stdout)).toMatch(/^Usage: orchestrate/);
  });

  it('documents a file of a repository offline and commits it on a run branch', async () => {
    repo = makeRepo({ 'src/math.ts': MATH, 'agents.config.ts': CONFIG });
    const result = await run(bin, ['--engine', 'offline', '--yes', 'add docstrings to src/math.ts'], { cwd: repo.dir });
    expect(result.exitCode, `${String(result.stdout)}\n${String(result.stderr)}`).toBe(0);
    const branch = repo.git('branch', '--list', 'orchestrate/*', '--format=%(refname:short)').trim();
    expect(branch).toMatch(/^orchestrate\//);
    expect(repo.git('rev-list', '--count', `main..${branch}`).trim()).toBe('1');
    expect(repo.git('show', `${branch}:src/math.ts`)).toMatch(/\/\*\*[\s\S]*export function add/);
  });

  it('formats a repository without a formatter config with its own prettier', async () => {
    repo?.cleanup();
    repo = makeRepo({ 'src/ugly.ts': 'export const x = {a:1,b:2}\n' });
    const result = await run(bin, ['--engine', 'offline', '--yes', 'format the code'], { cwd: repo.dir });
    expect(result.exitCode, `${String(result.stdout)}\n${String(result.stderr)}`).toBe(0);
    const branch = repo.git('branch', '--list', 'orchestrate/*', '--format=%(refname:short)').trim();
    expect(repo.git('show', `${branch}:src/ugly.ts`)).toContain('{ a: 1, b: 2 }');
  });

  it('runs from a read-only install, keeping its code cache in the user cache folder', async () => {
    const dist = path.join(pkgDir, 'dist', 'pack');
    for (const name of readdirSync(dist)) if (name.includes('.cache')) rmSync(path.join(dist, name));
    const cacheHome = path.join(work, 'xdg-cache');
    mkdirSync(cacheHome);
    const asRoot = process.getuid?.() === 0;
    // Root writes through any mode bits: the command runs as an unprivileged user instead.
    const user = asRoot ? { uid: 65534, gid: 65534 } : {};
    if (asRoot) chownSync(cacheHome, 65534, 65534);
    else chmodTree(pkgDir, false);
    try {
      const env = cleanEnv({ XDG_CACHE_HOME: cacheHome, HOME: cacheHome });
      // --help: --version reads no bundle (it is answered from the manifest), help loads the help bundle.
      for (let i = 0; i < 2; i++) {
        const help = await run(bin, ['--help'], { env, ...user });
        expect(help.exitCode, String(help.stderr)).toBe(0);
        expect(String(help.stderr)).toBe('');
      }
    } finally {
      if (!asRoot) chmodTree(pkgDir, true);
    }
    expect(readdirSync(dist).filter((name) => name.includes('.cache'))).toEqual([]);
    const cached = readdirSync(cacheHome, { recursive: true }).map(String);
    expect(cached.some((name) => name.endsWith('.cache'))).toBe(true);
  });
});
