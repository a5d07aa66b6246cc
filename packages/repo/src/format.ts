import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { deriveStyle } from './format-style.js';
import { describeToolFailure, firstLines, runTool, toolSucceeded, type ToolResult } from './tool-process.js';

/**
 * The formatter a repository uses and how it is run. `source` says whose formatter code runs: `'repository'` is the
 * repository's own installation (`node_modules/prettier`, `node_modules/.bin/biome`), `'bundled'` is orchestrate's
 * prettier, used only when the repository has no formatter of its own. Either way it runs in a child process in the
 * repository's folder, so its config, plugins and ignore files resolve as they do for the repository's own scripts.
 */
export interface FormatterInfo {
  name: 'prettier' | 'biome' | 'dprint';
  source: 'repository' | 'bundled';
  /** The root config, relative to the repository root (`'package.json'` for its `"prettier"` key), or null. */
  configFile: string | null;
  version: string;
  /** What runs: prettier's module entry (loaded by a small script in a child process), or biome's / dprint's binary. */
  executable: string | null;
  /** Why this formatter cannot run here (not installed, a config this Node cannot load): every file fails with it. */
  problem: string | null;
  /** How the formatter was chosen, for the plan (`scripts.format runs biome`, `.prettierrc`, …). */
  chosenBy: string;
  /**
   * Prettier options derived from `.editorconfig` and the code's dominant style, for a repository with no formatter
   * config at all (null otherwise), and where each came from.
   */
  derived: { options: Record<string, string | number | boolean>; sources: string[] } | null;
}

/** The formatted text of one file, or why the formatter could not format it. Ignored files come back unchanged. */
export type FormatFileResult = { ok: true; text: string } | { ok: false; reason: string };

/** Limits for a formatter's child processes. */
export interface FormatOptions {
  /** Per process; a batch gets this plus `perFileMs` for each of its files. */
  timeoutMs?: number;
  perFileMs?: number;
  /** Files one prettier process formats. */
  batchSize?: number;
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
const DPRINT_CONFIGS = ['dprint.json', '.dprint.json', 'dprint.jsonc', '.dprint.jsonc'];
const LINT_STAGED_CONFIGS = [
  '.lintstagedrc',
  '.lintstagedrc.json',
  '.lintstagedrc.yaml',
  '.lintstagedrc.yml',
  '.lintstagedrc.js',
  '.lintstagedrc.cjs',
  '.lintstagedrc.mjs',
  'lint-staged.config.js',
  'lint-staged.config.mjs',
  'lint-staged.config.cjs',
];
const TOOLS = ['biome', 'dprint', 'prettier'] as const;
type Tool = (typeof TOOLS)[number];

/**
 * Finds the formatter a repository uses, as its own scripts run it: the tool its `format` script or lint-staged runs,
 * else the one its config files name (prettier, then Biome with its formatter on, then dprint), else the one in its
 * (dev)dependencies. The repository's own installation runs; when it is not installed `problem` says to run the
 * repository's install first (another formatter is never used instead). A repository with no formatter of its own and
 * a prettier config gets orchestrate's prettier with that config; one with no formatter config at all gets
 * orchestrate's prettier with options derived from `.editorconfig` and `files` (the indexed code). Never throws.
 */
export function detectFormatter(
  repoRoot: string,
  files: readonly { path: string; text: string }[] = [],
): FormatterInfo {
  const pkg = readPackageJson(repoRoot);
  const prettierConfig =
    (pkg?.prettier !== undefined ? 'package.json' : null) ??
    (existsSync(path.join(repoRoot, 'package.yaml')) &&
    /^prettier\s*:/m.test(readText(path.join(repoRoot, 'package.yaml')))
      ? 'package.yaml'
      : null) ??
    PRETTIER_CONFIGS.find((name) => existsSync(path.join(repoRoot, name))) ??
    null;
  const biomeConfig = BIOME_CONFIGS.find((name) => existsSync(path.join(repoRoot, name))) ?? null;
  const biomeOn = biomeConfig !== null && !biomeFormatterDisabled(path.join(repoRoot, biomeConfig));
  const dprintConfig = DPRINT_CONFIGS.find((name) => existsSync(path.join(repoRoot, name))) ?? null;
  const declared = (dep: string) =>
    ['dependencies', 'devDependencies'].some((key) => {
      const deps = pkg?.[key];
      return deps !== null && typeof deps === 'object' && dep in deps;
    });
  const scripted = scriptedFormatter(repoRoot, pkg);
  const choice: [Tool, string] | null =
    scripted ??
    (prettierConfig ? ['prettier', prettierConfig] : null) ??
    (biomeOn ? ['biome', biomeConfig!] : null) ??
    (dprintConfig ? ['dprint', dprintConfig] : null) ??
    (declared('@biomejs/biome') ? ['biome', '@biomejs/biome in package.json'] : null) ??
    (declared('dprint') ? ['dprint', 'dprint in package.json'] : null) ??
    (declared('prettier') ? ['prettier', 'prettier in package.json'] : null);
  const tool = choice?.[0] ?? 'prettier';
  const chosenBy = choice?.[1] ?? 'no formatter config';
  const install = installHint(repoRoot);
  if (tool === 'biome' || tool === 'dprint') {
    const bin = findBin(repoRoot, tool);
    const configFile = tool === 'biome' ? biomeConfig : dprintConfig;
    const problem = bin
      ? null
      : `This repository formats with ${tool} (${chosenBy}) but node_modules/.bin/${tool} is not installed: run the repository's install (\`${install}\`) first.`;
    const version = tool === 'biome' ? packageVersion(repoRoot, '@biomejs/biome') : packageVersion(repoRoot, 'dprint');
    return { name: tool, source: 'repository', configFile, version, executable: bin, problem, chosenBy, derived: null };
  }
  const tsProblem =
    prettierConfig && /\.[cm]?ts$/.test(prettierConfig) && !nodeLoadsTypeScript()
      ? `prettier loads ${prettierConfig} through Node's TypeScript support, which Node ${process.versions.node} lacks: run orchestrate on Node 22.6 or later, or use a .prettierrc.json / prettier.config.mjs.`
      : null;
  const own = repoPrettier(repoRoot);
  if (own)
    return {
      name: 'prettier',
      source: 'repository',
      configFile: prettierConfig,
      version: own.version,
      executable: own.entry,
      problem: tsProblem,
      chosenBy,
      derived: null,
    };
  if (declared('prettier') || scripted?.[0] === 'prettier') {
    const problem = `This repository formats with prettier (${chosenBy}) but its prettier is not installed (node_modules/prettier): run the repository's install (\`${install}\`) first.`;
    return {
      name: 'prettier',
      source: 'repository',
      configFile: prettierConfig,
      version: 'not installed',
      executable: null,
      problem,
      chosenBy,
      derived: null,
    };
  }
  const derived = prettierConfig ? null : deriveStyle(repoRoot, files);
  let bundled: { version: string; entry: string } | null = null;
  try {
    bundled = ownPrettier();
  } catch {
    const problem =
      "orchestrate's own prettier (for a repository without a formatter) is missing: reinstall orchestrate, or install prettier in the repository.";
    return {
      name: 'prettier',
      source: 'bundled',
      configFile: prettierConfig,
      version: 'missing',
      executable: null,
      problem,
      chosenBy,
      derived,
    };
  }
  return {
    name: 'prettier',
    source: 'bundled',
    configFile: prettierConfig,
    version: bundled.version,
    executable: bundled.entry,
    problem: tsProblem,
    chosenBy,
    derived,
  };
}

/** One line for the plan: which formatter runs, why, and the options derived when the repository has no config. */
export function describeFormatter(info: FormatterInfo): string {
  if (info.problem) return `formatter: ${info.problem}`;
  const whose = info.source === 'bundled' ? "orchestrate's" : "the repository's";
  const head = `formatter: ${whose} ${info.name} ${info.version} (${info.chosenBy})`;
  if (!info.derived) return head;
  const options = info.derived.sources.length ? info.derived.sources.join(', ') : "none found, prettier's defaults";
  return `${head}; options from .editorconfig and the code's dominant style: ${options}`;
}

/**
 * Orchestrate's own prettier (the no-config fallback): its folder, version, module entry and bin. The one place that
 * locates it, so a packaged CLI can point it elsewhere. In the CLI's CommonJS bundle the literal `require.resolve`
 * calls below are rewritten by esbuild to prettier's absolute paths (apps/cli/bin/bundle.mjs keeps prettier outside
 * the bundle), so they must stay literal; from sources (ESM) prettier resolves from this package.
 */
export function ownPrettier(): { dir: string; version: string; entry: string; bin: string } {
  let manifestPath: string;
  let entry: string;
  if (typeof require === 'function') {
    manifestPath = require.resolve('prettier/package.json');
    entry = require.resolve('prettier');
  } else {
    const req = createRequire(import.meta.url);
    manifestPath = req.resolve('prettier/package.json');
    entry = req.resolve('prettier');
  }
  const manifest = JSON.parse(readText(manifestPath)) as { version: string; bin: string | Record<string, string> };
  const dir = path.dirname(manifestPath);
  const bin = typeof manifest.bin === 'string' ? manifest.bin : (manifest.bin.prettier ?? 'bin/prettier.cjs');
  return { dir, version: manifest.version, entry, bin: path.join(dir, bin) };
}

/**
 * Formats many files as the repository's formatter would format them at their paths (relative to `repoRoot`, or
 * absolute under it), in child processes run in the repository's folder: prettier many files per process (its
 * config, plugins, `.editorconfig` and ignore files resolved on the real paths, as its CLI does), biome and dprint
 * one file per process on stdin. Ignored files and files prettier has no parser for come back unchanged. Line endings
 * follow the file unless the config sets them; a BOM is kept. Never writes a file; never throws for the formatter's
 * sake: a file it cannot format, a crash, a hang or a missing install is that file's `reason`.
 */
export function formatFiles(
  info: FormatterInfo,
  repoRoot: string,
  files: readonly { path: string; text: string }[],
  options: FormatOptions = {},
): Promise<FormatFileResult[]> {
  return Promise.all(formatEach(info, repoRoot, files, options));
}

/** {@link formatFiles} with one promise per file, each settled as soon as its batch is done. Never rejects. */
export function formatEach(
  info: FormatterInfo,
  repoRoot: string,
  files: readonly { path: string; text: string }[],
  options: FormatOptions = {},
): Promise<FormatFileResult>[] {
  if (info.problem || !info.executable) {
    return files.map(() => Promise.resolve({ ok: false, reason: info.problem ?? `${info.name} is not available` }));
  }
  const timeoutMs = options.timeoutMs ?? 60_000;
  const perFileMs = options.perFileMs ?? 100;
  const list = files.map((f) => ({ absolute: path.resolve(repoRoot, f.path), text: f.text }));
  if (info.name === 'prettier') {
    // Two processes at a time: one per core of a small machine, each paying prettier's start-up once per batch.
    const limit = limiter(2);
    const size = Math.max(1, options.batchSize ?? 250);
    const out: Promise<FormatFileResult>[] = [];
    for (let i = 0; i < list.length; i += size) {
      const chunk = list.slice(i, i + size);
      const batch = limit(() => prettierBatch(info, repoRoot, chunk, timeoutMs + perFileMs * chunk.length)).catch(
        (err: unknown) =>
          chunk.map((): FormatFileResult => ({ ok: false, reason: `prettier could not be run: ${errorText(err)}` })),
      );
      chunk.forEach((_, j) => out.push(batch.then((results) => results[j]!)));
    }
    return out;
  }
  const limit = limiter(4);
  const one = (f: (typeof list)[number]) =>
    info.name === 'biome' ? biomeFile(info, repoRoot, f, timeoutMs) : dprintFile(info, repoRoot, f, timeoutMs);
  return list.map((f) =>
    limit(() => one(f)).catch((err: unknown): FormatFileResult => ({
      ok: false,
      reason: `${info.name} could not be run: ${errorText(err)}`,
    })),
  );
}

/** One file through {@link formatFiles}; throws with the formatter's reason when it cannot format it. */
export async function formatText(
  info: FormatterInfo,
  repoRoot: string,
  filePath: string,
  text: string,
): Promise<string> {
  const [result] = await formatFiles(info, repoRoot, [{ path: filePath, text }]);
  if (!result!.ok) throw new Error(result!.reason);
  return result!.text;
}

/**
 * The script a prettier child process runs: it loads the given prettier, then for each file does what the prettier
 * CLI does for `--stdin-filepath` (ignore files, config with `.editorconfig` and plugins, infer the parser, format),
 * and prints one JSON document. A file's error is that file's; only a prettier that cannot load fails them all.
 */
const PRETTIER_SCRIPT = String.raw`
const { pathToFileURL } = require('node:url');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', async () => {
  const req = JSON.parse(input);
  const message = (e) => (e && e.name && e.name !== 'Error' ? e.name + ': ' : '') + String((e && (e.message || e.stack)) || e);
  let prettier;
  try {
    const ns = await import(pathToFileURL(req.entry).href);
    prettier = typeof ns.format === 'function' ? ns : ns.default;
    if (!prettier || typeof prettier.format !== 'function') throw new Error(req.entry + ' does not look like prettier');
  } catch (e) {
    process.stdout.write(JSON.stringify({ fatal: message(e) }));
    return;
  }
  const major = Number(String(prettier.version).split('.')[0]);
  const ignorePath = major >= 3 ? req.ignorePaths : req.ignorePaths[req.ignorePaths.length - 1];
  const results = [];
  for (const f of req.files) {
    try {
      const info = await prettier.getFileInfo(f.path, { ignorePath, resolveConfig: true });
      if (info.ignored || !info.inferredParser) {
        results.push({ ok: true });
        continue;
      }
      const config = (await prettier.resolveConfig(f.path, { editorconfig: true })) || {};
      const options = Object.assign({}, req.defaults, config, { filepath: f.path });
      if (options.endOfLine === undefined) options.endOfLine = 'auto';
      const text = await prettier.format(f.text, options);
      results.push(text === f.text ? { ok: true } : { ok: true, text });
    } catch (e) {
      results.push({ ok: false, error: message(e) });
    }
  }
  process.stdout.write(JSON.stringify({ version: prettier.version, results }));
});
`;

async function prettierBatch(
  info: FormatterInfo,
  repoRoot: string,
  files: { absolute: string; text: string }[],
  timeoutMs: number,
): Promise<FormatFileResult[]> {
  const input = JSON.stringify({
    entry: info.executable,
    ignorePaths: [path.join(repoRoot, '.gitignore'), path.join(repoRoot, '.prettierignore')],
    defaults: info.derived?.options ?? {},
    files: files.map((f) => ({ path: f.absolute, text: f.text })),
  });
  const whose = info.source === 'bundled' ? "orchestrate's" : "the repository's";
  const one =
    files.length === 1 ? ` --stdin-filepath ${relative(repoRoot, files[0]!.absolute)}` : ` on ${files.length} files`;
  const result = await runTool({
    command: process.execPath,
    args: [...typeScriptFlags(), '-e', PRETTIER_SCRIPT],
    cwd: repoRoot,
    input,
    timeoutMs,
    maxOutputBytes: 4 * input.length + 1024 * 1024,
    env: toolEnv(),
    label: `prettier${one} (${whose} prettier ${info.version}, ${relative(repoRoot, info.executable!)})`,
  });
  const all = (reason: string) => files.map((): FormatFileResult => ({ ok: false, reason }));
  if (!toolSucceeded(result)) return all(describeToolFailure(result, timeoutMs));
  let parsed: { fatal?: string; results?: ({ ok: true; text?: string } | { ok: false; error: string })[] };
  try {
    parsed = JSON.parse(result.stdout) as typeof parsed;
  } catch {
    return all(`\`${result.label}\` printed no result: ${firstLines(result.stderr || result.stdout) || 'no output'}`);
  }
  if (parsed.fatal !== undefined || parsed.results?.length !== files.length) {
    return all(`\`${result.label}\` could not load prettier: ${firstLines(parsed.fatal ?? 'no result')}`);
  }
  return parsed.results.map((r, i): FormatFileResult => {
    const file = files[i]!;
    if (r.ok) return { ok: true, text: r.text ?? file.text };
    const hint =
      /ERR_UNKNOWN_FILE_EXTENSION|Unknown file extension "\.[cm]?ts"/.test(r.error) && !nodeLoadsTypeScript()
        ? ` (a TypeScript prettier config needs Node 22.6 or later; this is Node ${process.versions.node})`
        : '';
    return {
      ok: false,
      reason: `\`prettier --stdin-filepath ${relative(repoRoot, file.absolute)}\` (${whose} prettier ${info.version}) failed: ${firstLines(r.error, 2)}${hint}`,
    };
  });
}

/**
 * Biome through its CLI, text on stdin. Biome writes LF unless configured, so a CRLF file gets `--line-ending=crlf`
 * when neither its config nor `.editorconfig` says otherwise; it keeps a BOM itself.
 */
async function biomeFile(
  info: FormatterInfo,
  repoRoot: string,
  file: { absolute: string; text: string },
  timeoutMs: number,
): Promise<FormatFileResult> {
  const rel = relative(repoRoot, file.absolute);
  const args = ['format', `--stdin-file-path=${rel}`];
  const firstBreak = /\r\n|\n|\r/.exec(file.text)?.[0];
  if (firstBreak === '\r\n' && !lineEndingConfigured(repoRoot)) args.push('--line-ending=crlf');
  return stdinFormatter(info.executable!, args, repoRoot, file.text, timeoutMs, `biome ${args.join(' ')}`);
}

/** dprint through its CLI: `dprint fmt --stdin <path>` formats stdin as the file at that path would be. */
async function dprintFile(
  info: FormatterInfo,
  repoRoot: string,
  file: { absolute: string; text: string },
  timeoutMs: number,
): Promise<FormatFileResult> {
  const args = ['fmt', '--stdin', relative(repoRoot, file.absolute)];
  return stdinFormatter(info.executable!, args, repoRoot, file.text, timeoutMs, `dprint ${args.join(' ')}`);
}

async function stdinFormatter(
  bin: string,
  args: string[],
  cwd: string,
  text: string,
  timeoutMs: number,
  label: string,
): Promise<FormatFileResult> {
  const result: ToolResult = await runTool({
    command: bin,
    args,
    cwd,
    input: text,
    timeoutMs,
    maxOutputBytes: 4 * text.length + 1024 * 1024,
    env: toolEnv(),
    label,
  });
  if (!toolSucceeded(result)) return { ok: false, reason: describeToolFailure(result, timeoutMs) };
  return { ok: true, text: result.stdout };
}

/** A function that runs at most `n` of the tasks given to it at a time (a safety net: a failed task frees its slot). */
function limiter(n: number): <R>(task: () => Promise<R>) => Promise<R> {
  let active = 0;
  const queue: (() => void)[] = [];
  return (task) =>
    new Promise((resolve, reject) => {
      const start = () => {
        active++;
        task()
          .then(resolve, reject)
          .finally(() => {
            active--;
            queue.shift()?.();
          });
      };
      if (active < n) start();
      else queue.push(start);
    });
}

/** The tool its `format` (or `fmt`, `format:*`) script runs, else the one its lint-staged config runs. */
function scriptedFormatter(repoRoot: string, pkg: Record<string, unknown> | null): [Tool, string] | null {
  const scripts = (pkg?.scripts && typeof pkg.scripts === 'object' ? pkg.scripts : {}) as Record<string, unknown>;
  for (const [name, command] of Object.entries(scripts)) {
    if (!/^(format|fmt)(:|$)/.test(name) || typeof command !== 'string') continue;
    const tool = TOOLS.find((t) => new RegExp(`\\b${t}\\b`).test(command));
    if (tool) return [tool, `scripts.${name} runs ${tool}`];
  }
  const lintStaged = [
    pkg?.['lint-staged'] !== undefined ? JSON.stringify(pkg['lint-staged']) : null,
    ...LINT_STAGED_CONFIGS.map((name) =>
      existsSync(path.join(repoRoot, name)) ? readText(path.join(repoRoot, name)) : null,
    ),
  ].filter((t): t is string => t !== null);
  for (const text of lintStaged) {
    const tool = TOOLS.find((t) => new RegExp(`\\b${t}\\b`).test(text));
    if (tool) return [tool, `lint-staged runs ${tool}`];
  }
  return null;
}

/**
 * The repository's own prettier, found as Node finds it from the repository (its node_modules, then those of the
 * folders above) but never through NODE_PATH: a package manager running orchestrate sets NODE_PATH to its own store.
 */
function repoPrettier(repoRoot: string): { entry: string; version: string } | null {
  const manifest = findPackage(repoRoot, 'prettier');
  if (!manifest) return null;
  try {
    const version = (JSON.parse(readText(manifest)) as { version?: unknown }).version;
    // Resolved from the package's own folder: found there by the node_modules walk, before NODE_PATH is consulted.
    const entry = createRequire(manifest).resolve('prettier');
    return { entry, version: typeof version === 'string' ? version : 'unknown' };
  } catch {
    return null;
  }
}

/** `node_modules/<name>/package.json` in the repository or the nearest folder above it that has it. */
function findPackage(repoRoot: string, name: string): string | null {
  for (let dir = repoRoot; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return manifest;
    if (path.dirname(dir) === dir) return null;
  }
}

/** `node_modules/.bin/<tool>` in the repository or a folder above it (where a package manager's scripts find it). */
function findBin(repoRoot: string, tool: string): string | null {
  for (let dir = repoRoot; ; dir = path.dirname(dir)) {
    const bin = path.join(dir, 'node_modules', '.bin', tool);
    if (existsSync(bin)) return bin;
    if (path.dirname(dir) === dir) return null;
  }
}

function packageVersion(repoRoot: string, name: string): string {
  const manifest = findPackage(repoRoot, name);
  const version = manifest ? (JSON.parse(readText(manifest) || '{}') as { version?: unknown }).version : undefined;
  return typeof version === 'string' ? version : 'unknown';
}

/** The install command for the repository's package manager, from its lock file. */
function installHint(repoRoot: string): string {
  if (existsSync(path.join(repoRoot, 'pnpm-lock.yaml'))) return 'pnpm install';
  if (existsSync(path.join(repoRoot, 'yarn.lock'))) return 'yarn install';
  if (existsSync(path.join(repoRoot, 'bun.lockb')) || existsSync(path.join(repoRoot, 'bun.lock'))) return 'bun install';
  return 'npm install';
}

/** Whether a child `node` loads `.ts` files: natively (23.6+) or with the flag 22.6+ has. */
function nodeLoadsTypeScript(): boolean {
  return Boolean((process.features as { typescript?: unknown }).typescript) || typeScriptFlags().length > 0;
}

function typeScriptFlags(): string[] {
  if ((process.features as { typescript?: unknown }).typescript) return [];
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  return (major === 22 && minor >= 6) || (major === 23 && minor < 6)
    ? ['--experimental-strip-types', '--no-warnings']
    : [];
}

/** `"formatter": { "enabled": false }` at the top of a Biome config (a cheap look, not a JSONC parser). */
function biomeFormatterDisabled(configPath: string): boolean {
  return /"formatter"\s*:\s*\{[^{}]*"enabled"\s*:\s*false/.test(readText(configPath));
}

function lineEndingConfigured(repoRoot: string): boolean {
  const configs = BIOME_CONFIGS.map((name) => path.join(repoRoot, name)).filter((p) => existsSync(p));
  if (configs.some((p) => /"lineEnding"/.test(readText(p)))) return true;
  const editorconfig = path.join(repoRoot, '.editorconfig');
  return existsSync(editorconfig) && /^\s*end_of_line\s*=/im.test(readText(editorconfig));
}

/** The environment a repository's formatter runs in: ours without NODE_PATH (a package manager's store, not the repository's). */
function toolEnv(): NodeJS.ProcessEnv {
  const { NODE_PATH: _ignored, ...env } = process.env;
  return env;
}

const errorText = (err: unknown) => firstLines(err instanceof Error ? err.message : String(err));

const relative = (root: string, absolute: string) => path.relative(root, absolute).split(path.sep).join('/');

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
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
