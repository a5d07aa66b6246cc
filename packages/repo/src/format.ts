import path from 'node:path';
import { prettierBatch } from './format-prettier.js';
import { biomeFile, dprintFile } from './format-stdin.js';
import type { FormatFileResult, FormatOptions, FormatterInfo } from './format-types.js';
import { firstLines } from './tool-process.js';

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

const errorText = (err: unknown) => firstLines(err instanceof Error ? err.message : String(err));
