import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InternalError, type Plan, type ReportCommit } from '@orchestrate/core';
import { jobKind } from '@orchestrate/jobs';
import { applyEdits, commitFiles } from '@orchestrate/repo';
import { finish, type JobState } from './job/state.js';

/** What the commit trailers name. */
export interface CommitInfo {
  runId: string;
  task: string;
  engine: 'openai' | 'offline';
  models: { worker: string; verifier: string };
}

/** What `commitSteps` tells as it goes. */
export interface CommitHooks {
  /** Called as each commit is made (before the next step is applied), with its report line. */
  onCommit?: (commit: ReportCommit) => void;
}

/**
 * Applies the verified outcomes and commits them, one commit per step. Edit offsets always refer to the file at the
 * run's base commit, so each step's file is the base plus every verified edit up to that step; edits that no longer fit
 * their target are failed, and the whole file is gated again before it is written. New files go where code decided.
 * Jobs with nothing to write (review annotations) succeed without a commit.
 */
export async function commitSteps(
  plan: Plan,
  states: JobState[],
  worktree: string,
  info: CommitInfo,
  hooks: CommitHooks = {},
): Promise<ReportCommit[]> {
  const commits: ReportCommit[] = [];
  const committedByFile = new Map<string, JobState[]>();
  for (const step of plan.steps) {
    const verified = states.filter((s) => s.target.step.id === step.id && s.phase === 'verified');
    for (const s of verified.filter((x) => !x.outcome?.edits.length && !x.outcome?.newFiles.length)) succeed(s);
    const writing = verified.filter((s) => s.phase === 'verified');
    if (writing.length === 0) continue;
    const written: string[] = [];
    const committed: JobState[] = [];
    for (const [file, stepJobs] of byFile(writing.filter((s) => s.outcome!.edits.length))) {
      const earlier = committedByFile.get(file) ?? [];
      const fileIndex = stepJobs[0]!.target.file;
      const result = applyEdits(
        fileIndex.text,
        [...earlier, ...stepJobs].flatMap((s) => s.outcome!.edits),
      );
      for (const stale of result.stale) {
        const s = stepJobs.find((x) => x.target.job.id === stale.owner);
        if (s && s.phase === 'verified') finish(s, 'failed', stale.reason);
      }
      const survivors = stepJobs.filter((s) => s.phase === 'verified');
      if (survivors.length === 0) continue;
      const edits = [...earlier, ...survivors].flatMap((s) => s.outcome!.edits);
      const text = survivors.length === stepJobs.length ? result.text : applyEdits(fileIndex.text, edits).text;
      const absolute = path.join(worktree, file);
      const bom = fileIndex.bom ? '\uFEFF' : '';
      const current = currentText(absolute, fileIndex.text, bom.length);
      const gate = jobKind(survivors[0]!.target.job.kind).gate(survivors[0]!.target, current, text, edits);
      if (!gate.ok) {
        survivors.forEach((s) => finish(s, 'failed', `${gate.gate} gate on the whole file: ${gate.reason}`));
        continue;
      }
      if (text !== current) {
        writeFileIn(absolute, bom + text);
        written.push(file);
      }
      committed.push(...survivors);
      committedByFile.set(file, [...earlier, ...survivors]);
    }
    for (const s of writing.filter((x) => x.phase === 'verified' && x.outcome!.newFiles.length)) {
      for (const f of s.outcome!.newFiles) {
        const absolute = path.join(worktree, f.path);
        if (!absolute.startsWith(worktree + path.sep))
          throw new InternalError(`new file outside the worktree: ${f.path}`);
        writeFileIn(absolute, f.text);
        written.push(f.path);
      }
      if (!committed.includes(s)) committed.push(s);
    }
    if (written.length === 0) {
      committed.forEach(succeed);
      continue;
    }
    const files = [...new Set(written)];
    const message = commitMessage(step.id, step.kind, committed, info, files.length);
    const sha = await commitFiles(worktree, files, message);
    committed.forEach(succeed);
    const made: ReportCommit = {
      sha,
      stepId: step.id,
      message: message.split('\n')[0]!,
      jobs: committed.length,
      files,
    };
    commits.push(made);
    hooks.onCommit?.(made);
  }
  return commits;
}

function succeed(s: JobState): void {
  s.phase = 'done';
  s.status = 'succeeded';
}

/** The first line of a step's commit: the kind's own subject (`files` is how many files the commit writes). */
export function commitSubject(kind: string, jobs: JobState[], files: number): string {
  return jobKind(kind).commitSubject(jobs, files);
}

/** `files` is how many files the commit writes (a test job's source file is read, not written). */
function commitMessage(stepId: string, kind: string, jobs: JobState[], info: CommitInfo, files: number): string {
  const input = jobs.reduce((n, j) => n + j.usage.inputTokens, 0);
  const cached = jobs.reduce((n, j) => n + j.usage.cachedInputTokens, 0);
  const output = jobs.reduce((n, j) => n + j.usage.outputTokens, 0);
  const cost = jobs.reduce((n, j) => n + j.costUsd, 0);
  const subject = commitSubject(kind, jobs, files);
  const models =
    info.engine === 'offline'
      ? 'offline (rule-based)'
      : `worker=${info.models.worker}, verifier=${info.models.verifier}`;
  return [
    subject,
    '',
    `Task: ${info.task.replace(/\s+/g, ' ').slice(0, 200)}`,
    '',
    `Orchestrate-Run: ${info.runId}`,
    `Orchestrate-Step: ${stepId}`,
    `Orchestrate-Engine: ${info.engine}`,
    `Orchestrate-Models: ${models}`,
    `Orchestrate-Jobs: ${jobs.length}`,
    `Orchestrate-Tokens: input=${input} cached=${cached} output=${output}`,
    `Orchestrate-Cost-USD: ${cost.toFixed(6)}`,
    '',
  ].join('\n');
}

/**
 * The jobs grouped by their file, the files in the order of their first job and each file's jobs in their order: one
 * pass, where a filter per file was files × jobs (12.5 million calls at 10,000 jobs in 1,250 files).
 */
export function byFile(jobs: JobState[]): Map<string, JobState[]> {
  const groups = new Map<string, JobState[]>();
  for (const s of jobs) {
    const group = groups.get(s.target.file.path);
    if (group) group.push(s);
    else groups.set(s.target.file.path, [s]);
  }
  return groups;
}

/**
 * Writes a file of the worktree, making its folder. Synchronous, as is `currentText`: nothing else runs while the
 * steps are committed, and three awaited file operations per file were three trips through libuv's thread pool each,
 * seconds at 1,250 files on a loaded machine.
 */
function writeFileIn(absolute: string, text: string): void {
  mkdirSync(path.dirname(absolute), { recursive: true });
  writeFileSync(absolute, text, 'utf8');
}

/**
 * A file's text in the worktree without its byte-order mark: what an earlier step wrote or a gate checked out; the base
 * text (`base`) while nothing has written it (the worktree starts without files).
 */
function currentText(absolute: string, base: string, bomLength: number): string {
  try {
    return readFileSync(absolute, 'utf8').slice(bomLength);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return base;
    throw err;
  }
}
