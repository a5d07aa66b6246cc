// What a merge checks in a bundle before it trusts any patch of it: a bundle is input from another machine.
import { GitError, type ShardPlanFile } from '@orchestrate/core';
import { blobsAt, patchTouches } from '@orchestrate/repo';
import type { LoadedBundle } from './merge-bundles.js';

/** Header lines of a `diff --git` section that create, delete, rename, copy, change a mode or carry binary data. */
const FORBIDDEN_HEADER =
  /^(?:new file mode|deleted file mode|old mode|new mode|rename from|rename to|copy from|copy to|similarity index|dissimilarity index|GIT binary patch|Binary files )/;

/**
 * Why a bundle must not be merged, or the files its patches touch when every patch of it only edits existing files of
 * its shard: each step is a step of the plan; each patch is nothing but `diff --git` sections that create, delete,
 * rename, copy, chmod nothing and are not binary (read from the headers, then from `git apply --numstat/--summary`,
 * which is what git would do); every path it touches is one of the files of *the plan's* spec of the bundle's shard
 * (not the bundle's own `files`) and a file of the base commit. No step kind's patch may create a file in a merge: a
 * step that creates files (the boilerplate tests kind) is refused with that said.
 */
export async function bundleRefusal(
  root: string,
  plan: ShardPlanFile,
  bundle: LoadedBundle,
): Promise<{ reason: string } | { files: Set<string> }> {
  const touched = new Set<string>();
  const refuse = (reason: string) => ({ reason });
  const index = bundle.manifest.shard.index;
  const spec = plan.shards.find((s) => s.index === index);
  if (!spec) return refuse(`the plan has no shard ${index}`);
  const mine = new Set(spec.files);
  const steps = new Map(plan.plan.steps.map((s) => [s.id, s]));
  for (const [n, part] of bundle.patches.entries()) {
    const step = steps.get(part.stepId);
    if (!step) return refuse(`its patch ${n + 1} is of step "${part.stepId}", which the plan does not have`);
    const where = `its patch ${n + 1} (step ${part.stepId})`;
    const creating =
      step.kind === 'boilerplate' ? '; a step that creates files is not merged from shards: run it unsharded' : '';
    const header = headerRefusal(part.patch);
    if (header) return refuse(`${where} ${header}${creating}`);
    let touches: Awaited<ReturnType<typeof patchTouches>>;
    try {
      touches = await patchTouches(root, part.patch);
    } catch (err) {
      if (!(err instanceof GitError)) throw err;
      return refuse(`${where} is not a patch git can read (${firstLine(err.stderr)})`);
    }
    if (touches.summary.length) {
      return refuse(
        `${where} does more than edit existing files: ${touches.summary.slice(0, 3).join('; ')}${creating}`,
      );
    }
    const binary = touches.files.find((f) => f.binary);
    if (binary) return refuse(`${where} changes ${binary.path} as binary`);
    const foreign = touches.files.find((f) => !mine.has(f.path));
    if (foreign)
      return refuse(`${where} touches ${foreign.path}, which is not one of shard ${index}'s files in the plan`);
    const paths = touches.files.map((f) => f.path);
    const present = await blobsAt(root, plan.baseCommit, paths);
    const absent = paths.find((p) => !present.has(p));
    if (absent) return refuse(`${where} touches ${absent}, which is not a file of the base commit`);
    for (const p of paths) touched.add(p);
  }
  return { files: touched };
}

/** Why a patch's text is refused before git reads it: text outside `diff --git` sections, or a forbidden header. */
function headerRefusal(patch: string): string | null {
  const sections = patch.split(/^(?=diff --git )/m);
  if (sections[0] && !sections[0].startsWith('diff --git ') && sections[0].trim()) {
    return 'has text before its first `diff --git` header (a bundle patch is `git diff` output only)';
  }
  for (const section of sections) {
    if (!section.trim()) continue;
    const head = section.split(/^@@ /m)[0]!.split('\n');
    const bad = head.find((l) => FORBIDDEN_HEADER.test(l));
    if (bad) return `has \`${bad.trim().slice(0, 80)}\` (a merge takes edits of existing text files only)`;
  }
  return null;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] || 'git refused it';
}
