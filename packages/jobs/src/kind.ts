import type { z } from 'zod';
import type { Job, JobKind, PlanStep } from '@orchestrate/core';
import type { Declaration, Edit, FileIndex } from '@orchestrate/repo';

/** A job together with the indexed target it works on. */
export interface JobTarget {
  job: Job;
  step: PlanStep;
  declaration: Declaration;
  file: FileIndex;
}

/** What a gate concluded about one job's edit. */
export type GateResult = { ok: true } | { ok: false; gate: string; reason: string };

/**
 * One job kind: every kind has the same parts, so a new kind is one new module registered in `registry.ts`.
 * Output is data: `apply` turns it into an edit of the job's own target span and nothing else.
 */
export interface JobKindModule<Output = unknown> {
  kind: JobKind;
  /** Turns a plan step into jobs over the index (deterministic). */
  select(step: PlanStep, files: FileIndex[]): JobTarget[];
  /** Stable instructions for the worker model (sent first, so prompt caching can hit). */
  workerInstructions: string;
  /** The variable part of the worker's input: only what this job needs. */
  contextPack(target: JobTarget): string;
  /** The worker's structured output schema for this job (names only this job's own parameters). */
  outputSchema(target: JobTarget): z.ZodType<Output>;
  /** Deterministic output of the offline engine. */
  offline(target: JobTarget): Output;
  /** Turns validated output into an edit of the target span; throws a JobRejected for output it will not write. */
  apply(target: JobTarget, output: Output): Edit;
  /** Deterministic gates on the file before/after this job's edit, cheapest first. */
  gate(target: JobTarget, before: string, after: string): GateResult;
  /** How the verifier sees the result: the target and the change, compact. */
  describeForVerifier(target: JobTarget, edit: Edit): string;
}

/** Model output that code refuses to write (hostile, malformed or out of bounds). */
export class JobRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobRejected';
  }
}
