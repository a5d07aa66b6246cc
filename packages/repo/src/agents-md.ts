import { git } from './git.js';
import { readCommitFiles } from './files.js';

/**
 * The repository's root `AGENTS.md` as committed at `commit` (never the working tree), or null when that commit has
 * none or it is not a regular file (a symlink is not followed, as for every file orchestrate reads from a commit).
 * Other git failures (a bad commit, not a repository) throw GitError as everywhere in the git layer.
 */
export async function readAgentsMd(root: string, commit: string): Promise<string | null> {
  const entry = await git(root, ['ls-tree', '--full-tree', commit, '--', 'AGENTS.md']);
  if (!/^100(644|755) blob /.test(entry)) return null;
  return git(root, ['show', `${commit}:AGENTS.md`]);
}

/**
 * Every file named one of `names` (`AGENTS.override.md`, `AGENTS.md`) at any depth of `commit`, path → text, read as
 * `readCommitFiles` reads its `extraNames` (blobs only, no symlinks, 4 MB each, none whose path `exclude` matches) and
 * without reading any source file: for a run whose AGENTS files come from another commit than its sources.
 */
export async function readAgentsDocs(
  root: string,
  commit: string,
  names: readonly string[],
  exclude: string[] = [],
): Promise<Map<string, string>> {
  const read = await readCommitFiles(root, commit, { include: [], exclude, maxFileBytes: 0, extraNames: names });
  return read.extras;
}
