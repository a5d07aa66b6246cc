import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ConfigError, resolveConfig, type ResolvedConfig, type UserConfig } from '@orchestrate/core';
import { JOB_KINDS } from '@orchestrate/jobs';

/** Config file names looked up at the repository root, in order. */
export const CONFIG_FILES = ['agents.config.ts', 'agents.config.mts', 'agents.config.js', 'agents.config.mjs'];

// Resolved through the package (not a path relative to this file), so it holds in the CLI's bundle too.
const corePath = createRequire(import.meta.url).resolve('@orchestrate/core');

/**
 * Finds and loads the repository's config file (if any; `explicit` names one, which must exist), merges `overrides`
 * (`models` role by role) and validates the whole.
 */
export async function loadConfig(
  root: string,
  overrides: Partial<UserConfig> = {},
  explicit?: string,
): Promise<{ config: ResolvedConfig; file: string | null }> {
  let file: string | null = null;
  if (
    explicit &&
    !(await access(explicit).then(
      () => true,
      () => false,
    ))
  ) {
    throw new ConfigError(
      `Config file ${explicit} does not exist: check the path given to --config (relative paths start where orchestrate runs).`,
    );
  }
  if (explicit) file = explicit;
  else
    for (const name of CONFIG_FILES) {
      const candidate = path.join(root, name);
      if (
        await access(candidate).then(
          () => true,
          () => false,
        )
      ) {
        file = candidate;
        break;
      }
    }
  let user: unknown = {};
  if (file) {
    // Loaded only when there is a config file to load: most of a short command's start-up otherwise.
    const { createJiti } = await import('jiti');
    const jiti = createJiti(import.meta.url, {
      moduleCache: false,
      alias: { orchestrate: corePath, '@orchestrate/core': corePath },
    });
    try {
      user = await jiti.import(file, { default: true });
    } catch (err) {
      throw await loadFailure(file, err);
    }
    if (typeof user !== 'object' || user === null || Array.isArray(user)) {
      throw new ConfigError(`${path.basename(file)} must \`export default defineConfig({ ... })\` (an object).`);
    }
  }
  const merged: Record<string, unknown> = { ...(user as object), ...stripUndefined(overrides) };
  const userModels = (user as { models?: unknown }).models;
  if (overrides.models)
    merged.models = { ...(typeof userModels === 'object' ? userModels : {}), ...stripUndefined(overrides.models) };
  return { config: resolveConfig(merged, file ? path.basename(file) : 'options', JOB_KINDS), file };
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
async function loadFailure(file: string, err: unknown): Promise<ConfigError> {
  const name = path.basename(file);
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
  if (!location) return new ConfigError(`Could not load ${name}: ${what}. ${fix}`, { cause: err });
  const text = await readFile(file, 'utf8').catch(() => '');
  const line = text.split(/\r?\n/)[location.line - 1];
  const frame = line === undefined ? '' : `\n${codeFrame(line, location.line, location.column)}`;
  return new ConfigError(`Could not load ${name}:${location.line}:${location.column}: ${what}.${frame}\n${fix}`, {
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
