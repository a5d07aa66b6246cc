import {
  InternalError,
  UnsupportedTaskError,
  type JobKind,
  type KindPlanning,
  type StepVariant,
} from '@orchestrate/core';
import { boilerplateKind } from './boilerplate/index.js';
import { customKind } from './custom/index.js';
import { docstringKind } from './docstring/index.js';
import { reformatKind } from './reformat/index.js';
import { reviewKind } from './review/kind.js';
import type { JobKindModule } from './kind.js';

/** A set of job kinds and everything assembled from it: the kinds' names, variants and the planner's view of them. */
export interface KindRegistry {
  /** The kinds' names, in the registry's order (the planner instructions list them in it). */
  kinds: readonly JobKind[];
  /** Every variant of every kind, each once. */
  variants: readonly StepVariant[];
  /** What each kind tells the planner (model and offline): the engine hands this to the planner. */
  planning: readonly KindPlanning[];
  /** The module of a job kind; E_NOTHING_TO_DO for a kind this registry lacks. */
  module(kind: JobKind): JobKindModule<unknown>;
}

/** A registry of the given kind modules (the product's is `REGISTRY`; tests make their own with extra kinds). */
export function createRegistry(modules: readonly JobKindModule<never>[]): KindRegistry {
  const byKind = new Map(modules.map((m) => [m.kind, m as unknown as JobKindModule<unknown>]));
  if (byKind.size !== modules.length) throw new InternalError('two job kind modules share a name');
  return {
    kinds: modules.map((m) => m.kind),
    variants: [...new Set(modules.flatMap((m) => m.planning.variants))],
    planning: modules.map((m) => ({ kind: m.kind, ...m.planning })),
    module(kind) {
      const module = byKind.get(kind);
      if (module) return module;
      throw new UnsupportedTaskError('E_NOTHING_TO_DO', `The job kind \`${kind}\` is not available in this version.`);
    },
  };
}

/**
 * The job kinds: the only list of them. Adding a kind is one folder under `src/<kind>/` (its module declares its
 * planner text, variants, offline rules, selection and commit subject) and one line here.
 */
export const REGISTRY: KindRegistry = createRegistry([
  docstringKind as JobKindModule<never>,
  boilerplateKind as JobKindModule<never>,
  reformatKind as JobKindModule<never>,
  reviewKind as JobKindModule<never>,
  customKind as JobKindModule<never>,
]);

/** The job kinds' names, from the registry. */
export const JOB_KINDS: readonly JobKind[] = REGISTRY.kinds;

/** Every kind's variants, from the registry. */
export const STEP_VARIANTS: readonly StepVariant[] = REGISTRY.variants;

/** What every kind tells the planner, from the registry. */
export const KIND_PLANNING: readonly KindPlanning[] = REGISTRY.planning;

/** The module of a job kind. */
export function jobKind(kind: JobKind): JobKindModule<unknown> {
  return REGISTRY.module(kind);
}

/** The variants a kind allows, its default first; [] for a kind without variants or one the registry lacks. */
export function variantsOf(kind: JobKind): readonly StepVariant[] {
  return KIND_PLANNING.find((k) => k.kind === kind)?.variants ?? [];
}
