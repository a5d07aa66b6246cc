import { createHash } from 'node:crypto';
import type { ReviewFinding, RunReport } from '@orchestrate/core';
import { capAnnotations, RULES, toSarif, type SarifLog } from '@orchestrate/jobs';
import { showFileAt } from '@orchestrate/repo';
import { redactPosted } from '../shell/redact.js';

/** The most code lines a finding carries (its fingerprint reads all of them, up to this). */
export const FINDING_CODE_LINES = 20;
/** The most characters of one code line a finding carries (a minified line would otherwise fill an artifact). */
const CODE_LINE_CHARS = 1_000;
/** GitHub code scanning keeps the first 5,000 results of a run: the most serious go first. */
export const SARIF_MAX_RESULTS = 5_000;
/** The key of a finding's own fingerprint in SARIF `partialFingerprints`. */
export const FINDING_FINGERPRINT_KEY = 'orchestrateFinding/v1';

/**
 * What a finding is, independent of where it is and how it is worded: sha256 of its file, rule and code (whitespace
 * collapsed) → 32 hex. The same problem on a later push has the same fingerprint when lines above it moved it, when
 * it was re-indented, or when a model worded its message differently.
 */
export function findingFingerprint(file: string, ruleId: string, code: readonly string[]): string {
  const text = code.join('\n').replace(/\s+/g, ' ').trim();
  return createHash('sha256')
    .update(JSON.stringify([file, ruleId, text]))
    .digest('hex')
    .slice(0, 32);
}

/**
 * The report's annotations as findings a shell publishes: each with its code at the reviewed commit (the report's
 * `baseCommit`; at most 20 lines, secrets redacted) and its fingerprint. Findings that share one (the same rule on
 * the same code twice in a file) are numbered `fp:1`, `fp:2`… in file and line order, whatever order they came in.
 */
export async function reviewFindings(report: RunReport): Promise<ReviewFinding[]> {
  const files = new Map<string, string[] | null>();
  for (const file of new Set(report.annotations.map((a) => a.file))) {
    const text = await showFileAt(report.repo, report.baseCommit, file);
    files.set(file, text === null ? null : text.split('\n').map((l) => l.replace(/\r$/, '')));
  }
  const raw = report.annotations.map((a) => {
    const lines = files.get(a.file) ?? [];
    const last = Math.min(Math.max(a.line, a.endLine), a.line + FINDING_CODE_LINES - 1);
    const code = lines.slice(Math.max(0, a.line - 1), last);
    return { a, code, base: findingFingerprint(a.file, a.ruleId, code) };
  });
  const order = raw
    .map((r, i) => ({ ...r, i }))
    .sort((x, y) => cmp(x.a.file, y.a.file) || x.a.line - y.a.line || x.a.endLine - y.a.endLine || x.i - y.i);
  const seen = new Map<string, number>();
  const fingerprints: string[] = [];
  for (const r of order) {
    const n = seen.get(r.base) ?? 0;
    seen.set(r.base, n + 1);
    fingerprints[r.i] = n === 0 ? r.base : `${r.base}:${n}`;
  }
  return raw.map(({ a, code }, i) => ({
    ...a,
    fingerprint: fingerprints[i]!,
    code: code.map((l) => redactPosted(l.slice(0, CODE_LINE_CHARS))),
  }));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The findings as SARIF 2.1.0 for GitHub code scanning: `automationDetails.id` set (`<category>/<instance>`, one
 * category per shell), the 5,000 most serious results, each with the finding's fingerprint beside the message-based
 * one, and messages redacted (`known` values too); a fix that holds a secret is left out.
 */
export function reviewSarif(
  findings: readonly ReviewFinding[],
  o: { version: string; automationId: string; known?: readonly string[] },
): SarifLog {
  const kept = capAnnotations(findings, SARIF_MAX_RESULTS);
  const clean = kept.map((f) => {
    const { fix, suggestion, ...rest } = f;
    const out: ReviewFinding = { ...rest, message: redactPosted(f.message, o.known) };
    if (suggestion !== undefined) out.suggestion = redactPosted(suggestion, o.known);
    if (fix && redactPosted(fix.replacement, o.known) === fix.replacement) out.fix = fix;
    return out;
  });
  return toSarif(clean, {
    toolName: 'orchestrate',
    version: o.version,
    rules: RULES,
    automationId: o.automationId,
    extraFingerprints: (_a, i) => ({ [FINDING_FINGERPRINT_KEY]: clean[i]!.fingerprint }),
  });
}

export type { SarifLog };
