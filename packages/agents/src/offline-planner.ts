import type { DeclarationKind } from '@orchestrate/core';
import type { PlannerOutput } from './planner.js';

/** What the offline engine can do, for error messages and --help. */
export const OFFLINE_CAPABILITIES = [
  'add docstrings / JSDoc / TSDoc comments ("add docstrings to src/api", "document the exported functions in src/math.ts")',
];

const DOC_WORDS = /\b(doc(?:string)?s?|jsdoc|tsdoc|document(?:ation|ed|s)?|comments?)\b/i;
const KIND_WORDS: [RegExp, DeclarationKind[]][] = [
  [/\bfunctions?\b/i, ['function', 'arrow-function']],
  [/\bmethods?\b/i, ['method']],
  [/\bclass(?:es)?\b/i, ['class', 'method', 'accessor']],
  [/\binterfaces?\b/i, ['interface']],
  [/\btypes?\b(?! ?script)/i, ['type-alias']],
  [/\benums?\b/i, ['enum']],
  [/\b(?:accessors?|getters?|setters?)\b/i, ['accessor']],
];

/**
 * The offline planner: plain rules over the task's words, no model. Paths are the words of the task that name a file or
 * directory the repository has (`knownPath` decides).
 */
export function planOffline(task: string, knownPath: (p: string) => boolean): PlannerOutput {
  if (!DOC_WORDS.test(task)) {
    return { steps: [], unsupported: 'the offline engine only adds doc comments' };
  }
  const kinds = KIND_WORDS.filter(([re]) => re.test(task)).flatMap(([, k]) => k);
  return {
    steps: [
      {
        kind: 'docstring',
        paths: pathsInTask(task, knownPath),
        declarationKinds: [...new Set(kinds)],
        names: [],
        exportedOnly: /\b(exported|public|api|exports?)\b/i.test(task),
        includeDocumented: taskAsksToRewriteDocs(task),
        instructions: '',
      },
    ],
    unsupported: null,
  };
}

/** Path-like words of a task (`src/api`, `src/math.ts`, `./lib/`) that exist in the repository. */
export function pathsInTask(task: string, knownPath: (p: string) => boolean): string[] {
  const candidates = task.match(/[\w.@*{}-]*[\w*}](?:\/[\w.@*{}-]+)+\/?|[\w@-]+\.(?:[cm]?tsx?)\b|[\w@-]+\/(?=\s|$)/g) ?? [];
  const out = new Set<string>();
  for (const raw of candidates) {
    const p = raw.replace(/^\.\//, '').replace(/[.,;:]+$/, '').replace(/\/+$/, '');
    if (p && knownPath(p)) out.add(p);
  }
  return [...out];
}

/** Whether the task's own words ask to rewrite existing docs (code decides this, not the planner model). */
export function taskAsksToRewriteDocs(task: string): boolean {
  return /\b(rewrite|redo|replace|regenerate|update|improve|fix)\b(?: \w+){0,3} (?:docs?|docstrings?|comments?|jsdoc|tsdoc)\b/i.test(task);
}
