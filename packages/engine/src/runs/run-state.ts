import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, type Plan, type RunReport } from '@orchestrate/core';
import { runDir } from './report.js';

/** What a detached run leaves to be resumed: its report (task, base commit, plan) and its submitted batches. */
export interface DetachedRun {
  report: RunReport;
  /** custom id → batch id of every call submitted so far. */
  batches: Map<string, string>;
}

const BATCHES_FILE = 'batches.json';

/** Saves which batch holds each submitted call (written as soon as a batch is submitted). */
export async function saveBatches(root: string, runId: string, batches: Map<string, string>): Promise<void> {
  const dir = runDir(root, runId);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, BATCHES_FILE), `${JSON.stringify(Object.fromEntries(batches), null, 2)}\n`);
}

/** Saves the submitted batches synchronously, before the run goes on waiting for them. */
export function saveBatchesNow(root: string, runId: string, batches: Map<string, string>): void {
  const dir = runDir(root, runId);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, BATCHES_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(Object.fromEntries(batches), null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** The batches a run submitted (custom id → batch id), or none. */
export function loadBatches(root: string, runId: string): Map<string, string> {
  try {
    return new Map(
      Object.entries(
        JSON.parse(readFileSync(path.join(runDir(root, runId), BATCHES_FILE), 'utf8')) as Record<string, string>,
      ),
    );
  } catch {
    return new Map();
  }
}

/** Loads a detached run, or explains why it cannot be resumed. */
export async function loadDetachedRun(root: string, runId: string): Promise<DetachedRun> {
  if (!/^[\w.-]+$/.test(runId)) throw new UsageError(`Not a run id: ${runId}.`);
  const dir = runDir(root, runId);
  let report: RunReport;
  try {
    report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as RunReport;
  } catch {
    throw new UsageError(`No run ${runId} in .orchestrate/runs/. Check the id (ls .orchestrate/runs).`);
  }
  if (report.status !== 'detached') {
    throw new UsageError(`Run ${runId} is ${report.status}, not waiting for a batch: there is nothing to resume.`);
  }
  const raw = await readFile(path.join(dir, BATCHES_FILE), 'utf8').catch(() => '{}');
  return { report, batches: new Map(Object.entries(JSON.parse(raw) as Record<string, string>)) };
}

/** The plan a detached run made (so resuming makes no planner call). */
export function planOf(report: RunReport): Plan {
  return { steps: report.plan.steps, source: report.plan.source, warnings: report.plan.warnings };
}
