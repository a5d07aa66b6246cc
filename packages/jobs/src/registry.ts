import { UnsupportedTaskError, type JobKind } from '@orchestrate/core';
import { boilerplateKind } from './boilerplate/index.js';
import { customKind } from './custom/index.js';
import { docstringKind } from './docstring/index.js';
import { reformatKind } from './reformat/index.js';
import { reviewKind } from './review/kind.js';
import type { JobKindModule } from './kind.js';

const KINDS: Partial<Record<JobKind, JobKindModule<never>>> = {
  docstring: docstringKind as JobKindModule<never>,
  review: reviewKind as JobKindModule<never>,
  custom: customKind as JobKindModule<never>,
  boilerplate: boilerplateKind as JobKindModule<never>,
  reformat: reformatKind as JobKindModule<never>,
};

/** Registers a job kind module (each kind registers itself in this file; tests may add their own). */
export function registerKind(module: JobKindModule<never>): void {
  KINDS[module.kind] = module;
}

/** The module of a job kind. */
export function jobKind(kind: JobKind): JobKindModule<unknown> {
  const module = KINDS[kind];
  if (!module) throw new UnsupportedTaskError('E_NOTHING_TO_DO', `The job kind \`${kind}\` is not available in this version.`);
  return module as JobKindModule<unknown>;
}
