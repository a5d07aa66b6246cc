import type { PlanStep } from '@orchestrate/core';
import type { JobTarget, KindContext } from './kind.js';

// What a step's expansion decided that the plan should show before any work (which formatter runs, why a step does
// nothing): kept per step, read by the engine through `formatPlanNote`. Shared by the kinds, so it lives beside the
// registry.

const notes = new WeakMap<PlanStep, string>();

/** Keeps the plan's note for a step (the last one set wins). */
export function notePlanStep(step: PlanStep, note: string): void {
  notes.set(step, note);
}

/** The plan's note for a step once it was expanded, or null. */
export function planStepNote(step: PlanStep): string | null {
  return notes.get(step) ?? null;
}

/**
 * For a step whose work runs the repository's own code (`tool`: its formatter, its test runner): in a run that may not
 * start it (`runRepositoryCode: false`), no jobs and a note saying why; else null, and the step selects as usual.
 */
export function skipForRepositoryCode(step: PlanStep, ctx: KindContext, tool: string): JobTarget[] | null {
  if (ctx.runRepositoryCode !== false) return null;
  notePlanStep(
    step,
    `${step.id}: skipped: it needs the repository's own tools (${tool}), which are not run on pull-request code`,
  );
  return [];
}
