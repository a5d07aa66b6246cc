import type { PlanStep } from '@orchestrate/core';
import type { JobKindModule, KindDeclaration } from './kind.js';

/** A kind's module for one of its variants: the worker parts (what the kind declares about itself is the kind's). */
export type KindPart<Output = unknown> = Omit<JobKindModule<Output>, keyof KindDeclaration>;

/**
 * A kind whose every worker part is delegated to the module of the step's variant (boilerplate, reformat); what it
 * declares about itself (planner text, variants, commit subject) is the kind's own.
 */
export function byVariant(declaration: KindDeclaration, pick: (step: PlanStep) => KindPart): JobKindModule<unknown> {
  return {
    ...declaration,
    select: (step, ctx) => pick(step).select(step, ctx),
    workerInstructions: (step) => pick(step).workerInstructions(step),
    contextPack: (t, ctx) => pick(t.step).contextPack(t, ctx),
    outputSchema: (t, ctx) => pick(t.step).outputSchema(t, ctx),
    offline: (t, ctx) => pick(t.step).offline(t, ctx),
    deterministic: (t, ctx) => pick(t.step).deterministic?.(t, ctx) ?? false,
    apply: (t, output, ctx) => pick(t.step).apply(t, output, ctx),
    gate: (t, before, after, edits) => pick(t.step).gate(t, before, after, edits),
    heavyGates: (step) => pick(step).heavyGates(step),
    verifyByDefault: (step) => pick(step).verifyByDefault(step),
    verifierInstructions: (t) => pick(t.step).verifierInstructions(t),
    describeForVerifier: (t, outcome) => pick(t.step).describeForVerifier(t, outcome),
  };
}
