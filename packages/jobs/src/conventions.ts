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
  level: number;
  heading: string;
  /** The ancestor sections' indexes, outermost first (their heading lines give a kept subsection its context). */
  parents: number[];
  text: string;
  score: number;
}

/**
 * Cuts a repository's AGENTS.md down to the sections that apply to one job: the text is split at its markdown
 * headings (not inside code fences), each section is scored by hits of the job's keywords and kind, of the file's
 * directories, extension and test-ness, and by being a generic "style / conventions / code" section; the best sections
 * that fit are kept in their original order (a kept subsection brings its parents' heading lines). The result never
 * exceeds `maxTokens` (estimated as characters / 3.5); it is '' when no section applies.
 */
export function conventionsFor(agentsMd: string, topic: ConventionsTopic, maxTokens: number): string {
  const maxChars = Math.floor(Math.floor(maxTokens) * 3.5);
  if (maxChars <= 0 || !agentsMd.trim()) return '';
  const sections = splitSections(agentsMd);
  const terms = topicTerms(topic);
  for (const section of sections) section.score = score(section, terms);
  const ranked = sections.filter((s) => s.score > 0).sort((a, b) => b.score - a.score || a.index - b.index);
  const kept = new Set<number>();
  for (const section of ranked) {
    kept.add(section.index);
    if (render(sections, kept).length > maxChars) kept.delete(section.index);
  }
  if (kept.size === 0 && ranked[0]) return truncate(render(sections, new Set([ranked[0].index])), maxChars);
  return render(sections, kept);
}

function splitSections(markdown: string): Section[] {
  const sections: Section[] = [];
  const stack: Section[] = [];
  let current: Section = { index: 0, level: 0, heading: '', parents: [], text: '', score: 0 };
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

/** The kept sections in document order, each preceded by those of its parents' heading lines not already shown. */
function render(sections: Section[], kept: Set<number>): string {
  const parts: string[] = [];
  const shown = new Set<number>();
  for (const section of sections) {
    if (!kept.has(section.index)) continue;
    for (const p of section.parents) {
      if (shown.has(p)) continue;
      shown.add(p);
      if (!kept.has(p)) parts.push(sections[p]!.text.split('\n')[0]!);
    }
    shown.add(section.index);
    parts.push(section.text);
  }
  return parts.join('\n\n');
}

/** Cuts at the last line break that fits, marking the cut. */
function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const room = text.slice(0, Math.max(0, maxChars - 2));
  const cut = room.lastIndexOf('\n');
  const head = (cut > 0 ? room.slice(0, cut) : room).trimEnd();
  return head ? `${head}\n…` : '';
}
