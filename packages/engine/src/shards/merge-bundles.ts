// Reads the bundles `orchestrate merge <dir>…` is given and checks that they belong together.
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  BUNDLE_FILES,
  SHARD_FORMAT_VERSION,
  UsageError,
  type RunReport,
  type ShardBundle,
  type ShardPlanFile,
} from '@orchestrate/core';
import { assertPlanId } from './plan-id.js';

/** One bundle as the merge reads it: where it is, its manifest, its report and each step's patch text. */
export interface LoadedBundle {
  dir: string;
  manifest: ShardBundle;
  report: RunReport | null;
  /** Each step of `manifest.steps`, in commit order, with its patch text. */
  patches: { stepId: string; patch: string; files: string[]; jobs: number; message: string }[];
}

/** The bundles of one plan, checked: the plan file, and the bundles by shard index. */
export interface BundleSet {
  plan: ShardPlanFile;
  bundles: LoadedBundle[];
}

/**
 * Reads every bundle dir and checks them against each other: same format version, plan and base commit, the same shard
 * count as the plan, no shard twice. Any mismatch is E_USAGE naming the dir and what to pass instead.
 */
export async function loadBundles(dirs: readonly string[], cwd: string): Promise<BundleSet> {
  if (dirs.length === 0) {
    throw new UsageError('orchestrate merge needs the bundle dirs of the shards: `orchestrate merge <dir>…`.');
  }
  const bundles: LoadedBundle[] = [];
  for (const dir of await bundleDirs(dirs, cwd)) bundles.push(await readBundle(dir));
  const plan = await readPlan(bundles[0]!);
  const seen = new Map<number, string>();
  for (const b of bundles) {
    const m = b.manifest;
    // Each bundle's plan.json is checked too: verified, it is the same plan as the first when the ids are equal.
    if (b !== bundles[0] && m.planId === plan.planId) await readPlan(b);
    if (m.planId !== plan.planId) {
      throw new UsageError(
        `${b.dir} is a bundle of plan ${m.planId}, not of plan ${plan.planId} (${bundles[0]!.dir}): ` +
          'merge only the bundles of one `orchestrate plan` (its matrix), or merge each plan on its own.',
      );
    }
    if (m.baseCommit !== plan.baseCommit) {
      throw new UsageError(
        `${b.dir} was run on ${m.baseCommit.slice(0, 12)}, not on the plan's base commit ${plan.baseCommit.slice(0, 12)}: ` +
          'run every shard on the commit the plan was made on.',
      );
    }
    if (m.shard.total !== plan.shards.length || m.shard.index < 1 || m.shard.index > m.shard.total) {
      throw new UsageError(
        `${b.dir} says it is shard ${m.shard.index}/${m.shard.total}, but the plan has ${plan.shards.length} shard(s): ` +
          'pass the bundles of this plan only.',
      );
    }
    const twice = seen.get(m.shard.index);
    if (twice) {
      throw new UsageError(
        `${twice} and ${b.dir} are both shard ${m.shard.index}/${m.shard.total}: pass each shard's bundle once.`,
      );
    }
    seen.set(m.shard.index, b.dir);
  }
  bundles.sort((a, b) => a.manifest.shard.index - b.manifest.shard.index);
  return { plan, bundles };
}

/**
 * The bundle dirs the arguments name: a dir with a bundle.json is one; a dir without one whose subfolders hold
 * bundles (`bundles/` of a workflow's download-artifact, one folder per artifact) stands for those subfolders. A path
 * that does not exist or is a file is E_USAGE saying so.
 */
async function bundleDirs(dirs: readonly string[], cwd: string): Promise<string[]> {
  const found: string[] = [];
  for (const given of dirs) {
    const dir = path.resolve(cwd, given);
    const kind = await lstat(dir).catch(() => null);
    if (!kind) throw new UsageError(`${dir} does not exist: pass the bundle dirs of the shards.`);
    if (!kind.isDirectory()) {
      throw new UsageError(
        `${dir} is not a folder: pass the bundle's folder (the one holding ${BUNDLE_FILES.manifest}).`,
      );
    }
    if (await exists(path.join(dir, BUNDLE_FILES.manifest))) {
      found.push(dir);
      continue;
    }
    const inner: string[] = [];
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const sub = path.join(dir, entry.name);
      if (entry.isDirectory() && (await exists(path.join(sub, BUNDLE_FILES.manifest)))) inner.push(sub);
    }
    found.push(...(inner.length ? inner : [dir]));
  }
  return found;
}

async function exists(file: string): Promise<boolean> {
  return lstat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Reads one bundle dir: E_USAGE naming it when it is not one (no bundle.json, bad JSON, another format version). */
async function readBundle(dir: string): Promise<LoadedBundle> {
  const notBundle = (why: string) =>
    new UsageError(
      `${dir} is not a shard bundle (${why}): pass the --out dir of \`orchestrate run --plan … --shard i/N --out <dir>\`.`,
    );
  const text = await readFile(path.join(dir, BUNDLE_FILES.manifest), 'utf8').catch(() => null);
  if (text === null) throw notBundle(`no ${BUNDLE_FILES.manifest}`);
  let manifest: ShardBundle;
  try {
    manifest = JSON.parse(text) as ShardBundle;
  } catch {
    throw notBundle(`${BUNDLE_FILES.manifest} is not JSON`);
  }
  if (!isManifest(manifest)) throw notBundle(`${BUNDLE_FILES.manifest} lacks the fields of a bundle`);
  if (manifest.version !== SHARD_FORMAT_VERSION) {
    throw new UsageError(
      `${dir} is a bundle of format version ${String(manifest.version)}; this orchestrate reads version ` +
        `${SHARD_FORMAT_VERSION}: run every shard and the merge with the same orchestrate version.`,
    );
  }
  const patches: LoadedBundle['patches'] = [];
  for (const step of manifest.steps) {
    const file = inside(dir, step.patch);
    // A patch file must be a file of the bundle: a symlink could point anywhere.
    const regular = file ? await exists(file) : false;
    const patch = file && regular ? await readFile(file, 'utf8').catch(() => null) : null;
    if (patch === null) throw notBundle(`its step patch ${step.patch} is missing`);
    patches.push({ ...step, patch });
  }
  const reportFile = inside(dir, manifest.report || BUNDLE_FILES.report);
  const report = reportFile
    ? await readFile(reportFile, 'utf8').then(
        (t) => JSON.parse(t) as RunReport,
        () => null,
      )
    : null;
  return { dir, manifest, report, patches };
}

/** The plan file of a bundle (`plan.json`): every shard's spec, the plan's steps and its base commit. */
async function readPlan(bundle: LoadedBundle): Promise<ShardPlanFile> {
  const file = inside(bundle.dir, bundle.manifest.plan || BUNDLE_FILES.plan);
  const text = file ? await readFile(file, 'utf8').catch(() => null) : null;
  let plan: ShardPlanFile | null = null;
  try {
    plan = text === null ? null : (JSON.parse(text) as ShardPlanFile);
  } catch {
    plan = null;
  }
  const whole =
    plan !== null &&
    typeof plan === 'object' &&
    typeof plan.baseCommit === 'string' &&
    /^[0-9a-f]{40,64}$/.test(plan.baseCommit) &&
    typeof plan.scope === 'string' &&
    Array.isArray(plan.shards) &&
    plan.shards.every((s) => s !== null && typeof s === 'object' && Array.isArray(s.files)) &&
    Boolean(plan.plan) &&
    Array.isArray(plan.plan.steps);
  if (!whole || !plan) {
    throw new UsageError(
      `${bundle.dir} has no readable plan file (${BUNDLE_FILES.plan}): pass a complete bundle dir, as the shard wrote it.`,
    );
  }
  assertPlanId(plan, path.join(bundle.dir, BUNDLE_FILES.plan));
  if (plan.planId !== bundle.manifest.planId) {
    throw new UsageError(`${bundle.dir}: its plan file is of another plan than its bundle.json: rerun that shard.`);
  }
  return plan;
}

/** A bundle file's path, or null when its name would leave the bundle dir (a bundle is input to check). */
function inside(dir: string, name: string): string | null {
  const file = path.resolve(dir, name);
  return file.startsWith(dir + path.sep) ? file : null;
}

function isManifest(m: unknown): m is ShardBundle {
  const b = m as Partial<ShardBundle> | null;
  return Boolean(
    b &&
    typeof b === 'object' &&
    typeof b.planId === 'string' &&
    typeof b.baseCommit === 'string' &&
    b.shard &&
    Number.isInteger(b.shard.index) &&
    Number.isInteger(b.shard.total) &&
    Array.isArray(b.steps) &&
    b.steps.every((s) => typeof s?.stepId === 'string' && typeof s.patch === 'string' && Array.isArray(s.files)),
  );
}
