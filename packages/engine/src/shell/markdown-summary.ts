import type { RunReport } from '@orchestrate/core';
import { markdownCode as jobsMarkdownCode, markdownInline } from '@orchestrate/jobs';
import type { Severity } from './exit.js';
import { formatDuration } from './progress.js';
import { redactPosted } from './redact.js';

/** The part of a run report a summary shows (what a results artifact carries). */
export type SummaryReport = Pick<
  RunReport,
  | 'id'
  | 'engine'
  | 'status'
  | 'jobs'
  | 'usage'
  | 'costUsd'
  | 'budgetUsd'
  | 'durationMs'
  | 'warnings'
  | 'commits'
  | 'reviewed'
  | 'baseCommit'
  | 'branch'
>;

/** One finding's line in a summary, and what became of it on the pull request. */
export interface SummaryFinding {
  severity: Severity;
  ruleId: string;
  file: string;
  line: number;
  endLine: number;
  message: string;
  /** posted now, posted by an earlier run and still open, over the comment cap, on no changed line, or resolved. */
  state: 'posted' | 'open' | 'overflow' | 'unplaced' | 'resolved';
  /** The comment that holds it, when there is one. */
  url?: string | null;
}

/** What `formatMarkdownSummary` shows and the size it must stay within. */
export interface MarkdownSummaryOptions {
  title: string;
  findings: readonly SummaryFinding[];
  /** Plain text (API problems, the push result, the range): escaped and redacted here. */
  notes?: readonly string[];
  /** The run's job summary. */
  link?: { text: string; url: string } | null;
  /** Never exceeded: the findings list is cut first, then the notes, and the summary says how many it cut. */
  limit: { chars?: number; bytes?: number };
  /** Values never to be shown (the API key, the token), beside the secret patterns. */
  known?: readonly string[];
}

/** One line of Markdown from untrusted text: no markup, no mention, no issue reference, no autolink, no control. */
export function markdownText(text: string): string {
  return markdownInline(text);
}

/** `text` as a Markdown code span (a fence longer than any backtick run inside; controls shown as `\uXXXX`). */
export function markdownCode(text: string): string {
  return jobsMarkdownCode(text);
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, note: 2 };
const STATE: Record<SummaryFinding['state'], string> = {
  posted: 'posted',
  open: 'posted earlier',
  overflow: 'not posted (comment cap)',
  unplaced: 'not on a changed line',
  resolved: 'resolved',
};
/** A finding's message in the table is cut to this many characters (the comment holds the whole of it). */
const MESSAGE_CHARS = 300;
const MAX_COMMITS = 30;
const MAX_WARNINGS = 10;

/**
 * A run's summary in Markdown (a pull-request comment, a step summary): counts by severity, jobs, models with tokens
 * and cost against the budget, commits, the findings table, notes and the link. Every text from a model, a repository
 * or a pull request is redacted and escaped. Never over `limit` (characters and UTF-8 bytes): findings are cut from
 * the least serious, then notes, each cut said; a head too large on its own is clipped.
 */
export function formatMarkdownSummary(report: SummaryReport | null, options: MarkdownSummaryOptions): string {
  const known = options.known ?? [];
  const text = (s: string) => markdownText(redactPosted(s, known));
  const code = (s: string) => markdownCode(redactPosted(s, known));
  const findings = [...options.findings].sort(
    (a, b) => RANK[a.severity] - RANK[b.severity] || cmp(a.file, b.file) || a.line - b.line,
  );
  const rows = findings.map((f) => {
    const where = `${code(f.file)} ${f.endLine > f.line ? `lines ${f.line}–${f.endLine}` : `line ${f.line}`}`;
    const url = f.url ? safeUrl(f.url) : null;
    const state = url ? `[${STATE[f.state]}](${url})` : STATE[f.state];
    const message = text(short(f.message, MESSAGE_CHARS));
    return row([f.severity, where, code(f.ruleId), message, state]);
  });
  const notes = [...(options.notes ?? []).map((n) => `- ${text(n)}`), ...warningLines(report, text)];
  const linkUrl = options.link ? safeUrl(options.link.url) : null;
  const tail = options.link ? [linkUrl ? `[${text(options.link.text)}](${linkUrl})` : text(options.link.text)] : [];
  const head = [`## ${text(options.title)}`, '', countsLine(options.findings), ...reportLines(report, text, code)];

  const render = (n: number, m: number): string => {
    const out = [...head];
    if (rows.length) {
      out.push(
        '',
        '### Findings',
        '',
        '| Severity | Where | Rule | Finding | State |',
        '| --- | --- | --- | --- | --- |',
      );
      out.push(...rows.slice(0, n));
      if (n < rows.length)
        out.push('', `_${cutText(rows.length - n, 'finding')}${linkUrl ? ' (see the link below)' : ''}._`);
    }
    if (notes.length) {
      out.push('', '### Notes', '', ...notes.slice(0, m));
      if (m < notes.length) out.push('', `_${cutText(notes.length - m, 'note')}._`);
    }
    if (tail.length) out.push('', ...tail);
    return `${out.join('\n')}\n`;
  };
  const fits = (s: string) =>
    s.length <= (options.limit.chars ?? Infinity) && Buffer.byteLength(s, 'utf8') <= (options.limit.bytes ?? Infinity);

  const all = render(rows.length, notes.length);
  if (fits(all)) return all;
  if (fits(render(0, notes.length)))
    return render(
      largest(rows.length, (n) => fits(render(n, notes.length))),
      notes.length,
    );
  if (fits(render(0, 0)))
    return render(
      0,
      largest(notes.length, (m) => fits(render(0, m))),
    );
  return clip(render(0, 0), options.limit);
}

/** The largest n in 0..max for which `ok` holds, given that it holds for 0 and fails from some point on. */
function largest(max: number, ok: (n: number) => boolean): number {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const cutText = (n: number, what: string) =>
  `${n} more ${what}${n === 1 ? ' is' : 's are'} not shown here (size limit)`;
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const short = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const num = (n: number) => n.toLocaleString('en-US');
/**
 * A table row. A `|` splits cells even inside a code span unless it is escaped, so every unescaped one is (Markdown
 * text is escaped already; code spans and a message's own code spans are not).
 */
const row = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/(?<!\\)\|/g, '\\|')).join(' | ')} |`;

function countsLine(findings: readonly SummaryFinding[]): string {
  if (findings.length === 0) return 'No findings.';
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const by = `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('note'), 'note')}`;
  return `**${plural(findings.length, 'finding')}**: ${by}.`;
}

type Esc = (s: string) => string;

/** Run, jobs, models, cost against the budget, the reviewed range, commits. */
function reportLines(r: SummaryReport | null, text: Esc, code: Esc): string[] {
  if (!r) return [];
  const out = [''];
  const range = r.reviewed ? ` · reviewed ${code(r.reviewed.label)} (${plural(r.reviewed.files, 'file')})` : '';
  out.push(`Run ${code(r.id)} · ${r.engine} engine · ${text(r.status)} · ${formatDuration(r.durationMs)}${range}`);
  if (r.jobs.total > 0) {
    const unchanged = r.jobs.unchanged ? ` (${r.jobs.unchanged} with no change)` : '';
    out.push(
      '',
      `**Jobs**: ${r.jobs.total} total, ${r.jobs.succeeded} succeeded${unchanged}, ${r.jobs.failed} failed, ${r.jobs.skipped} skipped.`,
    );
  }
  out.push('', `**Cost**: ${costLine(r)}`);
  const models = Object.entries(r.usage);
  if (models.length) {
    out.push(
      '',
      '| Model | Requests | Input tokens | Cached | Output tokens | Cost |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const [model, u] of models)
      out.push(
        row([
          code(model),
          num(u.requests),
          num(u.inputTokens),
          num(u.cachedInputTokens),
          num(u.outputTokens),
          `$${u.costUsd.toFixed(4)}`,
        ]),
      );
  }
  if (r.commits.length) {
    const on = r.branch ? ` on ${code(r.branch)}` : '';
    out.push('', `**${plural(r.commits.length, 'commit')}**${on}:`, '');
    for (const c of r.commits.slice(0, MAX_COMMITS))
      out.push(`- ${code(c.sha.slice(0, 8))} ${text(short(c.message.split('\n')[0] ?? '', 200))}`);
    if (r.commits.length > MAX_COMMITS) out.push(`- … ${r.commits.length - MAX_COMMITS} more in the report`);
  }
  return out;
}

/** `$0.0123 of the $0.50 budget (2%)`, with why the run stopped when the budget did. */
function costLine(r: SummaryReport): string {
  const spent = `$${r.costUsd.toFixed(4)}`;
  if (r.budgetUsd === null) return `${spent} (no budget set).`;
  const share = r.budgetUsd > 0 ? ` (${Math.round((r.costUsd / r.budgetUsd) * 100)}%)` : '';
  const stopped =
    r.status === 'budget-exceeded' ? ': the budget stopped the run; what was verified before it is kept' : '';
  return `${spent} of the $${r.budgetUsd.toFixed(2)} budget${share}${stopped}.`;
}

function warningLines(r: SummaryReport | null, text: Esc): string[] {
  if (!r?.warnings.length) return [];
  const out = r.warnings.slice(0, MAX_WARNINGS).map((w) => `- warning: ${text(short(w, 500))}`);
  if (r.warnings.length > MAX_WARNINGS) out.push(`- … ${r.warnings.length - MAX_WARNINGS} more warnings in the report`);
  return out;
}

/** An http(s) URL safe inside `(…)` of a Markdown link, or null. */
function safeUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  return url.href.replace(/[()<> "'`\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** `text` cut to the limit (never inside a UTF-16 surrogate pair), ending in `…`. */
function clip(text: string, limit: { chars?: number; bytes?: number }): string {
  const chars = limit.chars ?? Infinity;
  const bytes = limit.bytes ?? Infinity;
  if (chars < 2 || bytes < 4) return '';
  let end = Math.min(text.length, chars - 2);
  const over = (n: number) => Buffer.byteLength(text.slice(0, n), 'utf8') + 4 > bytes;
  while (end > 0 && over(end))
    end -= Math.max(1, Math.ceil((Buffer.byteLength(text.slice(0, end), 'utf8') + 4 - bytes) / 4));
  end = Math.max(0, end);
  if (end > 0 && /[\ud800-\udbff]/.test(text[end - 1]!)) end--;
  return `${text.slice(0, end)}…\n`;
}
