import path from 'node:path';
import { UsageError } from '@orchestrate/core';
import { findRepoRoot } from '@orchestrate/repo';
import { writeReportHtml } from './report.js';
import { assertRunId, requireRun } from './runs.js';

/**
 * `orchestrate show <run-id> --html [file]`: the page of a finished run, written to `file` (relative to `cwd`) or
 * beside its report.json. E_USAGE for an unknown run, a run with no report yet (running or interrupted), or a file
 * that cannot be written.
 */
export async function writeRunHtml(options: { cwd?: string; runId: string; file?: string }): Promise<{ html: string }> {
  assertRunId(options.runId);
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const root = await findRepoRoot(cwd);
  const run = await requireRun(root, options.runId);
  if (!run.report) {
    throw new UsageError(
      `Run ${options.runId} has no report yet (it is ${run.status}): its page is written when it finishes. ` +
        `\`orchestrate show ${options.runId}\` shows its progress${run.status === 'interrupted' ? `; \`orchestrate resume ${options.runId}\` finishes it` : ''}.`,
    );
  }
  const file = options.file !== undefined ? path.resolve(cwd, options.file) : undefined;
  try {
    return { html: await writeReportHtml(root, run.report, file) };
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UsageError(
      `Cannot write the report page to ${file ?? 'the run directory'} (${reason}): name another file.`,
    );
  }
}
