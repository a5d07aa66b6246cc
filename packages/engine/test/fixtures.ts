import type { PlanStep } from '@orchestrate/core';
import { docstringKind, kindContextFor, type JobTarget, type KindContext } from '@orchestrate/jobs';
import { indexFiles } from '@orchestrate/repo';

/** A docstring step over every undocumented declaration. */
export const DOCSTRING_STEP: PlanStep = {
  id: 'step-1',
  kind: 'docstring',
  variant: null,
  selector: {
    paths: [],
    declarationKinds: [],
    names: [],
    exportedOnly: false,
    missingDocsOnly: true,
    changedSince: null,
  },
  instructions: '',
};

/** The docstring jobs of one source file, with the kinds' context of its index. */
export function docstringTargets(file: string, text: string): { kinds: KindContext; targets: JobTarget[] } {
  const kinds = kindContextFor(indexFiles([{ path: file, text }]));
  return { kinds, targets: docstringKind.select(DOCSTRING_STEP, kinds) };
}
