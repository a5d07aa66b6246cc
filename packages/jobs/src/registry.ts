import type { JobKind } from '@orchestrate/core';
import { docstringKind } from './docstring/index.js';
import type { JobKindModule } from './kind.js';

const KINDS: Record<JobKind, JobKindModule<never>> = {
  docstring: docstringKind as JobKindModule<never>,
};

/** The module of a job kind. */
export function jobKind(kind: JobKind): JobKindModule<unknown> {
  return KINDS[kind] as JobKindModule<unknown>;
}
