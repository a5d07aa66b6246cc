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
