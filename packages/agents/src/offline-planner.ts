import type { DeclarationKind, KindPlanning, OfflineRule } from '@orchestrate/core';
import type { PlannerOutput } from './planner.js';

/** What the offline engine can do with these kinds, for error messages and --help. */
export function offlineCapabilities(kinds: readonly KindPlanning[]): string[] {
  return kinds.flatMap((k) => k.offline.flatMap((r) => (r.capability ? [r.capability] : [])));
}

type Step = PlannerOutput['steps'][number];

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
 * The offline planner: plain rules over the task's words, no model; the rules are the kinds' own (`kinds`, from the
 * jobs registry). Each rule the task matches becomes one step, in the rules' order; paths are the words of the task
 * that name a file or directory (`knownPath` says which the repository has; a step naming only paths it lacks keeps
 * them, for code to drop the step).
 */
export function planOffline(
  task: string,
  knownPath: (p: string) => boolean,
  kinds: readonly KindPlanning[],
): PlannerOutput {
  const all = kinds.flatMap((k) => k.offline.map((rule) => ({ kind: k.kind, rule })));
  const matched = all.filter((r) => r.rule.test.test(task)).sort((a, b) => a.rule.order - b.rule.order);
  // A rule that wins alone (review: it makes no edits, so mixing it with edits is never what a plain phrase means).
  const rules = matched.some((r) => r.rule.alone) ? matched.filter((r) => r.rule.alone) : matched;
  if (rules.length === 0)
    return { steps: [], unsupported: 'the offline engine maps only plain phrasings of its job kinds' };
  const paths = stepPaths(task, knownPath);
  const declarationKinds = [...new Set(KIND_WORDS.filter(([re]) => re.test(task)).flatMap(([, k]) => k))];
  const steps: Step[] = rules.map(({ kind, rule }) => stepOf(kind, rule, task, paths, declarationKinds));
  return { steps, unsupported: null };
}

/**
 * Words a plain phrasing of a rule's task may hold besides the rule's own words, the declaration kinds and the paths:
 * what the rules' plan already says (scope, exported-only, "missing") or says nothing about.
 */
const FILLER = new Set(
  (
    'a an the to in into inside within under of for on from at by with and or all every each any some please ' +
    'add adds adding write writes create generate insert put give make missing lacking lack lacks without no ' +
    'that which who whose it its them their this these those my our is are be has have do does ' +
    'comment comments commented exported export exports public api declaration declarations ' +
    'file files folder folders directory directories dir code source sources module modules package packages ' +
    'repo repository project codebase typescript javascript ts js tsx jsx here there now also'
  ).split(' '),
);

/**
 * Whether the offline rules map `task` with nothing left for a model to read (planner `auto`): a rule matches (and no
 * rule that wins alone drops another), every path-like word names something the repository has (`knownPath`), and
 * every other word is the rules' own, a declaration kind or filler ("add a JSDoc comment to every exported function in
 * src/math.ts"); nothing is quoted (a quoted name is for the model to read). `leftover` lists the words that made it
 * false ("explaining", "retry").
 */
export function rulesMapTask(
  task: string,
  knownPath: (p: string) => boolean,
  kinds: readonly KindPlanning[],
): { mapped: boolean; leftover: string[] } {
  const rules = kinds.flatMap((k) => k.offline);
  const matched = rules.filter((r) => r.test.test(task));
  if (matched.length === 0 || (matched.some((r) => r.alone) && matched.some((r) => !r.alone)))
    return { mapped: false, leftover: [] };
  const pathWords = pathWordsInTask(task);
  const missing = pathWords.filter((w) => !knownPath(w.path) && (w.path.includes('/') || !knownPath(`**/${w.path}`)));
  if (missing.length) return { mapped: false, leftover: missing.map((w) => w.path) };
  const paths = new Set(pathWords.map((w) => w.path));
  // A quoted name (`add`, "getUser") is something the rules cannot select by: the model reads it.
  const quoted = [...task.matchAll(/[`"]([^`"]+)[`"]/g)].map((m) => m[1]!.trim()).filter((q) => !paths.has(q));
  if (quoted.length) return { mapped: false, leftover: quoted };
  let text = task
    .split(/\s+/)
    .filter((raw) => !pathWordsInTask(raw).some((w) => paths.has(w.path)))
    .join(' ');
  for (const re of [...matched.map((r) => r.test), ...KIND_WORDS.map(([re]) => re)])
    text = text.replace(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`), ' ');
  const leftover = (text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? []).filter((w) => !FILLER.has(w));
  return { mapped: leftover.length === 0, leftover };
}

function stepOf(kind: string, rule: OfflineRule, task: string, paths: string[], kinds: DeclarationKind[]): Step {
  const fields = rule.fields?.(task, { declarationKinds: kinds }) ?? {};
  return {
    kind,
    variant: rule.variant,
    paths,
    declarationKinds: fields.declarationKinds ?? [],
    names: [],
    exportedOnly: /\b(exported|public|api|exports?)\b/i.test(task),
    includeDocumented: fields.includeDocumented ?? false,
    changedSince: fields.changedSince ?? null,
    instructions: fields.instructions ?? '',
  };
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
const DIR_WORDS = new Set([
  'src',
  'lib',
  'test',
  'tests',
  'spec',
  'specs',
  '__tests__',
  'packages',
  'apps',
  'app',
  'source',
  'scripts',
  'components',
  'pages',
]);
// Pairs written with a slash in prose, never paths.
const PROSE = new Set([
  'and/or',
  'either/or',
  'async/await',
  'let/const',
  'var/let',
  'input/output',
  'read/write',
  'client/server',
  'tcp/ip',
  'i/o',
  'yes/no',
  'true/false',
  'on/off',
  'get/set',
  'try/catch',
  'import/export',
  'commonjs/esm',
  'cjs/esm',
  'esm/cjs',
  'before/after',
  'start/stop',
  'open/close',
  'min/max',
  'w/o',
  'n/a',
  'tests/specs',
  'test/spec',
  'unit/integration',
]);

/**
 * Words of a task that may name a repository path (`src/api`, `src/math.ts`, `./lib/`, `math.ts`, `src/**\/*.ts`):
 * anything with a `/` or a TypeScript file name. URLs, `@scope/package` names and prose pairs (`and/or`) are not.
 */
export function pathWordsInTask(task: string): PathWord[] {
  const out = new Map<string, PathWord>();
  for (const raw of task.split(/\s+/)) {
    let word = raw
      .replace(/^[("'`<[{]+/, '')
      .replace(/[)"'`>\],;:!?.]+$/, '')
      .replace(/'s$/, '');
    if (!word.includes('{')) word = word.replace(/}+$/, '');
    word = word.replace(/(\.\w+):\d+(?::\d+)?$/, '$1').replace(/#L?\d+.*$/, '');
    if (!word || word.includes('://') || /^(?:www\.|@|~|\/\/)/.test(word) || !/^[\w.@*{}\/,?[\]!-]+$/.test(word))
      continue;
    const dotSlash = /^\.\.?\//.test(word);
    const trailing = word.endsWith('/');
    const path = word.replace(/^(?:\.\/)+/, '').replace(/\/+$/, '');
    if (!path || path === '.' || PROSE.has(path.toLowerCase())) continue;
    const slash = path.includes('/');
    if (!slash && !trailing && !TS_FILE.test(path)) continue;
    const certain =
      dotSlash ||
      trailing ||
      /[*?{[]/.test(path) ||
      (slash && SOURCE_FILE.test(path)) ||
      TS_FILE.test(path) ||
      DIR_WORDS.has(path.split('/')[0]!);
    const seen = out.get(path);
    out.set(path, { path, certain: certain || (seen?.certain ?? false) });
  }
  return [...out.values()];
}

/** Path-like words of a task (`src/api`, `src/math.ts`, `./lib/`) that exist in the repository. */
export function pathsInTask(task: string, knownPath: (p: string) => boolean): string[] {
  return pathWordsInTask(task)
    .map((w) => w.path)
    .filter((p) => knownPath(p));
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
