/** A job kind: a name in the jobs registry (`packages/jobs/src/registry.ts`, the only list of kinds). */
export type JobKind = string;

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

/** A variant of a kind that has several (each kind declares its own in the jobs registry). */
export type StepVariant = string;

/**
 * What a job kind tells the planner about itself, as data: the engine hands the jobs registry's list of these to the
 * planner (model and offline), so the planner knows no kind by name.
 */
export interface KindPlanning {
  kind: JobKind;
  /** The kind's lines in the planner's instructions (`- kind: what it does`; continuation lines start with spaces). */
  description: string[];
  /** What the kind does in a few words, for "orchestrate's job kinds: …" messages. */
  summary: string;
  /** The kind's variants, its default first; [] when it has none. */
  variants: readonly StepVariant[];
  /** The offline planner's rules for this kind: which task words make which step. */
  offline: OfflineRule[];
}

/** One rule of the offline planner: plain task words that ask for a step of one kind (and variant). */
export interface OfflineRule {
  variant: StepVariant | null;
  /** The task words that ask for this step. */
  test: RegExp;
  /** Where the rule's step goes among every kind's steps (lower first); it also picks a variant the task names. */
  order: number;
  /** When the task asks for this, the step is the plan's only one of its own (a review makes no edits, ...). */
  alone?: boolean;
  /** What the offline engine can do with this rule, with examples, for its "it can:" list. */
  capability?: string;
  /** The step's fields the task's words set, beyond its paths and exported-only. */
  fields?(task: string, found: { declarationKinds: DeclarationKind[] }): OfflineStepFields;
}

/** The fields of an offline step a rule may set (others keep their defaults: all declarations, no ref, no text). */
export interface OfflineStepFields {
  declarationKinds?: DeclarationKind[];
  includeDocumented?: boolean;
  changedSince?: string | null;
  instructions?: string;
}

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
  /**
   * The worker model this step's jobs start on (a ref among `models.worker` and `models.workers`, chosen by the
   * planner, checked by code); absent or null: `models.worker`.
   */
  model?: string | null;
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
