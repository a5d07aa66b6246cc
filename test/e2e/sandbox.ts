// The sandbox the hostile-repository and git-lock tests run the real CLI in: a temporary repository next to files
// outside it, the CLI's JSON report, and the check that the user's tree is untouched (recorded for `pnpm faults`).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { parseReport, runCli, type CliResult } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import {
  bytesChanged,
  changedParts,
  hashFiles,
  snapshotUserTree,
  type UserTreeSnapshot,
} from '../helpers/user-tree.js';
import { recordScenario } from '../faults/results.js';

export const IDENTITY = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com'];
export const OUTSIDE_MARKER = 'OUTSIDE-MARKER-7f3a';
export const OUTSIDE_TS = `export function outsideSecret(token: string): string {\n  return '${OUTSIDE_MARKER}' + token;\n}\n`;

const cleanups: Array<() => unknown> = [];

/** Removes each test's sandbox after it (call once at the top of a test file). */
export function cleanUpAfterEach(): void {
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });
}

/** Runs `fn` after the current test. */
export function afterThisTest(fn: () => unknown): void {
  cleanups.push(fn);
}

/** A repository inside its own temporary directory, next to files that lie outside it (`../outside.ts`, `../outsidedir/`). */
export interface Sandbox {
  repo: TempRepo;
  /** The directory that holds the repository and the outside files. */
  outer: string;
  /** Hashes of everything outside the repository that a run could reach, plus /etc/passwd. */
  outside(): Record<string, unknown>;
}

export function sandbox(files: Record<string, string>, prepare?: (repo: TempRepo, outer: string) => void): Sandbox {
  const outer = realpathSync(mkdtempSync(path.join(tmpdir(), 'orch-hostile-')));
  cleanups.push(() => rmSync(outer, { recursive: true, force: true }));
  writeFileSync(path.join(outer, 'outside.ts'), OUTSIDE_TS);
  mkdirSync(path.join(outer, 'outsidedir'));
  writeFileSync(path.join(outer, 'outsidedir', 'inner.ts'), OUTSIDE_TS.replace('outsideSecret', 'innerSecret'));
  const repo = makeRepo(files, { parent: outer, commit: !prepare });
  if (prepare) {
    prepare(repo, outer);
    repo.git('add', '-A');
    repo.git(...IDENTITY, 'commit', '--quiet', '-m', 'initial');
  }
  const repoName = path.basename(repo.dir);
  return {
    repo,
    outer,
    outside: () => ({ ...hashFiles(outer, [repoName]), '/etc/passwd': sha256(readFileSync('/etc/passwd')) }),
  };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The user's tree is exactly as it was: every part, and not one byte (recorded under `suite` for `pnpm faults`). */
export function expectUntouched(repo: TempRepo, before: UserTreeSnapshot, suite: string): void {
  const after = snapshotUserTree(repo.dir);
  const changed = bytesChanged(before, after);
  recordScenario({
    suite,
    name: expect.getState().currentTestName ?? 'hostile repository',
    passed: changed === 0,
    bytesChanged: changed,
    paidTwice: null,
  });
  expect(changedParts(before, after)).toEqual([]);
  expect(bytesChanged(before, after)).toBe(0);
}

/** Runs the CLI with --json and returns the result and the report (failing with stderr when there is none). */
export async function run(
  repo: TempRepo,
  task: string,
  env: Record<string, string | undefined> = {},
): Promise<CliResult & { report: Record<string, any> }> {
  const result = await runCli(['-C', repo.dir, '--json', task], env);
  expect(result.stdout.trim(), result.stderr).not.toBe('');
  return { ...result, report: parseReport(result.stdout) };
}

/** The files a branch changed relative to the base commit. */
export function changedOn(repo: TempRepo, branch: string): string[] {
  return repo.git('diff', '--name-only', `HEAD..${branch}`).split('\n').filter(Boolean).sort();
}
