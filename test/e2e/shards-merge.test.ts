// The whole sharded flow through the real CLI, offline engine (no key): `plan --shards 3`, three `run --shard i/3
// --out` processes (each in its own clone, as on three CI machines), `merge` → the merged branch's tree is the tree of
// one `run --plan` of the same plan on one machine; and a merge with a shard missing.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';

const fn = (file: number, i: number) =>
  `export function f${file}_${i}(x: number): number {\n  return x * ${i + 1};\n}\n`;
const FILES: Record<string, string> = {};
for (let f = 0; f < 7; f++) FILES[`src/m${f}.ts`] = [0, 1, 2].map((i) => fn(f, i)).join('\n');
const TASK = 'add docstrings to src/';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setUp(): { repo: TempRepo; dir: string; planFile: string } {
  const repo = makeRepo(FILES);
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'orch-merge-')));
  cleanups.push(
    () => repo.cleanup(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  return { repo, dir, planFile: path.join(dir, 'plan.json') };
}

/** Plans, then runs the `shards` given, each as its own process in its own clone of the repository; the bundle dirs. */
async function planAndRun(repo: TempRepo, dir: string, planFile: string, shards: number[]): Promise<string[]> {
  const planned = await runCli(['plan', TASK, '--shards', '3', '-C', repo.dir, '--out', planFile]);
  expect(planned.exitCode, planned.stderr).toBe(0);
  return Promise.all(
    shards.map(async (i) => {
      const clone = path.join(dir, `machine-${i}`);
      repo.git('clone', '--quiet', repo.dir, clone);
      const out = path.join(dir, `bundle-${i}`);
      const ran = await runCli(['run', '--plan', planFile, '--shard', `${i}/3`, '--out', out, '-C', clone, '--json']);
      expect(ran.exitCode, ran.stderr).toBe(0);
      return out;
    }),
  );
}

describe('orchestrate merge', () => {
  it('three shards run as separate processes, merged: the same tree as one run of the plan', async () => {
    const { repo, dir, planFile } = setUp();
    const bundles = await planAndRun(repo, dir, planFile, [1, 2, 3]);
    const before = repo.snapshot();
    const merged = await runCli(['merge', ...bundles, '-C', repo.dir, '--json']);
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(repo.snapshot()).toBe(before);
    const summary = JSON.parse(merged.stdout) as Record<string, any>;
    expect(summary.status).toBe('completed');
    expect(summary.shards).toEqual({ total: 3, merged: [1, 2, 3], missing: [] });
    expect(summary.jobs).toMatchObject({ total: 21, succeeded: 21, failed: 0 });
    expect(summary.commits).toHaveLength(1);

    const single = await runCli(['run', '--plan', planFile, '-C', repo.dir, '--json']);
    expect(single.exitCode, single.stderr).toBe(0);
    const one = (JSON.parse(single.stdout) as Record<string, any>).report as Record<string, any>;
    const tree = (ref: string) => repo.git('rev-parse', `${ref}^{tree}`).trim();
    expect(tree(summary.branch)).toBe(tree(one.branch));
    expect(tree(summary.branch)).not.toBe(tree('HEAD'));

    // A run like any other: show and undo know it.
    const shown = await runCli(['show', summary.id, '-C', repo.dir, '--json']);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect((JSON.parse(shown.stdout) as Record<string, any>).report.shards.merged).toEqual([1, 2, 3]);
    const undone = await runCli(['undo', summary.id, '-C', repo.dir, '--json']);
    expect(undone.exitCode, undone.stderr).toBe(0);
  });

  it('a missing shard: the others are committed, the missing one named with its jobs, exit 1', async () => {
    const { repo, dir, planFile } = setUp();
    const bundles = await planAndRun(repo, dir, planFile, [1, 3]);
    const merged = await runCli(['merge', ...bundles, '-C', repo.dir]);
    expect(merged.exitCode, merged.stderr).toBe(1);
    expect(merged.stdout).toMatch(/merged shards 1, 3 of 3/);
    expect(merged.stdout).toMatch(/shard 2\/3 not merged \(\d+ jobs?\): missing/);
    expect(merged.stdout).toContain('--shard 2/3');
    expect(merged.stdout).toMatch(/orchestrate apply \S+/);
    const json = await runCli(['merge', ...bundles, '-C', repo.dir, '--json']);
    expect(json.exitCode).toBe(1);
    const summary = JSON.parse(json.stdout) as Record<string, any>;
    expect(summary.shards.missing).toHaveLength(1);
    expect(summary.shards.missing[0].index).toBe(2);
    expect(summary.shards.missing[0].jobs).toBeGreaterThan(0);
    expect(summary.commits).toHaveLength(1);
  });

  it('refuses a dir that is not a bundle with E_USAGE (exit 2) naming it', async () => {
    const { repo, dir } = setUp();
    const r = await runCli(['merge', dir, '-C', repo.dir, '--json']);
    expect(r.exitCode).toBe(2);
    const error = (JSON.parse(r.stdout) as Record<string, any>).error as Record<string, any>;
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toContain(`${dir} is not a shard bundle`);
  });
});
