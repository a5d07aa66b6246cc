import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BIOME_CONFIGS, nodeLoadsTypeScript, readText } from './format-support.js';
import { deriveStyle } from './format-style.js';
import type { FormatterInfo } from './format-types.js';
import { ownPrettier } from './own-prettier.js';

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

/** `"formatter": { "enabled": false }` at the top of a Biome config (a cheap look, not a JSONC parser). */
function biomeFormatterDisabled(configPath: string): boolean {
  return /"formatter"\s*:\s*\{[^{}]*"enabled"\s*:\s*false/.test(readText(configPath));
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
