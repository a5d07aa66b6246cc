import { realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * The folder of the repository a run is scoped to: `cwd` relative to `root` in git's form (`packages/api`), or '' when
 * `cwd` is the root (or lies outside it, which findRepoRoot rules out).
 */
export async function runScope(root: string, cwd: string): Promise<string> {
  const real = async (p: string) => realpath(p).catch(() => path.resolve(p));
  const rel = path.relative(await real(root), await real(cwd));
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return '';
  return rel.split(path.sep).join('/');
}

/** Whether repository-relative `file` lies in `scope` ('' holds everything). */
export function inScope(scope: string, file: string): boolean {
  return scope === '' || file.startsWith(`${scope}/`);
}
