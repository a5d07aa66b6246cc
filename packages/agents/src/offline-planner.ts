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
 * are the words of the task that name a file or directory (`knownPath` says which the repository has; a step naming
 * only paths it lacks keeps them, for code to drop the step).
 */
export function planOffline(task: string, knownPath: (p: string) => boolean): PlannerOutput {
  const matched = RULES.filter((r) => r.test.test(task));
  // "review" wins alone: a review makes no edits, so mixing it with edit kinds is never what a plain phrase means.
  const rules = matched.some((r) => r.kind === 'review') ? matched.filter((r) => r.kind === 'review') : matched;
  if (rules.length === 0) return { steps: [], unsupported: 'the offline engine maps only plain phrasings of its job kinds' };
  const paths = stepPaths(task, knownPath);
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

/** A word of a task that may name a repository path. */
export interface PathWord {
  /** The path as written, without a leading `./`, a trailing `/`, a `:line` suffix or surrounding punctuation. */
  path: string;
  /**
   * True when the word is a path whatever the repository holds: a source file extension, a leading `./`, a trailing
   * `/`, a glob, or a first segment like `src/`. Other words with a `/` (`async/await`, `origin/main`) are paths only
   * when their first segment is a directory the repository has.
   */
  certain: boolean;
}

const TS_FILE = /\.[cm]?tsx?$/;
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|vue|svelte)$/;
// First segments that are directories in most repositories: `src/nope` is a path even where there is no `src/`.
const DIR_WORDS = new Set(['src', 'lib', 'test', 'tests', 'spec', 'specs', '__tests__', 'packages', 'apps', 'app', 'source', 'scripts', 'components', 'pages']);
// Pairs written with a slash in prose, never paths.
const PROSE = new Set(['and/or', 'either/or', 'async/await', 'let/const', 'var/let', 'input/output', 'read/write', 'client/server', 'tcp/ip', 'i/o', 'yes/no', 'true/false', 'on/off', 'get/set', 'try/catch', 'import/export', 'commonjs/esm', 'cjs/esm', 'esm/cjs', 'before/after', 'start/stop', 'open/close', 'min/max', 'w/o', 'n/a', 'tests/specs', 'test/spec', 'unit/integration']);

/**
 * Words of a task that may name a repository path (`src/api`, `src/math.ts`, `./lib/`, `math.ts`, `src/**\/*.ts`):
 * anything with a `/` or a TypeScript file name. URLs, `@scope/package` names and prose pairs (`and/or`) are not.
 */
export function pathWordsInTask(task: string): PathWord[] {
  const out = new Map<string, PathWord>();
  for (const raw of task.split(/\s+/)) {
    let word = raw.replace(/^[("'`<[{]+/, '').replace(/[)"'`>\],;:!?.]+$/, '').replace(/'s$/, '');
    if (!word.includes('{')) word = word.replace(/}+$/, '');
    word = word.replace(/(\.\w+):\d+(?::\d+)?$/, '$1').replace(/#L?\d+.*$/, '');
    if (!word || word.includes('://') || /^(?:www\.|@|~|\/\/)/.test(word) || !/^[\w.@*{}\/,?[\]!-]+$/.test(word)) continue;
    const dotSlash = /^\.\.?\//.test(word);
    const trailing = word.endsWith('/');
    const path = word.replace(/^(?:\.\/)+/, '').replace(/\/+$/, '');
    if (!path || path === '.' || PROSE.has(path.toLowerCase())) continue;
    const slash = path.includes('/');
    if (!slash && !trailing && !TS_FILE.test(path)) continue;
    const certain = dotSlash || trailing || /[*?{[]/.test(path) || (slash && SOURCE_FILE.test(path)) || TS_FILE.test(path) || DIR_WORDS.has(path.split('/')[0]!);
    const seen = out.get(path);
    out.set(path, { path, certain: certain || (seen?.certain ?? false) });
  }
  return [...out.values()];
}

/** Path-like words of a task (`src/api`, `src/math.ts`, `./lib/`) that exist in the repository. */
export function pathsInTask(task: string, knownPath: (p: string) => boolean): string[] {
  return pathWordsInTask(task).map((w) => w.path).filter((p) => knownPath(p));
}

/**
 * The task's paths for a step: those the repository has, and those it lacks that are certainly paths, so code drops a
 * step that names only missing ones instead of widening it to the whole repository.
 */
function stepPaths(task: string, knownPath: (p: string) => boolean): string[] {
  const out = new Set<string>();
  for (const { path, certain } of pathWordsInTask(task)) {
    // A bare file name (`math.ts`) names that file wherever it lies.
    const anywhere = !path.includes('/') && !knownPath(path) && knownPath(`**/${path}`) ? `**/${path}` : null;
    if (anywhere) out.add(anywhere);
    else if (knownPath(path) || certain || knownPath(path.split('/')[0]!)) out.add(path);
  }
  return [...out];
}

/** Whether the task's own words ask to rewrite existing docs (code decides this, not the planner model). */
export function taskAsksToRewriteDocs(task: string): boolean {
  return /\b(rewrite|redo|replace|regenerate|update|improve|fix)\b(?: \w+){0,3} (?:docs?|docstrings?|comments?|jsdoc|tsdoc)\b/i.test(task);
}
