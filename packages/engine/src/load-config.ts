import { access } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ConfigError, resolveConfig, type ResolvedConfig, type UserConfig } from '@orchestrate/core';

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
  if (explicit && !(await access(explicit).then(() => true, () => false))) {
    throw new ConfigError(`Config file ${explicit} does not exist: check the path given to --config (relative paths start where orchestrate runs).`);
  }
  if (explicit) file = explicit;
  else for (const name of CONFIG_FILES) {
    const candidate = path.join(root, name);
    if (await access(candidate).then(() => true, () => false)) {
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
      const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new ConfigError(`Could not load ${path.basename(file)}: ${message}. Fix the file so it runs, or remove it.`);
    }
    if (typeof user !== 'object' || user === null || Array.isArray(user)) {
      throw new ConfigError(`${path.basename(file)} must \`export default defineConfig({ ... })\` (an object).`);
    }
  }
  const merged: Record<string, unknown> = { ...(user as object), ...stripUndefined(overrides) };
  const userModels = (user as { models?: unknown }).models;
  if (overrides.models) merged.models = { ...(typeof userModels === 'object' ? userModels : {}), ...stripUndefined(overrides.models) };
  return { config: resolveConfig(merged, file ? path.basename(file) : 'options'), file };
}

/** `value` without its undefined entries (so an option not given keeps the config's value). */
export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
