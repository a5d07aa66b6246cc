import { DEFAULTS } from '@orchestrate/core';
import type { AgentsDoc } from './agents-chain.js';
import type { JobTarget, KindContext } from './kind.js';

/** What a job is about, for picking the parts of a repository's AGENTS.md that apply to it. */
export interface ConventionsTopic {
  /** The job kind. */
  kind: string;
  /** Words that make a section relevant to the kind, beyond its name (the kind's `conventionWords`). */
  kindWords?: readonly string[];
  /** The file the job edits, relative to the repository root. */
  file: string;
  /** Words from the job (symbol names, the task's words) that make a section relevant. */
  keywords: string[];
}

/** Rough token count used for every prompt-size cap in this module: one token per 3.5 characters. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 3.5);

/** Words that make a section relevant to a job on a test file. */
const TEST_WORDS = ['test', 'tests', 'testing', 'vitest', 'jest', 'spec'];

/** Headings that hold repository-wide coding rules: these apply to every job. */
const GENERIC_HEADING = /\b(style|styles|conventions?|code|coding|guidelines?|rules|standards?|best practices)\b/i;
/** Directory names too common to say anything about a file. */
const GENERIC_DIRS = new Set(['src', 'lib', 'dist', 'packages', 'apps', 'app', 'source', 'sources', '.', '']);

interface Section {
  index: number;
  /** The section's file: its place in the chain (0 = the root's). */
  doc: number;
  level: number;
  heading: string;
  /** The ancestor sections' indexes, outermost first (their heading lines give a kept subsection its context). */
  parents: number[];
  text: string;
  score: number;
}

/**
 * Cuts a repository's AGENTS files down to the sections that apply to one job. `agentsMd` is the job's chain, root
 * → leaf (`agentsChain`), or one text (the root AGENTS.md, rendered without a `(from …)` line). Each text is split at
 * its markdown headings (not inside code fences); each section is scored by hits of the job's keywords and kind, of
 * the file's directories, extension and test-ness, and by being a generic "style / conventions / code" section. A
 * section of a nested file adds its depth in the chain: it applies to the job's folder by where it lives, and the
 * nearer file wins ties. The best sections that fit are kept in their files' order, root first, each file's under a
 * `(from <path>)` line (a kept subsection brings its parents' heading lines). The result never exceeds `maxTokens`
 * (estimated as characters / 3.5); it is '' when no section applies.
 */
export function conventionsFor(
  agentsMd: string | readonly AgentsDoc[],
  topic: ConventionsTopic,
  maxTokens: number,
): string {
  const maxChars = Math.floor(Math.floor(maxTokens) * 3.5);
  const labelled = typeof agentsMd !== 'string';
  const docs = (labelled ? agentsMd : [{ path: 'AGENTS.md', text: agentsMd }]).filter((d) => d.text.trim());
  if (maxChars <= 0 || docs.length === 0) return '';
  const terms = topicTerms(topic);
  const sections: Section[] = [];
  docs.forEach((doc, depth) => {
    const offset = sections.length;
    for (const section of splitSections(doc.text)) {
      section.index += offset;
      section.doc = depth;
      section.parents = section.parents.map((p) => p + offset);
      section.score = score(section, terms) + depth;
      sections.push(section);
    }
  });
  const paths = labelled ? docs.map((d) => d.path) : null;
  const ranked = sections
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || b.doc - a.doc || a.index - b.index);
  const kept = new Set<number>();
  for (const section of ranked) {
    kept.add(section.index);
    if (render(sections, kept, paths).length > maxChars) kept.delete(section.index);
  }
  if (kept.size === 0 && ranked[0]) {
    const cut = truncate(render(sections, new Set([ranked[0].index]), paths), maxChars);
    // A cut that leaves only the `(from …)` line says nothing.
    return paths && !cut.includes('\n', cut.indexOf('\n') + 1) ? '' : cut;
  }
  return render(sections, kept, paths);
}

/** Words of a step's instructions too common to say what a section is about. */
const STOP_WORDS = new Set([
  ...['the', 'and', 'for', 'all', 'add', 'use', 'any', 'not', 'are', 'its', 'our', 'you', 'can', 'but', 'has', 'was'],
  ...['this', 'that', 'with', 'from', 'into', 'each', 'every', 'only', 'must', 'should', 'them', 'then', 'than'],
  ...['when', 'what', 'your', 'have', 'they', 'their', 'there', 'also', 'make', 'sure', 'using', 'file', 'files'],
]);

/** How a kind asks for its conventions block. */
export interface ConventionsOptions {
  /** The kind's `conventionWords`. */
  kindWords?: readonly string[];
  /**
   * Match the declaration's name too. A packable kind says false: its jobs of one file then get one identical block,
   * which a packed call can send once. @default true
   */
  bySymbol?: boolean;
}

/** Blocks already cut, per chain (the lookup shares one array per folder) and topic: jobs of a file repeat topics. */
const blocks = new WeakMap<readonly AgentsDoc[], Map<string, string>>();

/**
 * The repository conventions block of one job's context pack: the sections of its AGENTS chain (`ctx.agentsMdFor`)
 * that apply to it, under `ctx.agentsMdTokens`, with a heading; '' when the repository has no AGENTS file that
 * applies, so a pack without one is exactly what it was.
 */
export function conventionsBlock(target: JobTarget, ctx: KindContext, options: ConventionsOptions = {}): string {
  const { kindWords = [], bySymbol = true } = options;
  const docs = agentsDocsOf(target.file.path, ctx);
  if (docs.length === 0) return '';
  const fromTask = (target.step.instructions.toLowerCase().match(/[a-z][a-z-]{2,}/g) ?? []).filter(
    (w) => !STOP_WORDS.has(w),
  );
  // A declaration's name (`Cart.total` → Cart, total); a hunk's or a whole file's job has none worth matching.
  const symbol = bySymbol ? (target.declaration?.symbol.split('.') ?? []) : [];
  const topic = { kind: target.job.kind, kindWords, file: target.file.path, keywords: [...symbol, ...fromTask] };
  const maxTokens = ctx.agentsMdTokens ?? DEFAULTS.agentsMd.maxTokens;
  const key = JSON.stringify([topic, maxTokens]);
  let cut = blocks.get(docs);
  if (!cut) blocks.set(docs, (cut = new Map()));
  let block = cut.get(key);
  if (block === undefined) {
    // The heading counts against the cap too.
    const text = conventionsFor(docs, topic, maxTokens - estimateTokens(`${CONVENTIONS_HEADING}\n`));
    block = text ? `${CONVENTIONS_HEADING}\n${text}` : '';
    cut.set(key, block);
  }
  return block;
}

/** The line that introduces the conventions in a context pack. */
export const CONVENTIONS_HEADING = 'Repository conventions (AGENTS.md):';

/** A context pack with the job's conventions block after it (unchanged when there is none). */
export function withConventions(
  pack: string,
  target: JobTarget,
  ctx: KindContext,
  options: ConventionsOptions,
): string {
  const block = conventionsBlock(target, ctx, options);
  return block ? (pack ? `${pack}\n${block}` : block) : pack;
}

/** The job's AGENTS chain, from the run's lookup or, for an older caller, the root text alone. */
function agentsDocsOf(file: string, ctx: KindContext): readonly AgentsDoc[] {
  if (ctx.agentsMdFor) return ctx.agentsMdFor(file);
  return ctx.agentsMd?.trim() ? [{ path: 'AGENTS.md', text: ctx.agentsMd }] : [];
}

function splitSections(markdown: string): Section[] {
  const sections: Section[] = [];
  const stack: Section[] = [];
  let current: Section = { index: 0, doc: 0, level: 0, heading: '', parents: [], text: '', score: 0 };
  let fence: string | null = null;
  const lines: string[] = [];
  const close = () => {
    current.text = lines.join('\n').trim();
    if (current.text) sections.push(current);
    lines.length = 0;
  };
  for (const line of markdown.split(/\r\n|\n|\r/)) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === null || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence === null ? marker : null;
    }
    const heading = fence === null && !marker ? /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/.exec(line) : null;
    if (heading) {
      close(); // a heading section is never empty, so `sections.length` is the index it will have
      const level = heading[1]!.length;
      while (stack.length && stack[stack.length - 1]!.level >= level) stack.pop();
      current = {
        index: sections.length,
        doc: 0,
        level,
        heading: heading[2]!,
        parents: stack.map((s) => s.index),
        text: '',
        score: 0,
      };
      stack.push(current);
    }
    lines.push(line);
  }
  close();
  return sections;
}

interface Terms {
  /** Weighted terms matched as whole words (or as a substring when they contain `/` or `.`). */
  words: Map<string, number>;
}

function topicTerms(topic: ConventionsTopic): Terms {
  const words = new Map<string, number>();
  const add = (word: string, weight: number) => {
    const w = word.trim().toLowerCase();
    if (w.length >= 2 && (words.get(w) ?? 0) < weight) words.set(w, weight);
  };
  for (const k of topic.keywords) add(k, 3);
  add(topic.kind, 3);
  for (const k of topic.kindWords ?? []) add(k, 2);
  const file = topic.file.replace(/\\/g, '/');
  const dirs = file.split('/').slice(0, -1);
  if (dirs.length) add(dirs.join('/'), 4);
  for (const d of dirs) if (!GENERIC_DIRS.has(d.toLowerCase())) add(d, 2);
  const base = file.split('/').pop() ?? '';
  const ext = /\.([cm]?[jt]sx?)$/.exec(base)?.[1] ?? /\.(\w+)$/.exec(base)?.[1];
  if (ext) add(`.${ext}`, 1);
  if (ext && /^[cm]?tsx?$/.test(ext)) add('typescript', 1);
  if (ext && /^[cm]?jsx?$/.test(ext)) add('javascript', 1);
  if (ext && /x$/.test(ext)) for (const w of ['react', 'jsx', 'components']) add(w, 1);
  if (/(\.|\/|^)(test|spec)s?(\.|\/)|__tests__\//.test(file)) for (const w of TEST_WORDS) add(w, 2);
  return { words };
}

function score(section: Section, terms: Terms): number {
  const heading = section.heading.toLowerCase();
  const body = section.text.toLowerCase();
  let total = GENERIC_HEADING.test(section.heading) ? 2 : 0;
  for (const [word, weight] of terms.words) {
    if (hits(heading, word) > 0) total += weight * 3;
    total += weight * Math.min(3, hits(body, word));
  }
  return total;
}

function hits(text: string, word: string): number {
  if (/[./]/.test(word)) return text.split(word).length - 1;
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (text.match(new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`, 'g')) ?? []).length;
}

/**
 * The kept sections in document order, each preceded by those of its parents' heading lines not already shown; with
 * `paths`, each file's sections come under a `(from <path>)` line.
 */
function render(sections: Section[], kept: Set<number>, paths: readonly string[] | null): string {
  const groups: { doc: number; parts: string[] }[] = [];
  const shown = new Set<number>();
  for (const section of sections) {
    if (!kept.has(section.index)) continue;
    if (groups[groups.length - 1]?.doc !== section.doc) groups.push({ doc: section.doc, parts: [] });
    const { parts } = groups[groups.length - 1]!;
    for (const p of section.parents) {
      if (shown.has(p)) continue;
      shown.add(p);
      if (!kept.has(p)) parts.push(sections[p]!.text.split('\n')[0]!);
    }
    shown.add(section.index);
    parts.push(section.text);
  }
  const label = (doc: number) => (paths ? `(from ${paths[doc]!})\n` : '');
  return groups.map((g) => `${label(g.doc)}${g.parts.join('\n\n')}`).join('\n\n');
}

/** Cuts at the last line break that fits, marking the cut. */
function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const room = text.slice(0, Math.max(0, maxChars - 2));
  const cut = room.lastIndexOf('\n');
  const head = (cut > 0 ? room.slice(0, cut) : room).trimEnd();
  return head ? `${head}\n…` : '';
}
