import { gitBuffer } from './git.js';

/**
 * The patch from `parent` to `commit` as `git apply` takes it back (`git diff --binary`, no rename detection, a/ b/
 * prefixes): raw bytes, so a file in any encoding survives. A user's config never changes its format.
 */
export async function commitPatch(root: string, parent: string, commit: string): Promise<Buffer> {
  return gitBuffer(root, [
    '-c',
    'core.quotePath=false',
    'diff',
    '--binary',
    '--full-index',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--no-relative',
    '--no-renames',
    '--src-prefix=a/',
    '--dst-prefix=b/',
    // A revision that starts with `-` must never be read as an option.
    '--end-of-options',
    parent,
    commit,
    '--',
  ]);
}
