import { safeText, type ModelPrice, type TokenUsage } from '@orchestrate/core';
import {
  describeModels,
  DOCTOR_MAX_CALLS,
  loadShellConfig,
  runDoctor,
  type DoctorResult,
  type ModelsView,
  type ProviderCheck,
  type ProviderView,
} from '@orchestrate/engine';
import type { IO } from './guard.js';
import type { FlagKey, ParsedFlags } from './flags.js';

/** The flags of `orchestrate models` and `orchestrate doctor`: where the config is, and what a run would override. */
export const MODELS_KEYS = [
  'cwd',
  'engine',
  'concurrency',
  'models.planner',
  'models.worker',
  'models.verifier',
  'configFile',
  'json',
] as const satisfies readonly FlagKey[];

/** The flags of `orchestrate doctor`: those of `models` but the concurrency (one call per provider). */
export const DOCTOR_KEYS = MODELS_KEYS.filter((k) => k !== 'concurrency');

/** `orchestrate models`: the roles' providers, models, prices and capabilities, as a table or JSON. */
export async function modelsCommand({ run, cli }: ParsedFlags, io: IO): Promise<number> {
  const config = await loadShellConfig(run);
  const view = describeModels(config, process.env);
  io.stdout.write(`${cli.json ? JSON.stringify(view, null, 2) : formatModels(view)}\n`);
  return 0;
}

/** `orchestrate doctor`: one tiny call per model the roles use; exit 1 when one failed. Ctrl-C aborts the calls. */
export async function doctorCommand({ run, cli }: ParsedFlags, io: IO): Promise<number> {
  const config = await loadShellConfig(run);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  let result: DoctorResult;
  try {
    result = await runDoctor(config, process.env, { signal: abort.signal });
  } finally {
    process.off('SIGINT', onSigint);
  }
  io.stdout.write(`${cli.json ? JSON.stringify(result, null, 2) : formatDoctor(result)}\n`);
  return result.exitCode;
}

/** The columns of `rows` padded to their widest cell (the last one left as is), two spaces apart. */
function table(rows: string[][], indent = ''): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return rows
    .map(
      (row) => indent + row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  '),
    )
    .join('\n');
}

/** USD with at least two decimals and no trailing zeros past them (`$0.20`, `$0.075`). */
function usd(n: number): string {
  const [whole, frac = ''] = n.toFixed(6).split('.');
  return `$${whole}.${frac.replace(/0+$/, '').padEnd(2, '0')}`;
}

function priceText(price: ModelPrice | null): string {
  if (!price) return 'no price';
  const write = price.cacheWrite === undefined ? '' : ` / write ${usd(price.cacheWrite)}`;
  return `${usd(price.input)} / ${usd(price.cachedInput)} / ${usd(price.output)}${write}`;
}

const yes = (b: boolean, what: string, not = `no ${what}`) => (b ? what : not);

/** A provider's capability record in words, on one line. */
export function capabilityText(p: Pick<ProviderView, 'capabilities'>): string {
  const c = p.capabilities;
  return [
    c.api === 'chat_completions' ? 'chat completions' : c.api === 'messages' ? 'Messages API' : 'Responses API',
    yes(c.schemaEnforced, 'schema enforced', 'schema not enforced (validated locally)'),
    yes(c.batch, 'Batch API'),
    yes(c.cachedUsage, 'cached usage reported', 'no cached usage'),
    yes(c.cacheWriteUsage, 'cache writes reported', 'no cache writes'),
    yes(c.promptCacheKey, 'prompt_cache_key', 'no prompt_cache_key'),
    `${c.concurrency} in flight by default`,
  ].join(', ');
}

function keyText(p: ProviderView): string {
  if (!p.key.env) return 'no key needed';
  // The default provider with a base URL: a compatible server that may take no key, called without one.
  if (p.key.status === 'not needed') return `${p.key.env} not set (not needed: a base URL is set)`;
  return `${p.key.env} ${p.key.status}`;
}

/** The `orchestrate models` text: engine, concurrency, the roles' table, each provider, then notes (config text escaped). */
export function formatModels(view: ModelsView): string {
  const s = (text: string) => safeText(text);
  const type = (name: string) => {
    const p = view.providers.find((x) => x.name === name)!;
    return `${p.type}${p.preset ? `, ${p.preset}` : ''}`;
  };
  const c = view.concurrency;
  const from =
    c.source === 'config'
      ? 'set in the config or with --concurrency'
      : `the ${s(c.provider)} provider's default; set \`concurrency\` to change it`;
  const planning =
    view.planning === 'auto'
      ? 'auto (the planner model only when the rules cannot map the task)'
      : view.planning === 'rules'
        ? 'rules (the planner model is never called)'
        : 'model (the planner model plans every task)';
  const rows = [
    ['ROLE', 'MODEL', 'PROVIDER', 'MODEL ID', 'PRICE / M TOKENS (in / cached / out)'],
    ...view.roles.map((r) => [
      r.role,
      s(r.ref),
      `${s(r.provider)} (${type(r.provider)})`,
      s(r.model),
      priceText(r.price),
    ]),
  ];
  const providers = view.providers.map(
    (p) =>
      `  ${s(p.name)} → ${s(p.endpoint.host)}${p.endpoint.source === 'OPENAI_BASE_URL' ? ' (OPENAI_BASE_URL)' : ''}; ` +
      `${keyText(p)}\n    ${capabilityText(p)}`,
  );
  const lines = [
    `Engine: ${view.engine.resolved} (${s(view.engine.reason)})`,
    `Planning: ${planning}`,
    `Concurrency: ${c.value} calls in flight (${from})`,
    '',
    table(rows),
    '',
    'Providers:',
    ...providers,
  ];
  if (view.notes.length) lines.push('', 'Notes:', ...view.notes.map((n) => `  - ${s(n)}`));
  return lines.join('\n');
}

function usageText(u: TokenUsage): string {
  const cached = u.cachedInputTokens ? ` (${u.cachedInputTokens} cached)` : '';
  return `${u.inputTokens} in${cached} / ${u.outputTokens} out tokens`;
}

function checkDetail(c: ProviderCheck): string {
  const cost = (n: number | null) => (n === null ? 'no price' : usd(n));
  if (c.status === 'not-checked') return safeText(c.reason);
  if (c.status === 'failed')
    return c.usage.requests
      ? `${safeText(c.message)} (${usageText(c.usage)}, ${cost(c.costUsd)})`
      : safeText(c.message);
  const answer = c.schemaMatched ? 'answer matched the schema' : 'answer did NOT match the schema';
  return `${c.latencyMs} ms, ${usageText(c.usage)}, ${cost(c.costUsd)}, ${answer}`;
}

/** The `orchestrate doctor` text: one line per provider, the summary, the calls' cost, what no call can check. */
export function formatDoctor(result: DoctorResult): string {
  const rows = result.checks.map((c) => [
    c.status === 'not-checked' ? 'not checked' : c.status,
    safeText(c.provider),
    safeText(c.ref),
    checkDetail(c),
  ]);
  const u = result.usage;
  const unpriced = result.unpriced.length
    ? ` (no price for ${result.unpriced.map((r) => safeText(r)).join(', ')})`
    : '';
  const lines = [
    `Doctor: one structured call per model the roles use ({ ok: boolean }, at most 16 output tokens; at most ${DOCTOR_MAX_CALLS} calls)`,
    '',
    rows.length ? table(rows, '  ') : '  (no provider)',
    '',
    result.summary,
  ];
  if (u.requests)
    lines.push(
      `Doctor's calls: ${u.requests} request${u.requests === 1 ? '' : 's'}, ${usageText(u)}, ${usd(result.costUsd)}${unpriced}`,
    );
  lines.push('', 'What one call cannot check:', ...result.cannotCheck.map((t) => `  - ${t}`));
  return lines.join('\n');
}
