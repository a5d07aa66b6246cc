import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  collectedResults,
  MAX_ARTIFACT_BYTES,
  MAX_FINDINGS,
  MAX_STRING,
  readArtifact,
  redactFindings,
  RESULTS_FILE,
  SARIF_FILE,
  writeArtifact,
  type CollectedResults,
} from '../src/artifact.js';
import { finding, RUN } from './helpers/mode-bench.js';

const SHA = (c: string) => c.repeat(40);
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'orch-artifact-'));
  dirs.push(d);
  return d;
};

const PULL = { number: 7, headSha: SHA('c'), baseSha: SHA('a'), mergeBase: SHA('b') };
const SARIF = {
  $schema: 'x',
  version: '2.1.0',
  runs: [{ tool: { driver: { name: 'orchestrate', version: '1', rules: [] } }, results: [] }],
} as any;

function results(over: Partial<CollectedResults> = {}): CollectedResults {
  return {
    format: 'orchestrate-results',
    version: 1,
    pull: PULL,
    run: RUN,
    findings: [finding()],
    sarif: SARIF_FILE,
    ...over,
  };
}

/** Writes raw JSON as a forged artifact would be. */
function forged(data: unknown): string {
  const dir = tempDir();
  writeFileSync(path.join(dir, RESULTS_FILE), typeof data === 'string' ? data : JSON.stringify(data));
  return dir;
}

describe('the results artifact', () => {
  it('round-trips: collect writes results and SARIF, post reads the same results back', async () => {
    const dir = path.join(tempDir(), 'nested', 'out');
    await writeArtifact(dir, results(), SARIF);
    expect(JSON.parse(readFileSync(path.join(dir, SARIF_FILE), 'utf8'))).toEqual(SARIF);
    expect(await readArtifact(dir)).toEqual(results());
  });

  it('collect refuses to write results post would refuse (a bug, not a user error)', async () => {
    await expect(writeArtifact(tempDir(), results({ findings: [finding({ line: 0 })] }), SARIF)).rejects.toMatchObject({
      code: 'E_INTERNAL',
    });
  });

  it.each([
    ['an unknown key', { ...results(), extra: 1 }],
    ['an unknown key in a finding', { ...results(), findings: [{ ...finding(), evil: '<img>' }] }],
    ['another format', { ...results(), format: 'sarif' }],
    ['another version', { ...results(), version: 2 }],
    ['a path outside the repository', { ...results(), findings: [finding({ file: '../../etc/passwd' })] }],
    ['an absolute path', { ...results(), findings: [finding({ file: '/etc/passwd' })] }],
    ['a control character in a path', { ...results(), findings: [finding({ file: 'a\nb.ts' })] }],
    ['a bad fingerprint', { ...results(), findings: [finding({ fingerprint: 'x' })] }],
    ['an endLine before line', { ...results(), findings: [finding({ line: 5, endLine: 4 })] }],
    ['a string over the cap', { ...results(), findings: [finding({ message: 'x'.repeat(MAX_STRING + 1) })] }],
    ['too many findings', { ...results(), findings: Array.from({ length: MAX_FINDINGS + 1 }, () => finding()) }],
    ['a run id that is a path', { ...results(), run: { ...RUN, id: '../../x' } }],
    ['a head that is no SHA', { ...results(), pull: { ...PULL, headSha: 'main' } }],
    ['a negative cost', { ...results(), run: { ...RUN, costUsd: -1 } }],
  ])('post refuses %s with E_USAGE', async (_what, data) => {
    await expect(readArtifact(forged(data))).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringMatching(/refused/),
    });
  });

  it('post refuses a file that is not JSON, over 5 MB, a symlink, or missing, saying what to do', async () => {
    await expect(readArtifact(forged('{"format":'))).rejects.toMatchObject({ code: 'E_USAGE', message: /not JSON/ });
    const big = forged(' '.repeat(MAX_ARTIFACT_BYTES + 1));
    await expect(readArtifact(big)).rejects.toMatchObject({ code: 'E_USAGE', message: /more than/ });
    const target = forged(results());
    const linked = tempDir();
    symlinkSync(path.join(target, RESULTS_FILE), path.join(linked, RESULTS_FILE));
    await expect(readArtifact(linked)).rejects.toMatchObject({ code: 'E_USAGE', message: /regular file/ });
    const empty = tempDir();
    await expect(readArtifact(empty)).rejects.toMatchObject({ code: 'E_USAGE', message: /artifact-path/ });
    const dirInstead = tempDir();
    mkdirSync(path.join(dirInstead, RESULTS_FILE));
    await expect(readArtifact(dirInstead)).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('a refusal quotes the keys of the file safely and stays short', async () => {
    const key = `evil\u001b[31m${'k'.repeat(500)}`;
    const err = await readArtifact(forged({ ...results(), [key]: 1 })).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).not.toContain('\u001b');
    expect((err as Error).message.length).toBeLessThan(600);
  });
});

describe('collectedResults', () => {
  const key = 'sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef';

  it('redacts known values and secret-looking text in every string; a fix holding a secret is dropped', () => {
    const f = finding({
      message: `leaks ${key}`,
      suggestion: `remove ${key}`,
      code: [`const k = '${key}';`],
      fix: { replacement: `const k = '${key}';` },
    });
    const r = collectedResults(PULL, RUN, [f], [key]);
    const text = JSON.stringify(r);
    expect(text).not.toContain(key);
    expect(r.findings[0]!.fix).toBeUndefined();
    expect(r.findings[0]!.message).toContain('leaks');
    const clean = collectedResults(PULL, RUN, [finding({ fix: { replacement: 'a === b' } })], [key]);
    expect(clean.findings[0]!.fix).toEqual({ replacement: 'a === b' });
  });

  it('keeps at most 1,000 findings, errors first, and cuts long strings, so post accepts what collect made', async () => {
    const many = [
      ...Array.from({ length: MAX_FINDINGS }, (_, i) => finding({ severity: 'note', line: i + 1, endLine: i + 1 })),
      finding({ severity: 'error', ruleId: 'no-secret-literal', message: 'x'.repeat(5000) }),
    ];
    const r = collectedResults(PULL, { ...RUN, warnings: ['w'.repeat(3000)] }, many, []);
    expect(r.findings).toHaveLength(MAX_FINDINGS);
    expect(r.findings[0]!.severity).toBe('error');
    expect(r.findings[0]!.message.length).toBe(MAX_STRING);
    const dir = tempDir();
    await writeArtifact(dir, r, SARIF);
    expect((await readArtifact(dir)).findings).toHaveLength(MAX_FINDINGS);
  });

  it('redactFindings leaves clean findings equal', () => {
    expect(redactFindings([finding()], [])).toEqual([finding()]);
  });
});
