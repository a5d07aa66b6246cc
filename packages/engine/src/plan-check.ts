import type { DeclarationKind, JobKind, Plan, PlanStep, StepVariant } from '@orchestrate/core';
import { DECLARATION_KINDS, UsageError } from '@orchestrate/core';
import { planOffline, type PlannerModels, type PlannerOutput } from '@orchestrate/agents';
import { JOB_KINDS, KIND_PLANNING, pathMatcher, taskAsksToRewriteDocs, variantsOf } from '@orchestrate/jobs';
import type { FileIndex } from '@orchestrate/repo';
import { declaredNames } from './declared-names.js';
import { checkStepModel } from './step-model.js';

// Bounds on what one answer may hold: the schema caps steps at 8; the rest keeps a hostile answer from costing time.
const MAX_STEPS = 8;
const MAX_ITEMS = 100;
const MAX_PATH = 1_024;
const MAX_NAME = 256;
const MAX_REF = 200;
const MAX_INSTRUCTIONS = 2_000;

// C0/C1 controls and the bidi overrides and isolates: never part of a path, a name or a ref.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNPRINTABLE_ALL = new RegExp(UNPRINTABLE.source, 'g');
// In instructions, tabs and line breaks are text; every other control or bidi character is removed.
const STRIPPED = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// Paths that mean "the whole repository".
const WHOLE = new Set(['', '.', './', '**', '**/*', '/**']);

/** What the checks of one answer share: the repository's paths and names, the task, and the warnings so far. */
interface Checks {
  task: string;
  known: (p: string) => boolean;
  /** Whether the repository declares the name (a symbol, or a member's name without its class). */
  declares: (name: string) => boolean;
  warnings: string[];
  /** The worker models a step may name (absent: none, a step's `model` is dropped). */
  models?: PlannerModels | undefined;
}

/** A value as a warning may show it: at most 80 characters, control and bidi characters escaped. */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const cut = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return cut.replace(UNPRINTABLE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Whether a path or glob matches at least one indexed file. */
export function matchesSomething(files: readonly FileIndex[], p: string): boolean {
  const match = pathMatcher([p]);
  return files.some((f) => match(f.path));
}

/**
 * Turns the planner's answer into plan steps, checking every field in code: what does not resolve (a path, a name, a
 * declaration kind, a variant that does not fit its kind, a ref that is not one, a worker model `models` does not
 * allow) is dropped with a warning, and a step
 * left with nothing it names is dropped, never widened to the whole repository. Duplicate steps are merged.
 */
export function normalizePlan(
  out: PlannerOutput,
  task: string,
  files: FileIndex[],
  source: string,
  models?: PlannerModels,
): Plan {
  const warnings: string[] = [];
  const seen = new Map<string, boolean>();
  const checks: Checks = {
    task,
    known: (p) => seen.get(p) ?? (seen.set(p, matchesSomething(files, p)), seen.get(p)!),
    declares: declaredNames(files),
    warnings,
    models,
  };
  const given: unknown[] = Array.isArray(out?.steps) ? out.steps : [];
  if (given.length > MAX_STEPS)
    warnings.push(`the plan had ${given.length} steps: only the first ${MAX_STEPS} are used`);
  const steps = given
    .slice(0, MAX_STEPS)
    .map((s, i) => checkStep(s, `step-${i + 1}`, checks))
    .filter((s): s is PlanStep => s !== null);
  return { steps: mergeDuplicateSteps(steps, warnings), source, warnings };
}

function checkStep(value: unknown, id: string, checks: Checks): PlanStep | null {
  const warn = (message: string) => checks.warnings.push(`${id}: ${message}`);
  if (!value || typeof value !== 'object') {
    warn(`dropped: ${shown(value)} is not a step`);
    return null;
  }
  const s = value as Record<string, unknown>;
  if (!(JOB_KINDS as readonly unknown[]).includes(s.kind)) {
    warn(`dropped: unknown kind ${shown(s.kind)}`);
    return null;
  }
  const kind = s.kind as JobKind;
  const paths = checkPaths(s.paths, warn, checks);
  const names = checkNames(s.names, warn, checks);
  const declarationKinds = checkDeclarationKinds(s.declarationKinds, warn);
  if (paths === null || names === null || declarationKinds === null) return null;
  const exportedOnly = flag(s.exportedOnly, 'exportedOnly', warn);
  const includeDocumented = flag(s.includeDocumented, 'includeDocumented', warn) && taskAsksToRewriteDocs(checks.task);
  if (s.includeDocumented === true && !includeDocumented)
    warn('existing docs are kept (the task does not ask to rewrite them)');
  const model = checkStepModel(s.model, checks.models, warn, shown);
  return {
    id,
    kind,
    variant: checkVariant(kind, s.variant, checks.task, warn),
    selector: {
      paths,
      declarationKinds,
      names,
      exportedOnly,
      missingDocsOnly: !includeDocumented,
      changedSince: checkRef(s.changedSince, kind, warn),
    },
    instructions: checkInstructions(s.instructions, warn),
    ...(model ? { model } : {}),
  };
}

/** A list field: the array, or empty when the answer held something else. */
function list(value: unknown, field: string, warn: (m: string) => void): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    warn(`ignored ${field} ${shown(value)}: not a list`);
    return [];
  }
  if (value.length > MAX_ITEMS) warn(`only the first ${MAX_ITEMS} of ${value.length} ${field} are used`);
  return value.slice(0, MAX_ITEMS);
}

/** The step's paths that match indexed files; [] for the whole repository; null when none of those it named resolves. */
function checkPaths(value: unknown, warn: (m: string) => void, checks: Checks): string[] | null {
  const kept = new Set<string>();
  const unknown: string[] = [];
  const invalid: unknown[] = [];
  let whole = false;
  for (const p of list(value, 'paths', warn)) {
    if (typeof p !== 'string' || p.length > MAX_PATH || UNPRINTABLE.test(p)) invalid.push(p);
    else if (WHOLE.has(p.trim())) whole = true;
    else {
      const clean = p.trim().replace(/^(?:\.\/)+/, '');
      const outside = clean.startsWith('/') || /^[A-Za-z]:[\\/]/.test(clean) || clean.split(/[\\/]/).includes('..');
      if (!outside && checks.known(clean)) kept.add(p.trim());
      else unknown.push(p.trim());
    }
  }
  if (invalid.length)
    warn(
      `ignored ${invalid.length} paths that cannot be paths (control characters, over ${MAX_PATH} characters, not text): ${invalid.map(shown).join(', ')}`,
    );
  if (unknown.length) warn(`ignored paths that match no file: ${unknown.map(shown).join(', ')}`);
  if (whole) return [];
  if (kept.size === 0 && (unknown.length || invalid.length)) {
    warn('dropped: none of its paths is in the repository (a step is never widened to the whole repository)');
    return null;
  }
  return [...kept];
}

/** The step's names that the repository declares; null when it named some and none resolves. */
function checkNames(value: unknown, warn: (m: string) => void, checks: Checks): string[] | null {
  const given = list(value, 'names', warn);
  const kept = new Set<string>();
  const dropped: unknown[] = [];
  for (const n of given) {
    const name = typeof n === 'string' ? n.trim() : '';
    if (name && name.length <= MAX_NAME && !UNPRINTABLE.test(name) && checks.declares(name)) kept.add(name);
    else dropped.push(n);
  }
  if (dropped.length) warn(`ignored names not in the repository: ${dropped.map(shown).join(', ')}`);
  if (given.length && kept.size === 0) {
    warn('dropped: none of its names is declared in the repository (a step is never widened to every declaration)');
    return null;
  }
  return [...kept];
}

/** The step's valid declaration kinds; null when it named some and none is one. */
function checkDeclarationKinds(value: unknown, warn: (m: string) => void): DeclarationKind[] | null {
  const given = list(value, 'declarationKinds', warn);
  const kept = [
    ...new Set(given.filter((k): k is DeclarationKind => (DECLARATION_KINDS as readonly unknown[]).includes(k))),
  ];
  const dropped = given.filter((k) => !(DECLARATION_KINDS as readonly unknown[]).includes(k));
  if (dropped.length) warn(`ignored unknown declaration kinds: ${dropped.map(shown).join(', ')}`);
  if (given.length && kept.length === 0) {
    warn('dropped: none of its declaration kinds is one orchestrate knows');
    return null;
  }
  return kept;
}

function flag(value: unknown, field: string, warn: (m: string) => void): boolean {
  if (typeof value === 'boolean') return value;
  if (value !== undefined && value !== null) warn(`ignored ${field} ${shown(value)}: not true or false`);
  return false;
}

/** A valid variant for the kind: the planner's when it fits, else what the task's words say, else the kind's default. */
function checkVariant(kind: JobKind, variant: unknown, task: string, warn: (m: string) => void): StepVariant | null {
  const options = variantsOf(kind);
  if (!options.length) {
    if (variant !== null && variant !== undefined) warn(`ignored variant ${shown(variant)}: ${kind} has no variants`);
    return null;
  }
  if (options.includes(variant as StepVariant)) return variant as StepVariant;
  const fromTask = planOffline(task, () => false, KIND_PLANNING).steps.find((st) => st.kind === kind)?.variant;
  const chosen = fromTask && options.includes(fromTask) ? fromTask : options[0]!;
  if (variant !== null && variant !== undefined)
    warn(`ignored variant ${shown(variant)}: ${kind} has ${options.join(', ')}; using ${chosen}`);
  return chosen;
}

/** A string that may be a git ref (whether it names a commit is asked of git later); null otherwise, with a warning. */
function checkRef(value: unknown, kind: JobKind, warn: (m: string) => void): string | null {
  if (value === null || value === undefined) return null;
  const ref = typeof value === 'string' ? value.trim() : null;
  if (ref === '') return null;
  // No spaces, controls, option-like dash, range or `rev:path`: git is never handed an argument it could read otherwise.
  if (ref === null || ref.length > MAX_REF || UNPRINTABLE.test(ref) || /\s|^-|\.\.|:/.test(ref)) {
    warn(`ignored changedSince ${shown(value)}: not a git ref (${refFallback(kind)})`);
    return null;
  }
  return ref;
}

function refFallback(kind: JobKind): string {
  return kind === 'review' ? 'the review compares with the default base' : 'the step is not limited to changed files';
}

function checkInstructions(value: unknown, warn: (m: string) => void): string {
  if (typeof value !== 'string') {
    if (value !== undefined && value !== null) warn(`ignored instructions ${shown(value)}: not text`);
    return '';
  }
  const clean = value.replace(/\r\n?/g, '\n').replace(STRIPPED, '');
  if (clean.length < value.replace(/\r\n?/g, '\n').length)
    warn('removed control and bidi characters from the instructions');
  if (clean.length > MAX_INSTRUCTIONS)
    warn(`instructions cut to ${MAX_INSTRUCTIONS} characters (from ${clean.length})`);
  return clean.slice(0, MAX_INSTRUCTIONS);
}

/** Merges steps that do the same work (same kind, variant and selector) into the first; their instructions are joined. */
export function mergeDuplicateSteps(steps: PlanStep[], warnings: string[]): PlanStep[] {
  const byKey = new Map<string, PlanStep>();
  const out: PlanStep[] = [];
  for (const step of steps) {
    const sel = step.selector;
    const set = (xs: readonly string[]) =>
      [...new Set(xs.map((x) => x.replace(/^(?:\.\/)+/, '').replace(/\/+$/, '')))].sort();
    const key = JSON.stringify([
      step.kind,
      step.variant,
      set(sel.paths),
      set(sel.declarationKinds),
      set(sel.names),
      sel.exportedOnly,
      sel.missingDocsOnly,
      sel.changedSince,
    ]);
    const first = byKey.get(key);
    if (!first) {
      byKey.set(key, step);
      out.push(step);
      continue;
    }
    const extra = step.instructions.trim();
    if (extra && !first.instructions.split('\n').includes(extra)) {
      first.instructions = (first.instructions ? `${first.instructions}\n${extra}` : extra).slice(0, MAX_INSTRUCTIONS);
    }
    warnings.push(`${step.id}: the same work as ${first.id}: merged into it`);
  }
  return out;
}

/**
 * Asks `resolves` whether each step's `changedSince` names a commit: one that does not is dropped with a warning (the
 * planner's words are not orders), unless the task itself wrote that ref, which is the user's mistake (E_USAGE).
 */
export async function resolvePlanRefs(
  plan: Plan,
  task: string,
  resolves: (ref: string) => Promise<boolean>,
): Promise<void> {
  const seen = new Map<string, boolean>();
  const words = new Set(task.split(/\s+/).map((w) => w.replace(/^[("'`]+|[)"'`,;:!?.]+$/g, '')));
  for (const step of plan.steps) {
    const ref = step.selector.changedSince;
    if (!ref) continue;
    let ok = seen.get(ref);
    if (ok === undefined) seen.set(ref, (ok = await resolves(ref)));
    if (ok) continue;
    // A ref-shaped word of the task (`v9.9.9`, `HEAD~3`, `feature/x`), not a plain word the planner took for one.
    if (words.has(ref) && /[\d/~^._-]/.test(ref)) {
      throw new UsageError(
        `The task names the git ref \`${shown(ref)}\`, which does not exist: name a commit, branch or tag that does (e.g. HEAD~1 or main).`,
      );
    }
    plan.warnings.push(
      `${step.id}: ignored changedSince ${shown(ref)}: it names no commit (${refFallback(step.kind)})`,
    );
    step.selector.changedSince = null;
  }
  plan.steps = mergeDuplicateSteps(plan.steps, plan.warnings);
}
