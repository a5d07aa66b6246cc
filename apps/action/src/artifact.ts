// The collect/post pair's results artifact (v1). `collect` runs on the PR's code without secrets and writes it; `post`
// runs with a write token and reads it as untrusted data: a strict schema, size caps, and nothing in it is a path,
// a command or markup (post re-escapes and re-redacts every string). Also where the action's result files go.
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InternalError, UsageError, type ReviewFinding, type RunReport } from '@orchestrate/core';
import { redactPosted, type SarifLog } from '@orchestrate/engine';
import { z } from 'zod';
import type { ActionEnv, SummaryReport } from './types.js';

/** What `collect` hands to `post`: the PR it reviewed, the run's summary and the findings (redacted). */
export interface CollectedResults {
  format: 'orchestrate-results';
  version: 1;
  pull: { number: number; headSha: string; baseSha: string; mergeBase: string };
  run: SummaryReport;
  /** At most {@link MAX_FINDINGS}; every string at most {@link MAX_STRING} characters. */
  findings: ReviewFinding[];
  sarif: 'results.sarif';
}

/** The results file inside the artifact's folder. */
export const RESULTS_FILE = 'results.json';
/** The SARIF file beside it (post rebuilds its own from the findings: this one is for upload by the collect job). */
export const SARIF_FILE = 'results.sarif';
/** The largest results file post reads. */
export const MAX_ARTIFACT_BYTES = 5 * 1024 * 1024;
/** The most findings an artifact holds. */
export const MAX_FINDINGS = 1000;
/** The longest string in a finding. */
export const MAX_STRING = 2000;

const SHA = z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/);
const text = (max = MAX_STRING) => z.string().max(max);
const count = z.int().min(0).max(1e9);
const money = z.number().min(0).max(1e6);
// A path as git names it: relative, no `..` segment, no control character (it becomes a comment's `path`).
const FILE = z
  .string()
  .min(1)
  .max(1000)
  .regex(/^(?![/\\])(?!.*(?:^|\/)\.\.(?:\/|$))[^\u0000-\u001f\u007f]+$/);
const RUN_ID = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/)
  .refine((id) => !id.includes('..'), 'not a run id');

const findingSchema = z
  .strictObject({
    file: FILE,
    line: z.int().min(1).max(10_000_000),
    endLine: z.int().min(1).max(10_000_000),
    severity: z.enum(['error', 'warning', 'note']),
    ruleId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/),
    message: text(),
    suggestion: text().optional(),
    source: z.enum(['rule', 'model']),
    confidence: z.number().min(0).max(1).optional(),
    fix: z.strictObject({ replacement: text() }).optional(),
    fingerprint: z.string().regex(/^[0-9a-f]{32}(?::[0-9]{1,5})?$/),
    code: z.array(text()).max(20),
  })
  .refine((f) => f.endLine >= f.line, 'endLine is before line');

const usageSchema = z.strictObject({
  requests: count,
  inputTokens: count,
  cachedInputTokens: count,
  outputTokens: count,
  costUsd: money,
});

const runSchema = z.strictObject({
  id: RUN_ID,
  engine: z.enum(['openai', 'offline']),
  status: z.enum([
    'completed',
    'completed-with-failures',
    'budget-exceeded',
    'nothing-to-do',
    'dry-run',
    'cancelled',
    'detached',
    'interrupted',
  ]),
  jobs: z.strictObject({ total: count, succeeded: count, failed: count, skipped: count, unchanged: count.optional() }),
  usage: z.record(text(100), usageSchema).refine((u) => Object.keys(u).length <= 20, 'too many models'),
  costUsd: money,
  budgetUsd: money.nullable(),
  durationMs: count,
  warnings: z.array(text()).max(100),
  commits: z.array(z.strictObject({ sha: SHA, stepId: text(100), message: text(), jobs: count })).max(100),
  reviewed: z
    .strictObject({ base: SHA, head: SHA, workingTree: z.boolean(), files: count, label: text(200) })
    .optional(),
  baseCommit: SHA,
  branch: text(300).nullable(),
});

const resultsSchema = z.strictObject({
  format: z.literal('orchestrate-results'),
  version: z.literal(1),
  pull: z.strictObject({ number: z.int().min(1).max(1e9), headSha: SHA, baseSha: SHA, mergeBase: SHA }),
  run: runSchema,
  findings: z.array(findingSchema).max(MAX_FINDINGS),
  sarif: z.literal(SARIF_FILE),
});

/** Writes the results (checked against the schema post reads them with) and the SARIF into `dir`. */
export async function writeArtifact(dir: string, r: CollectedResults, sarif: SarifLog): Promise<void> {
  const checked = resultsSchema.safeParse(r);
  if (!checked.success) throw new InternalError(`collect made results post would refuse: ${issues(checked.error)}`);
  const json = `${JSON.stringify(r)}\n`;
  if (Buffer.byteLength(json) > MAX_ARTIFACT_BYTES) throw new InternalError('collect made results over 5 MB');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, RESULTS_FILE), json);
  await writeFile(path.join(dir, SARIF_FILE), `${JSON.stringify(sarif)}\n`);
}

/** Reads and validates the results in `dir` (a downloaded artifact); anything else is refused with E_USAGE. */
export async function readArtifact(dir: string): Promise<CollectedResults> {
  const file = path.join(dir, RESULTS_FILE);
  const refuse = (why: string) =>
    new UsageError(`The results artifact at ${file} is refused: ${why}. It must be the collect job's ${RESULTS_FILE}.`);
  const stat = await lstat(file).catch(() => null);
  if (!stat) {
    throw new UsageError(
      `No ${RESULTS_FILE} in ${dir}: download the collect workflow's artifact there (actions/download-artifact with ` +
        '`run-id` and `github-token`) and set `artifact-path` to that folder.',
    );
  }
  if (!stat.isFile()) throw refuse('it is not a regular file');
  if (stat.size > MAX_ARTIFACT_BYTES) throw refuse(`it has ${stat.size} bytes, more than ${MAX_ARTIFACT_BYTES}`);
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw refuse('it is not JSON');
  }
  const parsed = resultsSchema.safeParse(data);
  if (!parsed.success) throw refuse(issues(parsed.error));
  return parsed.data as CollectedResults;
}

/** The run's fields a summary shows (and an artifact carries), without the rest of the report. */
export function summaryReportOf(r: RunReport): SummaryReport {
  const { id, engine, status, jobs, usage, costUsd, budgetUsd, durationMs, warnings, commits, baseCommit, branch } = r;
  const out: SummaryReport = {
    id,
    engine,
    status,
    jobs,
    usage,
    costUsd,
    budgetUsd,
    durationMs,
    warnings,
    commits,
    baseCommit,
    branch,
  };
  if (r.reviewed) out.reviewed = r.reviewed;
  return out;
}

/** The findings with every string redacted (secret-looking text and the known values), as everything posted is. */
export function redactFindings(findings: readonly ReviewFinding[], known: readonly string[]): ReviewFinding[] {
  return findings.map((f) => {
    const out: ReviewFinding = {
      ...f,
      message: redactPosted(f.message, known),
      code: f.code.map((l) => redactPosted(l, known)),
    };
    if (f.suggestion !== undefined) out.suggestion = redactPosted(f.suggestion, known);
    // A fix that held a secret would post a redacted replacement as if it were the code: drop it, keep the finding.
    if (f.fix) {
      if (redactPosted(f.fix.replacement, known) === f.fix.replacement) out.fix = { ...f.fix };
      else delete out.fix;
    }
    return out;
  });
}

const RANK = { error: 0, warning: 1, note: 2 } as const;

/**
 * The results collect writes: findings redacted and cut to the artifact's caps (errors first; long strings cut, a fix
 * too long to keep whole dropped), so post never refuses what collect made.
 */
export function collectedResults(
  pull: CollectedResults['pull'],
  run: SummaryReport,
  findings: readonly ReviewFinding[],
  known: readonly string[],
): CollectedResults {
  const cut = (s: string) => (s.length > MAX_STRING ? `${s.slice(0, MAX_STRING - 1)}…` : s);
  const kept = redactFindings(findings, known)
    .sort((a, b) => RANK[a.severity] - RANK[b.severity])
    .slice(0, MAX_FINDINGS)
    .map((f) => {
      const out: ReviewFinding = { ...f, message: cut(f.message), code: f.code.slice(0, 20).map(cut) };
      if (f.suggestion !== undefined) out.suggestion = cut(f.suggestion);
      if (f.fix && f.fix.replacement.length > MAX_STRING) delete out.fix;
      return out;
    });
  const safeRun: SummaryReport = {
    ...run,
    warnings: run.warnings.slice(0, 100).map((w) => cut(redactPosted(w, known))),
    commits: run.commits.slice(0, 100).map((c) => ({ ...c, message: cut(redactPosted(c.message, known)) })),
  };
  // Findings are capped at 1,000 of at most ~45 KB each: over 5 MB only in theory, so drop the least severe then.
  const size = (list: ReviewFinding[]) => Buffer.byteLength(JSON.stringify(list));
  while (kept.length && size(kept) > MAX_ARTIFACT_BYTES - 512 * 1024) kept.pop();
  return { format: 'orchestrate-results', version: 1, pull, run: safeRun, findings: kept, sarif: SARIF_FILE };
}

/** Where a run's files for upload go (`$RUNNER_TEMP/orchestrate/<run-id>/`: upload-artifact skips hidden folders). */
export function resultsDir(env: Pick<ActionEnv, 'temp'>, runId: string): string {
  return path.join(env.temp, 'orchestrate', runId);
}

/** Writes a SARIF log into the run's results folder and returns its path. */
export async function writeSarif(env: Pick<ActionEnv, 'temp'>, runId: string, sarif: SarifLog): Promise<string> {
  const dir = resultsDir(env, runId);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, SARIF_FILE);
  await writeFile(file, `${JSON.stringify(sarif, null, 2)}\n`);
  return file;
}

/** The first few schema issues, as text safe to log (keys from the file are quoted, the whole is capped). */
function issues(error: z.ZodError): string {
  const text = error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map((p) => JSON.stringify(String(p))).join('.') || 'the file'}: ${i.message}`)
    .join('; ');
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, 300);
}
