import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@orchestrate/core';

/**
 * The formatter a repository uses. `source` says whose formatter code runs: `'repository'` is the repository's own
 * installation (`node_modules/prettier`, `node_modules/.bin/biome`), `'bundled'` is orchestrate's prettier (which
 * still honours the repository's config). `configFile` is the root config, relative to the repository root
 * (`'package.json'` for its `"prettier"` key), or null when the defaults apply.
 */
export interface FormatterInfo {
  name: 'prettier' | 'biome';
  source: 'repository' | 'bundled';
  configFile: string | null;
  version: string;
}

/** Prettier's config files in the order prettier itself searches a directory (after package.json / package.yaml). */
const PRETTIER_CONFIGS = [
  '.prettierrc',
  '.prettierrc.json',
  '.prettierrc.yaml',
  '.prettierrc.yml',
  '.prettierrc.json5',
  ...['js', 'ts', 'mjs', 'mts', 'cjs', 'cts'].map((ext) => `.prettierrc.${ext}`),
  ...['js', 'ts', 'mjs', 'mts', 'cjs', 'cts'].map((ext) => `prettier.config.${ext}`),
  '.prettierrc.toml',
];
const BIOME_CONFIGS = ['biome.json', 'biome.jsonc'];

/**
 * Finds the formatter a repository uses: a prettier config (file or `"prettier"` key in package.json) wins, then a
 * Biome config whose formatter is on, then prettier named in (dev)dependencies; otherwise prettier with its defaults.
 * The repository's own prettier runs when its package.json declares prettier and it is installed; else ours does.
 * Throws E_CONFIG for a Biome repository whose dependencies are not installed (formatting it with prettier instead
 * would fight its own formatter) and for a TypeScript prettier config this Node cannot load.
 */
export async function detectFormatter(repoRoot: string): Promise<FormatterInfo> {
  const pkg = readPackageJson(repoRoot);
  const prettierConfig =
    (pkg?.prettier !== undefined ? 'package.json' : null) ??
    (existsSync(path.join(repoRoot, 'package.yaml')) && /^prettier\s*:/m.test(readText(path.join(repoRoot, 'package.yaml')))
      ? 'package.yaml'
      : null) ??
    PRETTIER_CONFIGS.find((name) => existsSync(path.join(repoRoot, name))) ??
    null;
  if (prettierConfig && /\.[cm]?ts$/.test(prettierConfig) && !(process.features as { typescript?: unknown }).typescript) {
    throw new ConfigError(
      `prettier loads ${prettierConfig} through Node's TypeScript support, which Node ${process.versions.node} lacks: ` +
        'run orchestrate on Node 23.6 or later, or use a .prettierrc.json / prettier.config.mjs.',
    );
  }
  const biomeConfig = BIOME_CONFIGS.find((name) => existsSync(path.join(repoRoot, name))) ?? null;
  if (!prettierConfig && biomeConfig && !biomeFormatterDisabled(path.join(repoRoot, biomeConfig))) {
    if (!existsSync(biomeBin(repoRoot))) {
      throw new ConfigError(
        `This repository formats with Biome (${biomeConfig}) but node_modules/.bin/biome is not installed. ` +
          'Install its dependencies (e.g. `npm install`) and run again.',
      );
    }
    return { name: 'biome', source: 'repository', configFile: biomeConfig, version: biomeVersion(repoRoot) };
  }
  // prettier 3 caches resolved configs per process: a new run must see the repository as it is now.
  await Promise.all([bundled, repoApis.get(repoRoot)].map((api) => api?.then((p) => p.clearConfigCache?.(), () => undefined)));
  const declared = ['dependencies', 'devDependencies'].some((key) => {
    const deps = pkg?.[key];
    return deps !== null && typeof deps === 'object' && 'prettier' in deps;
  });
  const ownVersion = declared ? repoPrettierVersion(repoRoot) : null;
  if (ownVersion) return { name: 'prettier', source: 'repository', configFile: prettierConfig, version: ownVersion };
  return { name: 'prettier', source: 'bundled', configFile: prettierConfig, version: (await bundledPrettier()).version };
}

/**
 * Formats `text` as the repository's formatter would format the file at `filePath` (relative to `repoRoot`, or
 * absolute under it): config, `.editorconfig` and ignore files are resolved on the real path, as the prettier CLI
 * does. Ignored files and files prettier has no parser for come back unchanged. Line endings follow the file (first
 * line break) unless the config sets `endOfLine`; a BOM is kept. Never writes a file. Throws when the formatter
 * fails, e.g. on a syntax error.
 */
export async function formatText(info: FormatterInfo, repoRoot: string, filePath: string, text: string): Promise<string> {
  const absolute = path.resolve(repoRoot, filePath);
  if (info.name === 'biome') return formatWithBiome(repoRoot, absolute, text);
  const prettier = info.source === 'repository' ? await repoPrettier(repoRoot) : await bundledPrettier();
  const major = Number(prettier.version.split('.')[0]);
  // The prettier CLI reads both ignore files from the root; prettier 2's API takes a single one.
  const ignorePath =
    major >= 3 ? [path.join(repoRoot, '.gitignore'), path.join(repoRoot, '.prettierignore')] : path.join(repoRoot, '.prettierignore');
  const fileInfo = await prettier.getFileInfo(absolute, { ignorePath, resolveConfig: true });
  if (fileInfo.ignored || !fileInfo.inferredParser) return text;
  const config = (await prettier.resolveConfig(absolute, { editorconfig: true })) ?? {};
  // prettier's own default is "lf"; "auto" keeps what the file uses (its first line break).
  return prettier.format(text, { ...config, filepath: absolute, endOfLine: config.endOfLine ?? 'auto' });
}

/** The slice of prettier's Node API we use; prettier 2 and 3 both provide it (2 partly synchronously). */
interface PrettierApi {
  version: string;
  clearConfigCache?(): Promise<void> | void;
  format(text: string, options: Record<string, unknown>): Promise<string> | string;
  resolveConfig(file: string, options: { editorconfig: boolean }): Promise<Record<string, unknown> | null>;
  getFileInfo(
    file: string,
    options: { ignorePath: string | string[]; resolveConfig: boolean },
  ): Promise<{ ignored: boolean; inferredParser: string | null }>;
}

/**
 * Loads a module by its file path. The CLI's bundle is one CommonJS script with no `import()` in it (see
 * apps/cli/bin/bundle.mjs), so there a repository's prettier is required (its resolved entry is CommonJS: prettier 2,
 * or 3's index.cjs); from source it is imported.
 */
function loadEntry(entry: string): Promise<Record<string, unknown>> {
  if (typeof require === 'function') return Promise.resolve(require(entry) as Record<string, unknown>);
  return import(pathToFileURL(entry).href) as Promise<Record<string, unknown>>;
}

let bundled: Promise<PrettierApi> | undefined;
const repoApis = new Map<string, Promise<PrettierApi>>();

function bundledPrettier(): Promise<PrettierApi> {
  bundled ??= import('prettier').then((m) => m as unknown as PrettierApi);
  return bundled;
}

/** The repository's own prettier, loaded once per repository as its own package.json would resolve it. */
function repoPrettier(repoRoot: string): Promise<PrettierApi> {
  let api = repoApis.get(repoRoot);
  if (!api) {
    const entry = createRequire(path.join(repoRoot, 'package.json')).resolve('prettier');
    api = loadEntry(entry).then((ns: Record<string, unknown>) => {
      // A CommonJS entry (prettier 2, or 3's index.cjs) arrives as `default`; the ESM entry has named exports.
      const mod = (typeof ns.format === 'function' ? ns : ns.default) as PrettierApi;
      if (typeof mod?.format !== 'function') throw new Error(`${entry} does not look like prettier`);
      return mod;
    });
    api.catch(() => repoApis.delete(repoRoot));
    repoApis.set(repoRoot, api);
  }
  return api;
}

function repoPrettierVersion(repoRoot: string): string | null {
  const manifest = path.join(repoRoot, 'node_modules', 'prettier', 'package.json');
  try {
    const version = (JSON.parse(readText(manifest)) as { version?: unknown }).version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

function biomeBin(repoRoot: string): string {
  return path.join(repoRoot, 'node_modules', '.bin', 'biome');
}

function biomeVersion(repoRoot: string): string {
  try {
    const manifest = JSON.parse(readText(path.join(repoRoot, 'node_modules', '@biomejs', 'biome', 'package.json'))) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `"formatter": { "enabled": false }` at the top of a Biome config (a cheap look, not a JSONC parser). */
function biomeFormatterDisabled(configPath: string): boolean {
  return /"formatter"\s*:\s*\{[^{}]*"enabled"\s*:\s*false/.test(readText(configPath));
}

/**
 * Biome through its CLI, text on stdin. Biome writes LF unless configured, so a CRLF file gets `--line-ending=crlf`
 * when neither its config nor `.editorconfig` says otherwise; it keeps a BOM itself.
 */
async function formatWithBiome(repoRoot: string, absolute: string, text: string): Promise<string> {
  const relative = path.relative(repoRoot, absolute).split(path.sep).join('/');
  const args = ['format', `--stdin-file-path=${relative}`];
  const firstBreak = /\r\n|\n|\r/.exec(text)?.[0];
  if (firstBreak === '\r\n' && !lineEndingConfigured(repoRoot)) args.push('--line-ending=crlf');
  const result = await execa(biomeBin(repoRoot), args, {
    cwd: repoRoot,
    input: text,
    reject: false,
    stripFinalNewline: false,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.exitCode !== 0 || result.failed) {
    const detail = String(result.stderr || result.stdout || result.message || '').trim().slice(0, 2000);
    throw new Error(`biome format failed on ${relative} (exit ${result.exitCode ?? '?'}): ${detail || 'no output'}`);
  }
  return String(result.stdout);
}

function lineEndingConfigured(repoRoot: string): boolean {
  const configs = BIOME_CONFIGS.map((name) => path.join(repoRoot, name)).filter((p) => existsSync(p));
  if (configs.some((p) => /"lineEnding"/.test(readText(p)))) return true;
  const editorconfig = path.join(repoRoot, '.editorconfig');
  return existsSync(editorconfig) && /^\s*end_of_line\s*=/im.test(readText(editorconfig));
}

function readPackageJson(repoRoot: string): Record<string, unknown> | null {
  const file = path.join(repoRoot, 'package.json');
  if (!existsSync(file)) return null;
  try {
    const value: unknown = JSON.parse(readText(file));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
