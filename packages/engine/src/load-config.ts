import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ConfigError, resolveConfig, type ResolvedConfig, type UserConfig } from '@orchestrate/core';
import { JOB_KINDS } from '@orchestrate/jobs';
import { ensureExcluded, resolveCommit, showFileAt } from '@orchestrate/repo';

/** Config file names looked up at the repository root, in order. */
export const CONFIG_FILES = ['agents.config.ts', 'agents.config.mts', 'agents.config.js', 'agents.config.mjs'];

// Resolved through the package (not a path relative to this file), so it holds in the CLI's bundle too.
const corePath = createRequire(import.meta.url).resolve('@orchestrate/core');

/**
 * Finds and loads the repository's config file (if any; `explicit` names one, which must exist), merges `overrides`
 * (`models` role by role) and validates the whole. With `at` (a commit id) the file is the one committed there, never
 * the working tree's: it is copied to `.orchestrate/config/<at>/` and loaded from there, alone (an import of a file
 * beside it is E_CONFIG).
 */
export async function loadConfig(
  root: string,
  overrides: Partial<UserConfig> = {},
  explicit?: string,
  at?: string,
): Promise<{ config: ResolvedConfig; file: string | null }> {
  const found = at ? await committedConfig(root, at, explicit) : await treeConfig(root, explicit);
  let user: unknown = {};
  if (found) {
    const { file, name, commit } = found;
    const label = commit ? `${name} (at commit ${commit.slice(0, 12)})` : name;
    // Loaded only when there is a config file to load: most of a short command's start-up otherwise.
    const { createJiti } = await import('jiti');
    const jiti = createJiti(import.meta.url, {
      moduleCache: false,
      alias: { orchestrate: corePath, '@orchestrate/core': corePath },
    });
    try {
      user = await jiti.import(file, { default: true });
    } catch (err) {
      throw (commit && relativeImportError(label, err)) || (await loadFailure(file, err, name, commit));
    }
    if (typeof user !== 'object' || user === null || Array.isArray(user)) {
      throw new ConfigError(`${label} must \`export default defineConfig({ ... })\` (an object).`);
    }
  }
  const merged: Record<string, unknown> = { ...(user as object), ...stripUndefined(overrides) };
  const userModels = (user as { models?: unknown }).models;
  if (overrides.models)
    merged.models = { ...(typeof userModels === 'object' ? userModels : {}), ...stripUndefined(overrides.models) };
  const source = found ? path.basename(found.file) : 'options';
  return { config: resolveConfig(merged, source, JOB_KINDS), file: found?.file ?? null };
}

/** A config file to load: where it is on disk, and how messages name it. */
interface FoundConfig {
  file: string;
  /** The file's name in the repository. */
  name: string;
  /** The commit it was read from (null: the working tree). */
  commit: string | null;
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** The working tree's config file: `explicit` (which must exist), else the first of CONFIG_FILES at the root. */
async function treeConfig(root: string, explicit: string | undefined): Promise<FoundConfig | null> {
  if (explicit && !(await exists(explicit))) {
    throw new ConfigError(
      `Config file ${explicit} does not exist: check the path given to --config (relative paths start where orchestrate runs).`,
    );
  }
  if (explicit) return { file: explicit, name: path.basename(explicit), commit: null };
  for (const name of CONFIG_FILES) {
    const candidate = path.join(root, name);
    if (await exists(candidate)) return { file: candidate, name, commit: null };
  }
  return null;
}

/**
 * The config file committed at `commit` (`explicit`, a path in the repository, or the first of CONFIG_FILES), copied
 * to `.orchestrate/config/<commit>/` (written whole, then renamed: a concurrent run never loads half a file); null
 * when the commit has none. Imports of other files of the repository are refused before anything runs.
 */
async function committedConfig(root: string, at: string, explicit: string | undefined): Promise<FoundConfig | null> {
  // Resolved even when it is a commit id: a commit the clone lacks must not read as "no config". The id, never the
  // ref (`main`, `a/../b`), names the folder of the copy.
  const commit = at.startsWith('-') ? null : await resolveCommit(root, at);
  if (!commit) throw new ConfigError(`Cannot read the config at \`${at}\`: it names no commit of the repository.`);
  const inRepo = explicit ? path.relative(root, path.resolve(root, explicit)).split(path.sep).join('/') : null;
  if (inRepo !== null && (inRepo.startsWith('../') || path.isAbsolute(inRepo) || inRepo === '')) {
    throw new ConfigError(
      `Config file ${explicit} is outside the repository: a config read from a commit is a file of that commit.`,
    );
  }
  const names = inRepo ? [inRepo] : CONFIG_FILES;
  const texts = await Promise.all(names.map((name) => showFileAt(root, commit, name)));
  const index = texts.findIndex((t) => t !== null);
  const short = commit.slice(0, 12);
  if (index < 0) {
    if (inRepo) throw new ConfigError(`Config file ${inRepo} does not exist at commit ${short}.`);
    return null;
  }
  const name = names[index]!;
  const text = texts[index]!;
  const imported = relativeImportIn(text);
  if (imported) throw relativeImport(`${name} (at commit ${short})`, imported);
  await ensureExcluded(root);
  const dir = path.join(root, '.orchestrate', 'config', commit);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, path.basename(name));
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, text);
  await rename(partial, file);
  return { file, name, commit };
}

/** The first import of a file (`./x`, `../x`, `/x`) in a config's code, comments left out (a rough scan, not a parser). */
function relativeImportIn(text: string): string | null {
  const code = text
    .replace(/\bimport\s+type\b[^;'"`]*from\s*(['"`])[^'"`]*\1/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/[^\n]*/g, '$1');
  const m = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"`])((?:\.{1,2}|)\/[^'"`]*)\1/.exec(code);
  return m ? m[2]! : null;
}

/** The E_CONFIG for a committed config that imports a file of the repository. */
function relativeImport(label: string, specifier: string): ConfigError {
  return new ConfigError(
    `${label} imports ${JSON.stringify(specifier)}: a config read from a commit is loaded on its own, so it may import ` +
      'packages (orchestrate, node:…) but no other file of the repository. Move what it imports into the config file.',
  );
}

/** The relative-import error for a load that failed on a missing relative module (what the scan did not see). */
function relativeImportError(label: string, err: unknown): ConfigError | null {
  const message = err instanceof Error ? err.message : String(err);
  const m = /Cannot find module '((?:\.{1,2}|)\/[^']*)'/.exec(message);
  return m ? relativeImport(label, m[1]!) : null;
}

/** `value` without its undefined entries (so an option not given keeps the config's value). */
export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The error for a config file that does not load: `file:line:column`, what went wrong, and the line with a caret under
 * the column. The position comes from the parser's message (a syntax error) or from the stack frame in the file (an
 * error thrown while it runs).
 */
async function loadFailure(
  file: string,
  err: unknown,
  name = path.basename(file),
  commit: string | null = null,
): Promise<ConfigError> {
  const at = commit ? ` (at commit ${commit.slice(0, 12)})` : '';
  const message = err instanceof Error ? err.message : String(err);
  const what = message
    .split('\n')[0]!
    .trim()
    .replace(/^(?:ParseError|SyntaxError):\s*/, '')
    .replace(/\.$/, '');
  // The parser's position (in the message) has a 0-based column; a stack frame's is 1-based, as editors count.
  const parsed = positionIn(file, message);
  const location = parsed
    ? { ...parsed, column: parsed.column + 1 }
    : positionIn(file, err instanceof Error ? (err.stack ?? '') : '');
  const fix = 'Fix the file so it runs, or remove it.';
  if (!location) return new ConfigError(`Could not load ${name}${at}: ${what}. ${fix}`, { cause: err });
  const text = await readFile(file, 'utf8').catch(() => '');
  const line = text.split(/\r?\n/)[location.line - 1];
  const frame = line === undefined ? '' : `\n${codeFrame(line, location.line, location.column)}`;
  return new ConfigError(`Could not load ${name}:${location.line}:${location.column}${at}: ${what}.${frame}\n${fix}`, {
    cause: err,
    location,
  });
}

/** The first `file:line:column` naming `file` in `text` (a message or a stack), if any. */
function positionIn(file: string, text: string): { file: string; line: number; column: number } | undefined {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`(?:file://)?${escaped}:(\\d+):(\\d+)`).exec(text);
  return m ? { file, line: Number(m[1]), column: Number(m[2]) } : undefined;
}

/** One source line with its number, and a caret under `column` (1-based), as compilers print them. */
function codeFrame(source: string, line: number, column: number): string {
  const gutter = String(line);
  const shown = source.replace(/\t/g, ' ');
  return `  ${gutter} | ${shown}\n  ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, column - 1))}^`;
}
