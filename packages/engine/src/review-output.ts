import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunReport } from '@orchestrate/core';
import { formatForTerminal, RULES, toMarkdown, toSarif } from '@orchestrate/jobs';
import { git } from '@orchestrate/repo';

/** The review annotations of a report for the terminal, grouped by file, with each code line. */
export async function formatReview(report: RunReport, color = false): Promise<string> {
  const files = new Map<string, string[]>();
  for (const file of new Set(report.annotations.map((a) => a.file))) {
    const text = await git(report.repo, ['show', `${report.baseCommit}:${file}`]).catch(() => '');
    files.set(file, text.split('\n'));
  }
  const readLine = (file: string, line: number) => files.get(file)?.[line - 1] ?? null;
  if (report.annotations.length === 0) return 'No findings on the changed lines.';
  return formatForTerminal(report.annotations, readLine, { color });
}

/** Writes the review as SARIF 2.1.0 (for GitHub code scanning) and/or Markdown, relative to `cwd`. */
export async function writeReviewFiles(report: RunReport, outputs: { sarif?: string; markdown?: string; cwd: string; version: string }): Promise<void> {
  if (outputs.sarif) {
    const sarif = toSarif(report.annotations, { toolName: 'orchestrate', version: outputs.version, rules: RULES });
    await writeFile(path.resolve(outputs.cwd, outputs.sarif), `${JSON.stringify(sarif, null, 2)}\n`);
  }
  if (outputs.markdown) {
    await writeFile(path.resolve(outputs.cwd, outputs.markdown), toMarkdown(report.annotations, { title: `orchestrate review (${report.id})` }));
  }
}
