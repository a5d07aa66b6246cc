// The economy rows of the bench: billed tokens and USD per role (list, and with prompt caching), the cost and token
// targets, and routing (escalations) on and off.
import { CACHE_MIN_TOKENS, MESSAGE_OVERHEAD_TOKENS, REPLY_PRIMING_TOKENS } from './billing.js';
import { per1000, type RoleEconomy } from './economy.js';
import type { BenchResult } from './report.js';

const ROLES = ['planner', 'worker', 'verifier'] as const;
const usd = (v: number | null, digits = 4) => (v === null || !Number.isFinite(v) ? '–' : `$${v.toFixed(digits)}`);
const n = (v: number) => v.toLocaleString('en-US');

/** The economy table: one line per role and a total per scenario that talked to the fake server. */
export function economyTable(rows: BenchResult[]): string {
  const head = ['scenario', 'planning', 'role', 'calls', 'jobs', 'input tok', 'cached tok', 'output tok', 'max prefix'];
  head.push('$ list', '$ cached', '$/1k fns list', '$/1k fns cached');
  const body: string[][] = [];
  for (const r of rows) {
    if (!r.economy) continue;
    const lines: Array<[string, RoleEconomy]> = ROLES.flatMap((role) => {
      const e = r.economy!.roles[role];
      return e ? [[role, e] as [string, RoleEconomy]] : [];
    });
    lines.push(['total', r.economy.total]);
    for (const [role, e] of lines) {
      const jobs = role === 'total' ? r.jobs : e.items;
      body.push([
        ...[r.name, r.planning, role, String(e.calls), String(jobs), n(e.inputTokens), n(e.cachedTokens)],
        ...[n(e.outputTokens), n(e.maxPrefixTokens), usd(e.usd), usd(e.usdCached)],
        ...[usd(per1000(e.usd, r.succeeded)), usd(per1000(e.usdCached, r.succeeded))],
      ]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [
    `Economy: billed input = instructions + input + the output schema as sent + ${MESSAGE_OVERHEAD_TOKENS} tokens a message + ${REPLY_PRIMING_TOKENS} (o200k);`,
    `list prices; "cached" = with prompt caching (a repeated stable prefix of ≥ ${n(CACHE_MIN_TOKENS)} tokens under one prompt_cache_key,`,
    "in 128-token steps, at the cached-input price); jobs = items worked or verified (retries too; total: the run's jobs);",
    '$/1k fns = per 1,000 committed jobs; max prefix = the longest stable prefix (instructions + schema) of a request.',
    line(head),
    `|${widths.map((w, i) => (i < 3 ? `${'-'.repeat(w + 2)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

/** What prompt caching does to a run's input, in words. */
function cachedNote(e: RoleEconomy): string {
  if (e.maxPrefixTokens < CACHE_MIN_TOKENS)
    return `every stable prefix is below ${n(CACHE_MIN_TOKENS)} tokens (longest ${n(e.maxPrefixTokens)}): nothing is cached, the same figure`;
  return `${n(e.cachedTokens)} of the input tokens cached`;
}

/** The economy targets (PASS / FAIL) and figures: $ per 1,000 functions, the math.ts tokens, routing on and off. */
export function economyTargets(rows: BenchResult[]): string[] {
  const ok = (r: BenchResult) => !r.error && r.economy !== null;
  const docsRows = rows.filter((r) => ok(r) && r.name.startsWith('docstrings-') && !r.escalateShare);
  const docs = docsRows.find((r) => r.name === 'docstrings-1000') ?? docsRows.sort((a, b) => b.jobs - a.jobs)[0];
  const math = rows.find((r) => ok(r) && r.name === 'mathts-4');
  const out: string[] = [];
  const check = (label: string, figure: string, pass: boolean | null, where = '') =>
    out.push(
      `  ${(pass === null ? 'NOT MEASURED' : pass ? 'PASS' : 'FAIL  <<<<<<').padEnd(13)} ${label}: ${figure}${where ? `  (${where})` : ''}`,
    );

  const cost = docs ? per1000(docs.economy!.total.usd, docs.succeeded) : null;
  const parts = docs
    ? ROLES.map((role) => `${role} ${usd(per1000(docs.economy!.roles[role]?.usd ?? 0, docs.succeeded))}`).join(', ')
    : '';
  const cached = docs ? per1000(docs.economy!.total.usdCached, docs.succeeded) : null;
  check(
    '≤ $0.20 per 1,000 documented functions (planner + workers + verifier, list prices, no cache discount)',
    docs ? `${usd(cost)} (${parts}); with prompt caching ${usd(cached)}: ${cachedNote(docs.economy!.total)}` : '–',
    cost !== null ? cost <= 0.2 : null,
    docs && docs.name !== 'docstrings-1000' ? `${docs.name}; the target is for docstrings-1000` : '',
  );

  const t = math?.economy?.total;
  const byRole = math
    ? ROLES.map((role) => `${role} ${n(math.economy!.roles[role]?.inputTokens ?? 0)}`).join(', ')
    : '';
  const cachedByRole = math
    ? ROLES.map((role) => `${role} ${n(math.economy!.roles[role]?.cachedTokens ?? 0)}`).join(', ')
    : '';
  check(
    'math.ts task ≤ 1,750 input tokens in total (billed: the schema and message overhead included)',
    t
      ? `${n(t.inputTokens)} tokens (${byRole}); with prompt caching ${n(t.cachedTokens)} cached (${cachedByRole}): ${cachedNote(t)}`
      : '–',
    t ? t.inputTokens <= 1750 : null,
    math ? `mathts-4, --planning ${math.planning}` : '',
  );
  if (math) {
    const planner = math.economy!.roles.planner;
    out.push(
      `  (figure)      mathts-4 with --planning ${math.planning}: ${planner ? `${planner.calls} planner call(s)` : 'no planner call (the rules planned it)'}; launch to its first model request ${math.launchToFirstCallMs ?? '–'} ms`,
    );
  }
  out.push(...routing(rows.filter(ok)));
  return out;
}

/** Routing on and off: each docstrings-N beside docstrings-N-esc10 (10% of worker items escalated by the model). */
function routing(rows: BenchResult[]): string[] {
  const out: string[] = [];
  for (const esc of rows.filter((r) => r.escalateShare > 0)) {
    const base = rows.find((r) => r.name === esc.name.replace(/-esc\d+$/, '') && !r.escalateShare);
    const figure = (r: BenchResult) =>
      `share ${r.escalateShare}: ${usd(per1000(r.economy!.total.usd, r.succeeded))} per 1,000 (cached ${usd(per1000(r.economy!.total.usdCached, r.succeeded))}), acceptance ${((r.acceptance ?? 0) * 100).toFixed(1)}% of ${r.jobs} jobs, ${r.economy!.escalated} escalated, ${r.economy!.rejected} rejected`;
    const offered = esc.economy!.escalateOffered
      ? ''
      : ' — the worker schema offered no `escalate` (field or pack list), so the model could not escalate (self-escalation is not in this build)';
    out.push(
      `  (figure)      routing on ${base?.name ?? esc.name}: ${base ? `${figure(base)} | ` : ''}${figure(esc)}${offered}`,
    );
  }
  return out;
}
