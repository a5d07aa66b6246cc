import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plan, ReportCommit, UsageLedger } from '@orchestrate/core';
import { jobKind } from '@orchestrate/jobs';
import { applyEdits, commitFiles, type Edit } from '@orchestrate/repo';
import { finish, type JobState } from './job-state.js';

/** What the commit trailers name. */
export interface CommitInfo {
  runId: string;
  task: string;
  engine: 'openai' | 'offline';
  models: { worker: string; verifier: string };
  ledger: UsageLedger;
}

/**
 * Applies the verified edits and commits them, one commit per step. Offsets are always taken against the file at the
 * run's base commit, so each step's file is the base plus every verified edit up to that step; edits that no longer fit
 * their target are failed, and the whole file is gated again before it is written.
 */
export async function commitSteps(plan: Plan, states: JobState[], worktree: string, info: CommitInfo): Promise<ReportCommit[]> {
  const commits: ReportCommit[] = [];
  const editsByFile = new Map<string, JobState[]>();
  for (const step of plan.steps) {
    const verified = states.filter((s) => s.target.step.id === step.id && s.phase === 'verified');
    if (verified.length === 0) continue;
    const touched: string[] = [];
    for (const s of verified) {
      const list = editsByFile.get(s.target.file.path) ?? [];
      if (!list.length) editsByFile.set(s.target.file.path, list);
      list.push(s);
      if (!touched.includes(s.target.file.path)) touched.push(s.target.file.path);
    }
    const committed: JobState[] = [];
    const written: string[] = [];
    for (const file of touched) {
      const all = editsByFile.get(file)!.filter((s) => s.phase === 'verified' || s.phase === 'done' && s.status === 'succeeded');
      const base = all[0]!.target.file.text;
      const result = applyEdits(base, all.map((s) => s.edit as Edit));
      for (const stale of result.stale) {
        const s = all.find((x) => x.target.job.id === stale.owner)!;
        finish(s, 'failed', stale.reason);
      }
      const absolute = path.join(worktree, file);
      const bom = all[0]!.target.file.bom ? '\uFEFF' : '';
      const current = (await readFile(absolute, 'utf8')).slice(bom.length);
      const stepJobs = verified.filter((s) => s.target.file.path === file && s.phase === 'verified');
      const gate = stepJobs[0] ? jobKind(stepJobs[0].target.job.kind).gate(stepJobs[0].target, current, result.text) : { ok: true as const };
      if (!gate.ok) {
        stepJobs.forEach((s) => finish(s, 'failed', `${gate.gate} gate on the whole file: ${gate.reason}`));
        continue;
      }
      if (result.text !== current) {
        await writeFile(absolute, bom + result.text, 'utf8');
        written.push(file);
      }
      committed.push(...stepJobs);
    }
    if (written.length === 0) continue;
    const message = commitMessage(step.id, step.kind, committed, info);
    const sha = await commitFiles(worktree, written, message);
    for (const s of committed) {
      s.phase = 'done';
      s.status = 'succeeded';
    }
    commits.push({ sha, stepId: step.id, message: message.split('\n')[0]!, jobs: committed.length });
  }
  return commits;
}

function commitMessage(stepId: string, kind: string, jobs: JobState[], info: CommitInfo): string {
  const files = new Set(jobs.map((j) => j.target.file.path)).size;
  const input = jobs.reduce((n, j) => n + j.usage.inputTokens, 0);
  const cached = jobs.reduce((n, j) => n + j.usage.cachedInputTokens, 0);
  const output = jobs.reduce((n, j) => n + j.usage.outputTokens, 0);
  const cost = jobs.reduce((n, j) => n + j.costUsd, 0);
  const subject =
    kind === 'docstring'
      ? `docs: add doc comments to ${jobs.length} declaration${jobs.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`
      : `${kind}: ${jobs.length} jobs`;
  const models = info.engine === 'offline' ? 'offline (rule-based)' : `worker=${info.models.worker}, verifier=${info.models.verifier}`;
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
