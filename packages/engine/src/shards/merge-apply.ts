// Applies the merged shards' patches step by step on the merge's worktree index, gates each file, commits per step.
import { GitError, type PlanStep, type ReportCommit, type ReportItem, type RunEventListener } from '@orchestrate/core';
import { jobKind, type CommittedJob } from '@orchestrate/jobs';
import {
  applyPatchToIndex,
  commitIndex,
  indexFileText,
  resetIndexFiles,
  showFileAt,
  stagedFiles,
} from '@orchestrate/repo';
import { gateMergedFile } from './merge-gates.js';
import type { LoadedBundle } from './merge-bundles.js';

/** A file a merge left out: the step whose gate refused it (later steps of it are left out too), and why. */
export interface LeftOut {
  file: string;
  stepId: string;
  shard: number;
  reason: string;
}

/** What `applySteps` did: its commits, the files its gates left out, and shards whose patch failed to apply (index → reason). */
export interface MergeApplied {
  commits: ReportCommit[];
  leftOut: LeftOut[];
  failed: Map<number, string>;
}

/** What the commit trailers of a merge name. */
export interface MergeCommitInfo {
  runId: string;
  task: string;
  engine: 'openai' | 'offline';
  planId: string;
}

/**
 * For each plan step in order, applies every merged shard's patch of it (shards hold disjoint files, so their patches
 * never meet), gates each changed file against its text before the step, puts a refused file back and leaves its
 * later steps out, and commits the step. Steps a bundle has that the plan lacks come last, in bundle order.
 */
export async function applySteps(
  worktree: string,
  steps: readonly PlanStep[],
  bundles: readonly LoadedBundle[],
  info: MergeCommitInfo,
  emit: RunEventListener,
): Promise<MergeApplied> {
  const commits: ReportCommit[] = [];
  const failed = new Map<number, string>();
  const leftOut: LeftOut[] = [];
  const out = new Set<string>();
  const known = new Set(steps.map((s) => s.id));
  const extra = bundles.flatMap((b) => b.patches.map((p) => p.stepId)).filter((id) => !known.has(id));
  const order = [
    ...steps.map((s) => ({ id: s.id, kind: s.kind })),
    ...[...new Set(extra)].map((id) => ({ id, kind: '' })),
  ];
  for (const step of order) {
    const parts = bundles.flatMap((b) =>
      b.patches
        .filter((p) => p.stepId === step.id)
        .map((p) => ({ shard: b.manifest.shard.index, items: b.report?.items ?? [], ...p })),
    );
    if (parts.length === 0) continue;
    for (const part of parts) {
      if (failed.has(part.shard)) continue;
      try {
        await applyPatchToIndex(worktree, withoutFiles(part.patch, out));
      } catch (err) {
        if (!(err instanceof GitError)) throw err;
        // The checks before found none, but a patch that does not apply is that shard failed, never a crash.
        const why = err.stderr.trim().split('\n').slice(0, 2).join('; ') || 'git apply refused it';
        const earlier = commits.length ? ' (its earlier steps are on the branch)' : '';
        failed.set(
          part.shard,
          `failed: its patch of step ${step.id} did not apply during the merge (${why})${earlier}`,
        );
        emit({ type: 'warning', message: `merge: shard ${part.shard} ${failed.get(part.shard)!}` });
      }
    }
    const changed = await stagedFiles(worktree);
    const refused: string[] = [];
    for (const file of changed) {
      const before = await showFileAt(worktree, 'HEAD', file);
      const gate = gateMergedFile(step.kind, file, before, await indexFileText(worktree, file));
      if (gate.ok) continue;
      const shard = parts.find((p) => p.files.includes(file))?.shard ?? 0;
      refused.push(file);
      out.add(file);
      leftOut.push({ file, stepId: step.id, shard, reason: gate.reason });
      emit({ type: 'warning', message: `merge: ${file} left out of step ${step.id}: ${gate.reason}` });
    }
    await resetIndexFiles(worktree, refused);
    const files = changed.filter((f) => !refused.includes(f));
    if (files.length === 0) continue;
    const applied = parts.filter((p) => !failed.has(p.shard));
    if (applied.length === 0) {
      await resetIndexFiles(worktree, files);
      continue;
    }
    const jobs = applied.reduce((n, p) => n + p.jobs, 0);
    const subject = mergedSubject(step.kind, step.id, applied, files);
    const message = commitMessage(subject, step.id, jobs, applied, info);
    const sha = await commitIndex(worktree, message);
    const made: ReportCommit = { sha, stepId: step.id, message: subject, jobs, files };
    commits.push(made);
    emit({ type: 'commit', sha, stepId: step.id, subject, jobs, files });
  }
  return { commits, leftOut, failed };
}

/** A patch without the sections (one per file, `diff --git a/… b/…`) of the files in `out`. */
export function withoutFiles(patch: string, out: ReadonlySet<string>): string {
  if (out.size === 0) return patch;
  const sections = patch.split(/^(?=diff --git )/m);
  return sections
    .filter((s) => {
      const m = /^diff --git a\/(.+?) b\/(.+)$/m.exec(s);
      return !m || !(out.has(m[1]!) || out.has(m[2]!));
    })
    .join('');
}

/**
 * The step's commit subject as one run would write it: the kind's own, over the shards' succeeded jobs of the step in
 * the merged files (a kind's subject reads their count and files); a single shard's own subject when only one took part.
 */
function mergedSubject(
  kind: string,
  stepId: string,
  parts: readonly { message: string; items: readonly ReportItem[] }[],
  files: string[],
): string {
  const first = parts[0]!.message.split('\n')[0]!;
  if (parts.length === 1 || !kind) return first;
  const merged = new Set(files);
  const done = parts.flatMap((p) =>
    p.items.filter((i) => i.stepId === stepId && i.status === 'succeeded' && !i.unchanged && merged.has(i.file)),
  );
  if (done.length === 0) return first;
  try {
    const jobs = done.map((i) => ({ target: { file: { path: i.file } }, outcome: null }) as unknown as CommittedJob);
    return jobKind(kind).commitSubject(jobs, files.length);
  } catch {
    return first;
  }
}

function commitMessage(
  subject: string,
  stepId: string,
  jobs: number,
  parts: readonly { shard: number }[],
  info: MergeCommitInfo,
): string {
  return [
    subject,
    '',
    `Task: ${info.task.replace(/\s+/g, ' ').slice(0, 200)}`,
    '',
    `Orchestrate-Run: ${info.runId}`,
    `Orchestrate-Step: ${stepId}`,
    `Orchestrate-Engine: ${info.engine}`,
    `Orchestrate-Jobs: ${jobs}`,
    `Orchestrate-Plan: ${info.planId}`,
    `Orchestrate-Shards: ${parts.map((p) => p.shard).join(', ')}`,
    '',
  ].join('\n');
}
