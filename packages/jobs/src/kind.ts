import type { z } from 'zod';
import {
  ModelFaultError,
  type Job,
  type JobKind,
  type KindPlanning,
  type PlanStep,
  type ReviewAnnotation,
} from '@orchestrate/core';
import type { Declaration, Edit, FileIndex, TypecheckSession } from '@orchestrate/repo';
import type { AgentsDoc } from './agents-chain.js';

/** A job together with what it works on: a declaration, a whole file, or a range of changed lines. */
export interface JobTarget {
  job: Job;
  step: PlanStep;
  file: FileIndex;
  /** The declaration, for declaration jobs; null for whole-file and hunk jobs. */
  declaration: Declaration | null;
  /** Changed lines (1-based, inclusive), for review jobs; null otherwise. */
  lines: { start: number; end: number } | null;
}

/** What the kinds can ask of the repository while selecting and packing context. */
export interface KindContext {
  /** Every indexed file at the run's base commit. */
  files: FileIndex[];
  /**
   * The AGENTS.md files that apply to a file, root → leaf, capped (`agentsLookup`); absent: none, or `agentsMd`.
   * @default none
   */
  agentsMdFor?(file: string): AgentsDoc[];
  /** Most tokens of AGENTS.md text in one job's context pack (`agentsMd.maxTokens`). @default 400 */
  agentsMdTokens?: number;
  /** The root AGENTS.md alone, for callers older than `agentsMdFor` (which wins when both are given). @default none */
  agentsMd?: string | null;
  /** Lines changed since the step's ref (review, `changedSince`), by file. */
  changed: Map<string, { start: number; end: number }[]> | null;
  /** Where a generated test file for a source file goes, and how tests import things. */
  tests: { runner: string; pathFor(source: string): string } | null;
  /** The type checker over the base commit (created on first use; only kinds that need types call it). */
  typecheck(): TypecheckSession;
  /** The repository root (read-only: for the formatter's config and installed tools). */
  root: string;
  /**
   * false: the run starts none of the repository's own tools (formatter, test runner): a kind whose work needs them
   * selects no jobs and says why (`skipForRepositoryCode`). @default true
   */
  runRepositoryCode?: boolean;
}

/** What applying one job's output produced: edits of its own file, new files, annotations. All computed by code. */
export interface JobOutcome {
  edits: Edit[];
  /** Files the job creates (paths chosen by code, never by the model). */
  newFiles: { path: string; text: string }[];
  annotations: ReviewAnnotation[];
  /** The declarations the new files are about (the functions a test file tests): what the commit subject counts. */
  covers?: string[];
}

/** What a gate concluded about one job's change. */
export type GateResult = { ok: true } | { ok: false; gate: string; reason: string };

/** Gates that need the whole repository, run by the engine after the per-file proofs. */
export type HeavyGate = 'typecheck' | 'tests' | 'generated-tests';

/** The offline engine has no rule for this job: it says so, and the report names how to enable a model. */
export interface NeedsModel {
  needsModel: string;
}

/** A job as its step's commit sees it: the target and what applying its output produced. */
export interface CommittedJob {
  target: JobTarget;
  outcome: JobOutcome | null;
}

/** What a kind declares about itself beyond its worker parts: how the planner sees it, and how its commits read. */
export interface KindDeclaration {
  kind: JobKind;
  /** The planner's view of the kind: its lines in the instructions, its variants, its offline rules. */
  planning: Omit<KindPlanning, 'kind'>;
  /** Words that make a section of the repository's AGENTS.md relevant to this kind's jobs, beyond its name. */
  conventionWords: readonly string[];
  /** The first line of a step's commit: what was done, to how many, where (`files`: how many files it writes). */
  commitSubject(jobs: readonly CommittedJob[], files: number): string;
}

/**
 * One job kind: every kind has the same parts, so a new kind is one folder and one line in `registry.ts`.
 * Output is data: `apply` turns it into edits of the job's own span (or files whose paths code chose), nothing else.
 */
export interface JobKindModule<Output = unknown> extends KindDeclaration {
  /** Turns a plan step into jobs over the index (deterministic). */
  select(step: PlanStep, ctx: KindContext): JobTarget[];
  /** Stable instructions for the worker model (sent first, so prompt caching can hit). */
  workerInstructions(step: PlanStep): string;
  /** The variable part of the worker's input: only what this job needs. */
  contextPack(target: JobTarget, ctx: KindContext): string;
  /** The worker's structured output schema for this job (it can name nothing outside the job). */
  outputSchema(target: JobTarget, ctx: KindContext): z.ZodType<Output>;
  /** Deterministic output without a model, or why this job needs one. */
  offline(target: JobTarget, ctx: KindContext): Output | NeedsModel | Promise<Output | NeedsModel>;
  /** Small jobs of this kind may share one worker call (each item is still validated and applied on its own). */
  packable?: boolean;
  /** True when `offline` is the right implementation on every engine (formatting is a formatter's job, not a model's). */
  deterministic?(target: JobTarget, ctx: KindContext): boolean;
  /** Turns validated output into an outcome; throws JobRejected for output it will not write. */
  apply(target: JobTarget, output: Output, ctx: KindContext): JobOutcome | Promise<JobOutcome>;
  /**
   * Cheap deterministic gate on a file before/after this kind's edits (e.g. the comment-only proof). `edits`, when
   * given, are the edits that make `after` from `before`: a gate may use them as a certificate it checks.
   */
  gate(target: JobTarget, before: string, after: string, edits?: readonly Edit[]): GateResult;
  /** Gates on the whole repository that this step needs, cheapest first. */
  heavyGates(step: PlanStep): HeavyGate[];
  /** Whether results go to the verifier model by default. */
  verifyByDefault(step: PlanStep): boolean;
  /** What the verifier is told the job had to do (stated once for the items of a batch that share it). */
  verifierInstructions(target: JobTarget): string;
  /**
   * How the verifier sees the result: the target and the change, compact, without the file's path (the verifier's
   * input names each file once for its items). A view that is one TypeScript fence (`tsFence`: a docstring's comment
   * and the declaration's head, never its body) shares one fence with the other such items of its file.
   */
  describeForVerifier(target: JobTarget, outcome: JobOutcome): string;
}

/** Model output that code refuses to write (hostile, malformed or out of bounds). */
export class JobRejected extends ModelFaultError {
  readonly code = 'E_REJECTED';
  constructor(message: string) {
    super(message);
    // Kept explicit: a bundler may rename the class.
    this.name = 'JobRejected';
  }
}

/** An outcome with nothing in it. */
export function emptyOutcome(): JobOutcome {
  return { edits: [], newFiles: [], annotations: [] };
}

/** Whether offline output is a "needs a model" answer. */
export function isNeedsModel(value: unknown): value is NeedsModel {
  return typeof value === 'object' && value !== null && 'needsModel' in value;
}

/** A KindContext over in-memory files (no AGENTS.md, no diff, no test runner): for tests and simple callers. */
export function kindContextFor(files: FileIndex[], overrides: Partial<KindContext> = {}): KindContext {
  return {
    files,
    changed: null,
    tests: null,
    root: '.',
    typecheck: () => {
      throw new Error('no type checker in this context');
    },
    ...overrides,
  };
}
