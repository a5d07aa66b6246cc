import type { Plan } from '@orchestrate/core';
import { EnvironmentError, UsageError } from '@orchestrate/core';
import {
  changedLines,
  defaultBranch,
  emptyTree,
  isShallowClone,
  mergeBase,
  resolveCommit,
  type LineRange,
} from '@orchestrate/repo';

/** The ref a step compares against: its `changedSince`, or for a review the merge base with the default branch. */
async function refFor(root: string, head: string, step: Plan['steps'][number]): Promise<string | null> {
  if (step.selector.changedSince) return step.selector.changedSince;
  if (step.kind !== 'review') return null;
  const branch = await defaultBranch(root);
  const base = branch ? await mergeBase(root, branch, head) : null;
  if (base && base !== (await resolveCommit(root, head))) return base;
  // The first commit has no parent: it is compared with the empty tree, so all of it is reviewed. (In a shallow clone
  // the parent exists but was not fetched: that is E_SHALLOW_CLONE, below.)
  const parentless = !(await resolveCommit(root, `${head}~1`)) && (await resolveCommit(root, head));
  if (parentless && !(await isShallowClone(root))) return emptyTree(root);
  return `${head}~1`;
}

/**
 * Lines changed between the plan's ref and `head`, by file, for review steps and `changedSince` selectors; null when no
 * step needs them. A ref that does not exist is a usage error that names it (E_SHALLOW_CLONE when the clone lacks it).
 * `range.base` gets the commit compared against.
 */
export async function changedLinesFor(
  root: string,
  head: string,
  plan: Plan,
  warnings: string[],
  range: { base?: string } = {},
): Promise<Map<string, LineRange[]> | null> {
  let ref: string | null = null;
  for (const step of plan.steps) {
    const r = await refFor(root, head, step);
    if (r && ref && r !== ref)
      warnings.push(`${step.id}: compared with ${ref} like the first step (it asked for ${r})`);
    ref ??= r;
  }
  if (!ref) return null;
  const base = (await resolveCommit(root, ref)) ?? (ref === (await emptyTree(root)) ? ref : null);
  if (!base) throw await missingRef(root, ref);
  range.base = base;
  return changedLines(root, base, head);
}

/**
 * The error for a ref that does not resolve: in a shallow clone the history is missing, not the user's word wrong
 * (E_SHALLOW_CLONE says how to fetch it); else E_USAGE naming the ref.
 */
export async function missingRef(root: string, ref: string): Promise<EnvironmentError | UsageError> {
  if (await isShallowClone(root)) {
    return new EnvironmentError(
      'E_SHALLOW_CLONE',
      `This is a shallow clone and \`${ref}\` is not in its history. Fetch more of it (\`git fetch --deepen=50\`, or \`git fetch --unshallow\` for all of it) and run again, or name a base the clone has.`,
    );
  }
  return new UsageError(`Unknown git ref \`${ref}\`: name a commit, branch or tag that exists (e.g. HEAD~1 or main).`);
}
