import { git } from './git.js';

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
