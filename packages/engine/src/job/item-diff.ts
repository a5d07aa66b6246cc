import { MAX_ITEM_DIFF_CHARS } from '@orchestrate/core';

/** What a job's diff is made from: its file at the base commit and the edits (offsets into that text) it applied. */
export interface DiffSource {
  file: { path: string; text: string };
  edits: readonly { start: number; end: number; text: string }[];
  newFiles: readonly { path: string; text: string }[];
}

/** Lines of context around each change, as `git diff` shows them. */
const CONTEXT = 3;

/** Line-start offsets of each file text, computed once per file (many jobs share one file). */
const lineStarts = new WeakMap<object, number[]>();

/**
 * The unified diff of one job's change, from the edits the engine already holds (no git call): one hunk per group of
 * nearby edits in the job's file, then each new file whole; cut to `MAX_ITEM_DIFF_CHARS`. '' when it changed nothing.
 * CPU: a binary search per edit and the changed lines themselves; the file's line index is built once per file.
 */
export function itemDiff(source: DiffSource): string {
  const parts: string[] = [];
  if (source.edits.length) parts.push(fileDiff(source.file, source.edits));
  for (const f of source.newFiles) parts.push(newFileDiff(f));
  return cut(parts.join(''));
}

/** The diff of edits in one file. */
function fileDiff(file: DiffSource['file'], edits: DiffSource['edits']): string {
  const starts = startsOf(file);
  const lines = (from: number, to: number) =>
    file.text.slice(starts[from], to < starts.length ? starts[to] : undefined);
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  // Each edit covers whole lines [first, last] of the old text; groups whose context would touch are one hunk.
  const spans = sorted.map((e) => ({
    e,
    first: lineOf(starts, e.start),
    last: lineOf(starts, Math.max(e.start, e.end - 1)),
  }));
  let out = `--- a/${file.path}\n+++ b/${file.path}\n`;
  let i = 0;
  while (i < spans.length) {
    let j = i;
    while (j + 1 < spans.length && spans[j + 1]!.first - spans[j]!.last <= 2 * CONTEXT + 1) j++;
    const from = Math.max(0, spans[i]!.first - CONTEXT);
    const to = Math.min(starts.length, spans[j]!.last + 1 + CONTEXT);
    const body: string[] = [];
    let oldCount = 0;
    let newCount = 0;
    let line = from;
    for (let k = i; k <= j; k++) {
      const { e, first, last } = spans[k]!;
      for (const l of split(lines(line, Math.max(line, first)))) (body.push(` ${l}`), oldCount++, newCount++);
      const before = file.text.slice(starts[first], last + 1 < starts.length ? starts[last + 1] : undefined);
      const after = before.slice(0, e.start - starts[first]!) + e.text + before.slice(e.end - starts[first]!);
      const [removed, added] = [split(before), split(after)];
      // Lines the edit kept (an inserted doc comment keeps the line it goes above) are context, as git shows them.
      let head = 0;
      while (head < removed.length && head < added.length && removed[head] === added[head]) head++;
      let tail = 0;
      const fits = () => tail < removed.length - head && tail < added.length - head;
      while (fits() && removed[removed.length - 1 - tail] === added[added.length - 1 - tail]) tail++;
      for (const l of removed.slice(0, head)) (body.push(` ${l}`), oldCount++, newCount++);
      for (const l of removed.slice(head, removed.length - tail)) (body.push(`-${l}`), oldCount++);
      for (const l of added.slice(head, added.length - tail)) (body.push(`+${l}`), newCount++);
      for (const l of removed.slice(removed.length - tail)) (body.push(` ${l}`), oldCount++, newCount++);
      line = Math.max(line, last + 1);
    }
    for (const l of split(lines(line, to))) (body.push(` ${l}`), oldCount++, newCount++);
    out += `@@ -${from + 1},${oldCount} +${from + 1},${newCount} @@\n${body.join('\n')}\n`;
    i = j + 1;
  }
  return out;
}

/** The diff of a file the job created. */
function newFileDiff(f: { path: string; text: string }): string {
  const lines = split(f.text);
  return `--- /dev/null\n+++ b/${f.path}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}\n`;
}

/** The lines of a text without their line ends (`\r\n` too); '' is no line. */
function split(text: string): string[] {
  if (!text) return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** The 0-based line holding `offset`. */
function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The offset of each line's start in a file's text. */
function startsOf(file: DiffSource['file']): number[] {
  let starts = lineStarts.get(file);
  if (starts) return starts;
  starts = [0];
  const { text } = file;
  for (let i = text.indexOf('\n'); i !== -1 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  lineStarts.set(file, starts);
  return starts;
}

/** A diff cut to `MAX_ITEM_DIFF_CHARS`, at a line end, saying so. */
function cut(diff: string): string {
  if (diff.length <= MAX_ITEM_DIFF_CHARS) return diff;
  const note = '\n… (diff cut: see the commit)\n';
  const end = diff.lastIndexOf('\n', MAX_ITEM_DIFF_CHARS - note.length);
  return diff.slice(0, Math.max(0, end)) + note;
}
