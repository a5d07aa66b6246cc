import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunReport } from '@orchestrate/core';
import { formatForTerminal, toMarkdown } from '@orchestrate/jobs';
import { showFileAt } from '@orchestrate/repo';
import { reviewFindings, reviewSarif } from './findings.js';
import { formatSummary } from './report.js';

/** `reviewed abc1234..working tree (3 files)`: the range a review looked at, or null for a run that reviewed nothing. */
export function reviewedLine(report: RunReport): string | null {
  const r = report.reviewed;
  return r ? `reviewed ${r.label} (${r.files} file${r.files === 1 ? '' : 's'})` : null;
}

/**
 * The review annotations of a report for the terminal, grouped by file, with each code line, under the range that was
 * reviewed. Code lines come from the reviewed commit (for a working-tree review, its snapshot: the user's current text).
 */
export async function formatReview(report: RunReport, color = false): Promise<string> {
  const range = reviewedLine(report);
  const body = await formatFindings(report, color);
  return range ? `${range}\n${body}` : body;
}

/**
 * What a finished run prints: for a run that reviewed (the `review` command or a task such as "review my changes") the
 * range, the findings and then the summary; for any other run the summary alone.
 */
export async function formatRunOutput(report: RunReport, color = false): Promise<string> {
  if (!report.reviewed) return formatSummary(report);
  return `${await formatReview(report, color)}\n\n${formatSummary(report)}`;
}

async function formatFindings(report: RunReport, color: boolean): Promise<string> {
  const files = new Map<string, string[]>();
  for (const file of new Set(report.annotations.map((a) => a.file))) {
    const text = (await showFileAt(report.repo, report.baseCommit, file)) ?? '';
    files.set(file, text.split('\n'));
  }
  const readLine = (file: string, line: number) => files.get(file)?.[line - 1] ?? null;
  if (report.annotations.length === 0) return 'No findings on the changed lines.';
  return formatForTerminal(report.annotations, readLine, { color });
}

/**
 * Writes the review as SARIF 2.1.0 (for GitHub code scanning, category `orchestrate/cli/`) and/or Markdown, relative
 * to `cwd`.
 */
export async function writeReviewFiles(
  report: RunReport,
  outputs: { sarif?: string; markdown?: string; cwd: string; version: string },
): Promise<void> {
  if (outputs.sarif) {
    const findings = await reviewFindings(report);
    const sarif = reviewSarif(findings, { version: outputs.version, automationId: `orchestrate/cli/${report.id}` });
    await writeFile(path.resolve(outputs.cwd, outputs.sarif), `${JSON.stringify(sarif, null, 2)}\n`);
  }
  if (outputs.markdown) {
    await writeFile(
      path.resolve(outputs.cwd, outputs.markdown),
      toMarkdown(report.annotations, { title: `orchestrate review (${report.id})` }),
    );
  }
}
