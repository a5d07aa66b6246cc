// planShards and runFromPlan in process on the offline engine: the plan file, its determinism, the bundles.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE_FILES, type ShardPlanFile } from '@orchestrate/core';
import { planIdOf, planShards, readBundle, runFromPlan } from '@orchestrate/engine';
import { IDENTITY, makeRepo, type TempRepo } from '../../../../test/helpers/repo.js';

const fn = (file: number, i: number) =>
  `export function f${file}_${i}(x: number): number {\n  return x * ${i + 1};\n}\n`;
const FILES: Record<string, string> = {};
for (let f = 0; f < 5; f++) FILES[`src/m${f}.ts`] = Array.from({ length: 1 + f }, (_, i) => fn(f, i)).join('\n');
const TASK = 'add docstrings to src/';
const env = { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined };

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function repoOf(): TempRepo {
  const repo = makeRepo(FILES);
  cleanups.push(() => repo.cleanup());
  return repo;
}

function tempDir(): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'orch-shard-')));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function planOf(repo: TempRepo, shards = 3): Promise<{ plan: ShardPlanFile; file: string }> {
  const { file: plan } = await planShards({ task: TASK, cwd: repo.dir, engine: 'offline', shards, env });
  const file = path.join(tempDir(), 'plan.json');
  writeFileSync(file, JSON.stringify(plan));
  return { plan, file };
}

describe('planShards', () => {
  it('writes the plan file: the base commit, the steps, whole-file shards and their matrix', async () => {
    const repo = repoOf();
    const { plan } = await planOf(repo);
    expect(plan.version).toBe(1);
    expect(plan.baseCommit).toBe(repo.git('rev-parse', 'HEAD').trim());
    expect(plan.planId).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.task).toBe(TASK);
    expect(plan.scope).toBe('');
    expect(plan.plan.steps.map((s) => s.kind)).toEqual(['docstring']);
    expect(plan.shards.map((s) => s.index)).toEqual([1, 2, 3]);
    expect(plan.shards.flatMap((s) => s.files).sort()).toEqual(Object.keys(FILES).sort());
    expect(plan.shards.reduce((n, s) => n + s.jobs, 0)).toBe(15);
    expect(plan.matrix).toEqual({ include: [{ shard: '1/3' }, { shard: '2/3' }, { shard: '3/3' }] });
    // Nothing was created: no branch, no run directory.
    expect(repo.git('branch', '--list', 'orchestrate/*').trim()).toBe('');
  });

  it('is deterministic: the same repository and task give the same plan id and split', async () => {
    const repo = repoOf();
    const a = (await planOf(repo)).plan;
    const b = (await planOf(repo)).plan;
    expect(b.planId).toBe(a.planId);
    expect(b.shards).toEqual(a.shards);
    const other = (await planOf(repo, 2)).plan;
    expect(other.planId).not.toBe(a.planId);
  });

  it('refuses a shard count outside 1..256 and an empty task with E_USAGE', async () => {
    const repo = repoOf();
    for (const shards of [0, 257]) {
      await expect(planShards({ task: TASK, cwd: repo.dir, engine: 'offline', shards, env })).rejects.toMatchObject({
        code: 'E_USAGE',
      });
    }
    await expect(planShards({ task: ' ', cwd: repo.dir, engine: 'offline', shards: 2, env })).rejects.toMatchObject({
      code: 'E_USAGE',
    });
  });
});

describe('runFromPlan', () => {
  it("runs each shard's files only, and the bundles' patches applied to the base give the whole plan's tree", async () => {
    const repo = repoOf();
    const { plan, file } = await planOf(repo);
    const outs: string[] = [];
    for (const spec of plan.shards) {
      const out = path.join(tempDir(), `shard-${spec.index}`);
      const shard = { index: spec.index, total: 3 };
      const { report, bundle, how } = await runFromPlan({
        planFile: file,
        shard,
        out,
        cwd: repo.dir,
        engine: 'offline',
        env,
      });
      expect(how).toBe('new');
      expect(report.id).toBe(`shard-${plan.planId.slice(0, 10)}-${spec.index}of3`);
      expect(report.status).toBe('completed');
      expect(report.jobs.total).toBe(spec.jobs);
      expect([...new Set(report.items.map((i) => i.file))].sort()).toEqual(spec.files);
      expect(await readBundle(out)).toEqual(bundle);
      expect(bundle).toMatchObject({ planId: plan.planId, baseCommit: plan.baseCommit, shard, status: 'completed' });
      expect(bundle!.steps).toHaveLength(1);
      expect(bundle!.steps[0]!.files).toEqual(spec.files);
      for (const name of [BUNDLE_FILES.report, BUNDLE_FILES.journal, BUNDLE_FILES.plan]) {
        expect(readFileSync(path.join(out, name), 'utf8').length).toBeGreaterThan(0);
      }
      outs.push(out);
    }
    // The whole plan on one machine, the reference.
    const whole = await runFromPlan({ planFile: file, cwd: repo.dir, engine: 'offline', env });
    expect(whole.report.id).toBe(`plan-${plan.planId.slice(0, 10)}`);
    expect(whole.report.jobs.succeeded).toBe(15);
    // Every patch applies to the base commit, in a clone that never saw the runs' branches.
    const clone = tempDir();
    execFileSync('git', ['clone', '--quiet', repo.dir, clone]);
    execFileSync('git', ['checkout', '--quiet', plan.baseCommit], { cwd: clone });
    for (const out of outs) {
      const bundle = await readBundle(out);
      for (const step of bundle.steps)
        execFileSync('git', ['apply', '--index', path.join(out, step.patch)], { cwd: clone });
    }
    execFileSync('git', [...IDENTITY, 'commit', '--quiet', '-m', 'shards'], { cwd: clone });
    const tree = (cwd: string, ref: string) =>
      execFileSync('git', ['rev-parse', `${ref}^{tree}`], { cwd, encoding: 'utf8' });
    expect(tree(clone, 'HEAD')).toBe(tree(repo.dir, whole.report.branch!));
  });

  it('run again after it ended, it writes the same bundle from the ended run (no new run)', async () => {
    const repo = repoOf();
    const { file } = await planOf(repo, 2);
    const out = path.join(tempDir(), 'out');
    const first = await runFromPlan({
      planFile: file,
      shard: { index: 2, total: 2 },
      out,
      cwd: repo.dir,
      engine: 'offline',
      env,
    });
    const patch = readFileSync(path.join(out, first.bundle!.steps[0]!.patch));
    rmSync(out, { recursive: true });
    const again = await runFromPlan({
      planFile: file,
      shard: { index: 2, total: 2 },
      out,
      cwd: repo.dir,
      engine: 'offline',
      env,
    });
    expect(again.how).toBe('finished');
    expect(again.bundle).toEqual(first.bundle);
    expect(readFileSync(path.join(out, again.bundle!.steps[0]!.patch))).toEqual(patch);
  });

  it('refuses a shard the plan does not have, and a base commit the repository lacks', async () => {
    const repo = repoOf();
    const { plan, file } = await planOf(repo);
    const out = tempDir();
    const run = (shard: { index: number; total: number }, planFile = file) =>
      runFromPlan({ planFile, shard, out, cwd: repo.dir, engine: 'offline', env });
    await expect(run({ index: 2, total: 4 })).rejects.toMatchObject({ code: 'E_USAGE' });
    const foreign = path.join(out, 'foreign.json');
    const elsewhere = 'f'.repeat(40);
    const moved = { ...plan, baseCommit: elsewhere, planId: planIdOf(plan.plan.steps, elsewhere, '', plan.shards) };
    writeFileSync(foreign, JSON.stringify(moved));
    await expect(run({ index: 1, total: 3 }, foreign)).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining('is not in this repository') as string,
    });
    await expect(run({ index: 1, total: 3 }, path.join(out, 'none.json'))).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('refuses a plan file changed after planning, and one that is JSON null, with E_USAGE', async () => {
    const repo = repoOf();
    const { plan, file } = await planOf(repo);
    const out = tempDir();
    const run = (planFile: string) =>
      runFromPlan({ planFile, shard: { index: 1, total: 3 }, out, cwd: repo.dir, engine: 'offline', env });
    const edited = path.join(out, 'edited.json');
    const steps = plan.plan.steps.map((s) => ({ ...s, kind: 'reformat' }));
    writeFileSync(edited, JSON.stringify({ ...plan, plan: { ...plan.plan, steps } }));
    await expect(run(edited)).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining('the plan file was changed after `orchestrate plan` wrote it') as string,
    });
    for (const text of ['null', '[]', '"x"', '5']) {
      const bad = path.join(out, 'bad.json');
      writeFileSync(bad, text);
      await expect(run(bad)).rejects.toMatchObject({ code: 'E_USAGE' });
    }
    expect(repo.git('branch', '--list', 'orchestrate/*').trim()).toBe('');
  });

  it('a shard with no committed work writes a bundle with no steps', async () => {
    const repo = repoOf();
    const { plan, file } = await planOf(repo, 2);
    // Every function of the plan's files documented after planning is still the plan's job, so empty the shard instead.
    const shards = [plan.shards[0]!, { ...plan.shards[1]!, files: [], jobs: 0 }];
    const empty = { ...plan, shards, planId: planIdOf(plan.plan.steps, plan.baseCommit, plan.scope, shards) };
    writeFileSync(file, JSON.stringify(empty));
    const out = path.join(tempDir(), 'out');
    const { bundle, report } = await runFromPlan({
      planFile: file,
      shard: { index: 2, total: 2 },
      out,
      cwd: repo.dir,
      engine: 'offline',
      env,
    });
    expect(report.status).toBe('nothing-to-do');
    expect(bundle!.steps).toEqual([]);
    expect(bundle!.status).toBe('nothing-to-do');
  });
});
