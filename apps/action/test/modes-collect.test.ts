// Collect mode in process: a fork PR's review with a read-only token; no write call, a valid results artifact.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readArtifact, resultsDir, SARIF_FILE } from '../src/artifact.js';
import { collectMode } from '../src/modes/collect.js';
import { memoryApi } from './helpers/memory-api.js';
import { prRepos, pullEvent, testContext, type PrRepos } from './helpers/mode-bench.js';

const made: PrRepos[] = [];
afterEach(() => made.splice(0).forEach((r) => r.cleanup()));

const CHANGED = 'export function f(x: number): number {\n  console.log(x);\n  return x;\n}\n';

function setup(artifactPath: string | null = null) {
  const repos = prRepos({ 'src/a.ts': 'export const a = 1;\n' }, { 'src/a.ts': CHANGED });
  made.push(repos);
  const pull = repos.pull({ fork: true });
  const api = memoryApi({ pulls: [pull], git: repos.origin, readOnly: true });
  const workspace = repos.workspace(pull.headSha);
  const { ctx, kit } = testContext({
    api,
    workspace,
    temp: repos.temp,
    event: pullEvent('opened', pull),
    inputs: { artifactPath },
  });
  return { repos, pull, api, ctx, kit, workspace };
}

describe('collect mode', () => {
  it('a fork PR: no write call, a results artifact post accepts, SARIF beside it, annotations and job summary', async () => {
    const { repos, pull, api, ctx, kit } = setup();
    const result = await collectMode(ctx);
    expect(api.writes()).toEqual([]);
    const dir = resultsDir(repos, result.runId!);
    expect(result.sarifPath).toBe(path.join(dir, SARIF_FILE));
    const results = await readArtifact(dir);
    expect(results.pull).toEqual({
      number: 1,
      headSha: pull.headSha,
      baseSha: pull.baseSha,
      mergeBase: repos.sha('main'),
    });
    expect(results.run.id).toBe(result.runId);
    expect(results.findings.some((f) => f.ruleId === 'no-console-log' && f.line === 2)).toBe(true);
    expect(results.findings).toEqual(result.findings);
    const sarif = JSON.parse(readFileSync(result.sarifPath!, 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(results.findings.length);
    expect(kit.annotations.length).toBeGreaterThan(0);
    expect(kit.stepSummary).not.toBe('');
    expect(result.commentsPosted).toBe(0);
  });

  it('writes to `artifact-path` (relative to the workspace) when it is set', async () => {
    const { ctx, workspace } = setup('out/results');
    await collectMode(ctx);
    expect(existsSync(path.join(workspace, 'out', 'results', 'results.json'))).toBe(true);
    await expect(readArtifact(path.join(workspace, 'out', 'results'))).resolves.toMatchObject({ version: 1 });
  });
});
