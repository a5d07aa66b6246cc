// mergeShards() on hand-made bundles: three shards merged, a missing shard, a bundle of another plan, a patch that
// does not apply, and a file the merge's comment-only gate refuses.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OrchestrateError, RunReport } from '@orchestrate/core';
import { mergeShards, showRun } from '@orchestrate/engine';
import { makeRepo, type TempRepo } from '../../../../test/helpers/repo.js';
import { documented, planFile, writeBundle, type ShardEdits } from './merge-helpers.js';

const SOURCES: Record<string, string> = {
  'src/a.ts': 'export function alpha(): number {\n  return 1;\n}\n',
  'src/b.ts': 'export function beta(): number {\n  return 2;\n}\n',
  'src/c.ts': 'export function gamma(): number {\n  return 3;\n}\n',
  'src/d.ts': 'export function delta(): number {\n  return 4;\n}\n',
};

let repo: TempRepo | undefined;
let out: string | undefined;
afterEach(() => {
  repo?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
  repo = out = undefined;
});

/** A repo with SOURCES, three shards (a+b, c, d), and the bundle dirs of those `which` shards. */
function setUp(which = [1, 2, 3]) {
  repo = makeRepo(SOURCES);
  out = mkdtempSync(path.join(tmpdir(), 'orch-bundles-'));
  const base = repo.git('rev-parse', 'HEAD').trim();
  const shards: ShardEdits[] = [['src/a.ts', 'src/b.ts'], ['src/c.ts'], ['src/d.ts']].map((files) => ({
    files,
    steps: { docs: Object.fromEntries(files.map((f) => [f, documented(SOURCES[f]!)])) },
  }));
  const plan = planFile(base, shards);
  const dirs = which.map((i) => writeBundle(repo!, plan, i, shards[i - 1]!, path.join(out!, `shard-${i}`)));
  return { base, plan, shards, dirs, repo };
}

const treeOf = (r: TempRepo, ref: string) => r.git('rev-parse', `${ref}^{tree}`).trim();
const fileAt = (r: TempRepo, ref: string, file: string) => r.git('show', `${ref}:${file}`);

describe('mergeShards', () => {
  it('merges three bundles into one branch, one commit per step, usage summed per model', async () => {
    const { dirs, repo: r } = setUp();
    const before = r.snapshot();
    const report = await mergeShards({ cwd: r.dir, dirs });
    expect(r.snapshot()).toBe(before);
    expect(report.status).toBe('completed');
    expect(report.shards).toEqual({ total: 3, merged: [1, 2, 3], missing: [] });
    expect(report.commits).toHaveLength(1);
    expect(report.commits[0]!.files).toEqual(['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/d.ts']);
    expect(report.commits[0]!.message).toBe('docs: add doc comments to 4 declarations in 4 files');
    expect(report.usage['gpt-test']).toMatchObject({ requests: 4, inputTokens: 400, outputTokens: 40 });
    expect(report.costUsd).toBeCloseTo(0.004, 9);
    expect(report.items).toHaveLength(4);
    expect(report.jobs).toMatchObject({ total: 4, succeeded: 4, failed: 0, skipped: 0 });
    for (const f of Object.keys(SOURCES)) expect(fileAt(r, report.branch!, f)).toBe(documented(SOURCES[f]!));
    const body = r.git('log', '-1', '--format=%B', report.branch!);
    expect(body).toContain(`Orchestrate-Run: ${report.id}`);
    expect(body).toContain('Orchestrate-Shards: 1, 2, 3');
    // A run like any: its report is where `show` reads it, and its worktree is gone.
    const shown = await showRun({ cwd: r.dir, runId: report.id });
    expect(shown.report?.shards?.merged).toEqual([1, 2, 3]);
    expect(r.git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  it('the merged tree equals the tree of all the edits made on one branch', async () => {
    const { base, shards, dirs, repo: r } = setUp();
    const report = await mergeShards({ cwd: r.dir, dirs: [...dirs].reverse() });
    r.git('checkout', '--quiet', '-b', 'single', base);
    for (const s of shards) for (const [f, t] of Object.entries(s.steps.docs!)) r.write(f, t);
    r.commit('all');
    expect(treeOf(r, report.branch!)).toBe(treeOf(r, 'single'));
  });

  it('reports a missing shard with its jobs and still commits the others', async () => {
    const { dirs, repo: r } = setUp([1, 3]);
    const report = await mergeShards({ cwd: r.dir, dirs });
    expect(report.status).toBe('completed-with-failures');
    expect(report.shards!.merged).toEqual([1, 3]);
    expect(report.shards!.missing).toEqual([
      { index: 2, jobs: 1, reason: expect.stringContaining('missing') as string },
    ]);
    expect(report.shards!.missing[0]!.reason).toContain('--shard 2/3');
    expect(report.jobs).toMatchObject({ total: 4, succeeded: 3, skipped: 1 });
    expect(fileAt(r, report.branch!, 'src/c.ts')).toBe(SOURCES['src/c.ts']);
    expect(fileAt(r, report.branch!, 'src/d.ts')).toBe(documented(SOURCES['src/d.ts']!));
  });

  it('refuses a bundle of another plan, a shard given twice, and a dir that is not a bundle (E_USAGE naming it)', async () => {
    const { base, shards, dirs, repo: r } = setUp();
    const other = writeBundle(
      r,
      planFile(base, shards, undefined, 'elsewhere'),
      2,
      shards[1]!,
      path.join(out!, 'other'),
    );
    const codeOf = (p: Promise<RunReport>) =>
      p.then(
        () => 'resolved',
        (e: OrchestrateError) => `${e.code} ${e.message}`,
      );
    const before = r.snapshot();
    expect(await codeOf(mergeShards({ cwd: r.dir, dirs: [dirs[0]!, other] }))).toMatch(
      /^E_USAGE .*is a bundle of plan [0-9a-f]{64}, not of plan/,
    );
    expect(await codeOf(mergeShards({ cwd: r.dir, dirs: [dirs[1]!, dirs[1]!] }))).toMatch(/^E_USAGE .*both shard 2\/3/);
    expect(await codeOf(mergeShards({ cwd: r.dir, dirs: [dirs[0]!, r.dir] }))).toMatch(
      new RegExp(`^E_USAGE ${r.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a shard bundle`),
    );
    expect(r.snapshot()).toBe(before);
    expect(r.git('branch', '--list', 'orchestrate/*').trim()).toBe('');
  });

  it('reports a shard whose patch does not apply as failed, and merges the others', async () => {
    const { dirs, repo: r } = setUp();
    const patch = path.join(dirs[1]!, 'steps', '1-docs.patch');
    writeFileSync(patch, readFileSync(patch, 'utf8').replace('return 3;', 'return 33;'));
    const report = await mergeShards({ cwd: r.dir, dirs });
    expect(report.status).toBe('completed-with-failures');
    expect(report.shards!.merged).toEqual([1, 3]);
    expect(report.shards!.missing).toHaveLength(1);
    expect(report.shards!.missing[0]).toMatchObject({ index: 2, jobs: 1 });
    expect(report.shards!.missing[0]!.reason).toMatch(/failed: its patch docs does not apply/);
    expect(report.commits[0]!.files).toEqual(['src/a.ts', 'src/b.ts', 'src/d.ts']);
    expect(report.items.map((i) => i.file)).not.toContain('src/c.ts');
  });

  it("leaves out a file the merge's comment-only gate refuses, and reports it", async () => {
    repo = makeRepo(SOURCES);
    out = mkdtempSync(path.join(tmpdir(), 'orch-bundles-'));
    const base = repo.git('rev-parse', 'HEAD').trim();
    const shards: ShardEdits[] = [
      { files: ['src/a.ts'], steps: { docs: { 'src/a.ts': documented(SOURCES['src/a.ts']!) } } },
      { files: ['src/b.ts'], steps: { docs: { 'src/b.ts': SOURCES['src/b.ts']!.replace('return 2', 'return 22') } } },
    ];
    const plan = planFile(base, shards);
    const dirs = shards.map((s, i) => writeBundle(repo!, plan, i + 1, s, path.join(out!, `s${i + 1}`)));
    const events: string[] = [];
    const report = await mergeShards({
      cwd: repo.dir,
      dirs,
      onEvent: (e) => e.type === 'warning' && events.push(e.message),
    });
    expect(report.status).toBe('completed-with-failures');
    expect(report.commits[0]!.files).toEqual(['src/a.ts']);
    expect(fileAt(repo, report.branch!, 'src/b.ts')).toBe(SOURCES['src/b.ts']);
    expect(report.items.find((i) => i.file === 'src/b.ts')).toMatchObject({ status: 'failed' });
    expect(report.warnings.join('\n')).toMatch(/src\/b\.ts \(shard 2\) left out: comment-only proof/);
    expect(events.join('\n')).toContain('src/b.ts left out');
  });

  it('leaves no branch when nothing merges', async () => {
    const { dirs, repo: r } = setUp([2]);
    const patch = path.join(dirs[0]!, 'steps', '1-docs.patch');
    writeFileSync(
      patch,
      'diff --git a/src/c.ts b/src/c.ts\n--- a/src/c.ts\n+++ b/src/c.ts\n@@ -1 +1 @@\n-nothing\n+x\n',
    );
    const report = await mergeShards({ cwd: r.dir, dirs });
    expect(report.branch).toBeNull();
    expect(report.shards!.merged).toEqual([]);
    expect(r.git('branch', '--list', 'orchestrate/*').trim()).toBe('');
    expect(existsSync(path.join(r.dir, '.orchestrate', 'runs', report.id, 'report.json'))).toBe(true);
  });
});
