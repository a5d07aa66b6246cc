import type { DeclarationKind, JobKind, StepVariant } from '@orchestrate/core';
import type { PlannerOutput } from './planner.js';

/** What the offline engine can do, for error messages and --help. */
export const OFFLINE_CAPABILITIES = [
  'add docstrings / JSDoc / TSDoc comments ("add docstrings to src/api", "document the exported functions in src/math.ts")',
  'format the code with the repository\'s formatter ("format the code", "reformat src/")',
  'add unit test skeletons ("add unit tests for src/x.ts": it.todo per exported function)',
  'add return types from inference ("add return types to src/")',
  'review changed lines with deterministic rules ("review the last commit", "review my changes")',
];

type Step = PlannerOutput['steps'][number];

interface Rule {
  kind: JobKind;
  variant: StepVariant | null;
  test: RegExp;
}

const RULES: Rule[] = [
  { kind: 'review', variant: null, test: /\breview\b|\baudit\b|\blint (?:the )?(?:changes|diff)/i },
  { kind: 'reformat', variant: 'format', test: /\b(?:re)?format(?:ting)?\b|\bprettier\b|\bbiome\b/i },
  // Tests to fix ("fix the failing tests", "repair broken specs") are not tests to write.
  { kind: 'boilerplate', variant: 'tests', test: /(?<!\b(?:fix|repair|failing|broken|flaky)(?: the)?(?: unit)? )\b(?:unit )?(?:tests?|specs?)\b(?! (?:pass|fail))/i },
  { kind: 'boilerplate', variant: 'types', test: /\b(?:return|param(?:eter)?) types?\b|\btype annotations?\b|\bexplicit types?\b/i },
  { kind: 'boilerplate', variant: 'bodies', test: /\bimplement\b|\bstubs?\b|\bfill in\b|\bnot implemented\b/i },
  { kind: 'docstring', variant: null, test: /\b(?:doc(?:string)?s?|jsdoc|tsdoc|document(?:ation|ed|s)?|doc comments?)\b/i },
  { kind: 'reformat', variant: 'conventions', test: /\bvar\b.*\b(?:let|const)\b|\basync\/await\b|\bcommonjs\b|\besm imports?\b|\brename\b.*\bcase\b/i },
];

const KIND_WORDS: [RegExp, DeclarationKind[]][] = [
  [/\bfunctions?\b/i, ['function', 'arrow-function']],
  [/\bmethods?\b/i, ['method']],
  [/\bclass(?:es)?\b/i, ['class', 'method', 'accessor']],
  [/\binterfaces?\b/i, ['interface']],
  [/\btypes?\b(?! ?script)(?! annotations?)/i, ['type-alias']],
  [/\benums?\b/i, ['enum']],
  [/\b(?:accessors?|getters?|setters?)\b/i, ['accessor']],
];

/**
 * The offline planner: plain rules over the task's words, no model. Each kind the task names becomes one step; paths
 * are the words of the task that name a file or directory the repository has (`knownPath` decides).
 */
export function planOffline(task: string, knownPath: (p: string) => boolean): PlannerOutput {
  const matched = RULES.filter((r) => r.test.test(task));
  // "review" wins alone: a review makes no edits, so mixing it with edit kinds is never what a plain phrase means.
  const rules = matched.some((r) => r.kind === 'review') ? matched.filter((r) => r.kind === 'review') : matched;
  if (rules.length === 0) return { steps: [], unsupported: 'the offline engine maps only plain phrasings of its job kinds' };
  const paths = pathsInTask(task, knownPath);
  const kinds = [...new Set(KIND_WORDS.filter(([re]) => re.test(task)).flatMap(([, k]) => k))];
  const steps: Step[] = rules.map((r) => ({
    kind: r.kind,
    variant: r.variant,
    paths,
    declarationKinds: r.kind === 'docstring' ? kinds : [],
    names: [],
    exportedOnly: /\b(exported|public|api|exports?)\b/i.test(task),
    includeDocumented: r.kind === 'docstring' && taskAsksToRewriteDocs(task),
    changedSince: r.kind === 'review' ? reviewRef(task) : null,
    instructions: r.variant === 'conventions' ? task : '',
  }));
  return { steps, unsupported: null };
}

/** The ref a review phrase points at: the last commit, the last N commits, or null (the engine uses the merge base). */
function reviewRef(task: string): string | null {
  const n = /\blast (\d+) commits\b/i.exec(task);
  if (n) return `HEAD~${n[1]}`;
  if (/\blast commit\b|\bHEAD\b/i.test(task)) return 'HEAD~1';
  return null;
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
