import type { Plan } from '@orchestrate/core';
import { UsageError } from '@orchestrate/core';
import { changedLines, defaultBranch, git, mergeBase, type LineRange } from '@orchestrate/repo';

/** The ref a step compares against: its `changedSince`, or for a review the merge base with the default branch. */
async function refFor(root: string, head: string, step: Plan['steps'][number]): Promise<string | null> {
  if (step.selector.changedSince) return step.selector.changedSince;
  if (step.kind !== 'review') return null;
  const branch = await defaultBranch(root);
  const base = branch ? await mergeBase(root, branch, head) : null;
  if (base && base !== (await resolve(root, head))) return base;
  return `${head}~1`;
}

async function resolve(root: string, ref: string): Promise<string | null> {
  return git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).then((s) => s.trim(), () => null);
}

/**
 * Lines changed between the plan's ref and `head`, by file, for review steps and `changedSince` selectors; null when no
 * step needs them. A ref that does not exist is a usage error that names it.
 */
export async function changedLinesFor(root: string, head: string, plan: Plan, warnings: string[]): Promise<Map<string, LineRange[]> | null> {
  let ref: string | null = null;
  for (const step of plan.steps) {
    const r = await refFor(root, head, step);
    if (r && ref && r !== ref) warnings.push(`${step.id}: compared with ${ref} like the first step (it asked for ${r})`);
    ref ??= r;
  }
  if (!ref) return null;
  const base = await resolve(root, ref);
  if (!base) throw new UsageError(`Unknown git ref \`${ref}\`: name a commit, branch or tag that exists (e.g. HEAD~1 or main).`);
  return changedLines(root, base, head);
}
