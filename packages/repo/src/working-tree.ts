import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { git } from './git.js';

/** Identity of the snapshot commit (it is never on a branch; only its tree matters). */
const SNAPSHOT_IDENTITY = {
  GIT_AUTHOR_NAME: 'orchestrate',
  GIT_AUTHOR_EMAIL: 'orchestrate@localhost',
  GIT_COMMITTER_NAME: 'orchestrate',
  GIT_COMMITTER_EMAIL: 'orchestrate@localhost',
};

/**
 * A commit of the working tree as it is now (staged and unstaged changes, untracked files that are not ignored) on top
 * of `head`, or null when the working tree has nothing `head` lacks. Read-only for the user: everything goes through a
 * temporary index (GIT_INDEX_FILE, a copy of theirs), so their index, files and refs are not touched; git only adds
 * objects, the commit is on no branch.
 */
export async function snapshotWorkingTree(root: string, head: string): Promise<string | null> {
  const dir = await mkdtemp(path.join(tmpdir(), 'orchestrate-index-'));
  try {
    const index = path.join(dir, 'index');
    const userIndex = path.resolve(root, (await git(root, ['rev-parse', '--git-path', 'index'])).trim());
    // A copy keeps what the user staged and git's stat cache (no file is read twice); without an index, start from head.
    const copied = await copyFile(userIndex, index).then(
      () => true,
      () => false,
    );
    const env = { GIT_INDEX_FILE: index, ...SNAPSHOT_IDENTITY };
    if (!copied) await git(root, ['read-tree', head], undefined, env);
    await git(root, ['-c', 'core.hooksPath=/dev/null', 'add', '--all', '--', ':/'], undefined, env);
    const tree = (await git(root, ['write-tree'], undefined, env)).trim();
    if (tree === (await git(root, ['rev-parse', `${head}^{tree}`])).trim()) return null;
    return (
      await git(
        root,
        ['commit-tree', tree, '-p', head, '-m', 'orchestrate: working tree (review snapshot)'],
        undefined,
        env,
      )
    ).trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether a task asks to review uncommitted work ("review my changes", "review the working tree", "uncommitted"). */
export function asksForWorkingTree(task: string): boolean {
  return (
    /\breview\b/i.test(task) &&
    /\b(?:my|uncommitted|unstaged|staged|local|current|pending)\s+(?:\w+\s+)?changes\b|\bworking[- ]?(?:tree|copy|directory)\b|\buncommitted\b|\bunstaged\b/i.test(
      task,
    )
  );
}
