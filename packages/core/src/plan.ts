/** Job kinds the engine knows. */
export const JOB_KINDS = ['docstring', 'boilerplate', 'reformat', 'review', 'custom'] as const;
/** A job kind. */
export type JobKind = (typeof JOB_KINDS)[number];

/** Declaration kinds a selector can name. */
export const DECLARATION_KINDS = [
  'function',
  'arrow-function',
  'class',
  'method',
  'accessor',
  'interface',
  'type-alias',
  'enum',
] as const;
/** A declaration kind. */
export type DeclarationKind = (typeof DECLARATION_KINDS)[number];

/** Variants of a kind: boilerplate has `bodies`, `tests` and `types`; reformat has `format` and `conventions`. */
export const STEP_VARIANTS = ['bodies', 'tests', 'types', 'format', 'conventions'] as const;
/** A step variant. */
export type StepVariant = (typeof STEP_VARIANTS)[number];

/** Which targets a plan step applies to; empty lists mean "no restriction". */
export interface Selector {
  /** Globs or paths relative to the repository root. */
  paths: string[];
  declarationKinds: DeclarationKind[];
  /** Declaration names (the symbol, e.g. `parse` or `Parser.parse`). */
  names: string[];
  exportedOnly: boolean;
  /** Only targets that have no doc comment yet. */
  missingDocsOnly: boolean;
  /** Only files (or, for review, lines) changed since this git ref; null for no restriction. */
  changedSince: string | null;
}

/** One step of a plan: code expands its selector into jobs. */
export interface PlanStep {
  id: string;
  kind: JobKind;
  /** The kind's variant, when it has several (boilerplate, reformat); null otherwise. */
  variant: StepVariant | null;
  selector: Selector;
  /** Extra instructions for the workers, from the task. */
  instructions: string;
}

/** The planner's output. */
export interface Plan {
  steps: PlanStep[];
  /** Who made the plan: the planner model's name or `offline`. */
  source: string;
  warnings: string[];
}

/** A bounded unit of work: one target in one file. */
export interface Job {
  id: string;
  stepId: string;
  kind: JobKind;
  file: string;
  /** The declaration's symbol, `(file)` for a whole-file job, or `lines a-b` for a diff hunk. */
  symbol: string;
  declarationKind: DeclarationKind | 'file' | 'hunk';
}

/** The outcome of a job. */
export type JobStatus = 'succeeded' | 'failed' | 'skipped';
