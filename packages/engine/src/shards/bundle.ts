// A shard's bundle: what `orchestrate merge` needs from a shard run, written into `--out <dir>`.
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  BUNDLE_FILES,
  SHARD_FORMAT_VERSION,
  UsageError,
  type RunReport,
  type ShardBundle,
  type ShardPlanFile,
} from '@orchestrate/core';
import { commitPatch } from '@orchestrate/repo';
import { runDir } from '../runs/report.js';

/** Where and what to bundle: the repository, the output folder, the plan, which shard (the whole plan: 1/1) and the report. */
export interface BundleInput {
  root: string;
  out: string;
  plan: ShardPlanFile;
  shard: { index: number; total: number };
  report: RunReport;
}

/**
 * Writes the bundle of a finished shard run into `out`: `report.json`, `journal.jsonl` (a copy of the run's), `plan.json`,
 * one `steps/<n>-<stepId>.patch` per commit of the run branch (`git diff --binary <parent> <commit>`, in commit order)
 * and, last, `bundle.json`, so a folder with a manifest holds a whole bundle. Writing it again replaces it.
 */
export async function writeBundle({ root, out, plan, shard, report }: BundleInput): Promise<ShardBundle> {
  const dir = path.resolve(out);
  const kind = await stat(dir).catch(() => null);
  if (kind && !kind.isDirectory()) {
    throw new UsageError(`--out ${out} is a file: name a folder for the bundle (it is made when missing).`);
  }
  await rm(path.join(dir, BUNDLE_FILES.manifest), { force: true });
  await rm(path.join(dir, BUNDLE_FILES.stepsDir), { recursive: true, force: true });
  await mkdir(path.join(dir, BUNDLE_FILES.stepsDir), { recursive: true });
  const steps: ShardBundle['steps'] = [];
  let parent = report.baseCommit;
  for (const [i, commit] of report.commits.entries()) {
    const patch = `${BUNDLE_FILES.stepsDir}/${i + 1}-${fileSafe(commit.stepId)}.patch`;
    await writeFile(path.join(dir, patch), await commitPatch(root, parent, commit.sha));
    const { stepId, jobs, message } = commit;
    steps.push({ stepId, patch, files: commit.files ?? [], jobs, message });
    parent = commit.sha;
  }
  await writeFile(path.join(dir, BUNDLE_FILES.report), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(path.join(dir, BUNDLE_FILES.plan), `${JSON.stringify(plan, null, 2)}\n`);
  const journal = path.join(runDir(root, report.id), 'journal.jsonl');
  await copyFile(journal, path.join(dir, BUNDLE_FILES.journal)).catch(() =>
    writeFile(path.join(dir, BUNDLE_FILES.journal), ''),
  );
  const bundle: ShardBundle = {
    version: SHARD_FORMAT_VERSION,
    planId: plan.planId,
    baseCommit: plan.baseCommit,
    shard,
    runId: report.id,
    status: report.status,
    steps,
    report: BUNDLE_FILES.report,
    journal: BUNDLE_FILES.journal,
    plan: BUNDLE_FILES.plan,
  };
  await writeFile(path.join(dir, BUNDLE_FILES.manifest), `${JSON.stringify(bundle, null, 2)}\n`);
  return bundle;
}

/** Reads a bundle's manifest from `dir` (for tests and tools); a missing or foreign one is E_USAGE. */
export async function readBundle(dir: string): Promise<ShardBundle> {
  const file = path.join(dir, BUNDLE_FILES.manifest);
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) throw new UsageError(`${file} is missing: name a folder written by \`orchestrate run --shard\`.`);
  const bundle = JSON.parse(text) as ShardBundle;
  if (bundle.version !== SHARD_FORMAT_VERSION) {
    throw new UsageError(
      `${file} has format version ${String(bundle.version)}, this orchestrate reads ${SHARD_FORMAT_VERSION}.`,
    );
  }
  return bundle;
}

/** A step id as a file name part: a planner's id may hold any character. */
function fileSafe(stepId: string): string {
  return stepId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80) || 'step';
}
