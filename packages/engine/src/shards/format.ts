// What the shells print for a plan file and a shard's bundle.
import { safeText, type ShardBundle, type ShardPlanFile } from '@orchestrate/core';

/**
 * The human output of `orchestrate plan --shards N`: where the plan went, the shards table (files, jobs, estimated
 * tokens, budget share) and the commands that run and merge the shards. File and task text is escaped.
 */
export function formatShardPlan(file: ShardPlanFile, written: string, warnings: readonly string[] = []): string {
  const total = file.shards.length;
  const jobs = file.shards.reduce((n, s) => n + s.jobs, 0);
  const lines = [
    `wrote ${safeText(written)}: plan ${file.planId.slice(0, 10)} at ${file.baseCommit.slice(0, 10)}, ` +
      `${total} shard(s), ${jobs} job(s), ${file.plan.steps.length} step(s) (planned by ${safeText(file.plan.source)})`,
  ];
  const rows = file.shards.map((s) => [
    `${s.index}/${total}`,
    String(s.files.length),
    String(s.jobs),
    String(s.estimatedTokens),
    s.budgetUsd === null ? '-' : `$${s.budgetUsd.toFixed(4)}`,
  ]);
  const head = ['shard', 'files', 'jobs', 'est. tokens', 'budget'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const row = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  lines.push(row(head), ...rows.map(row));
  for (const w of warnings) lines.push(`  warning: ${safeText(w)}`);
  const plan = safeText(written);
  lines.push(
    'next, one per matrix entry (strategy.matrix: the plan file\'s "matrix"), each on a checkout of the base commit:',
    `  orchestrate run --plan ${plan} --shard 1/${total} --out shard-1`,
    ...(total > 1 ? [`  … to --shard ${total}/${total} --out shard-${total}`] : []),
    `then: orchestrate merge ${total > 1 ? `shard-1 … shard-${total}` : 'shard-1'}` +
      `   (or the whole plan on one machine: orchestrate run --plan ${plan})`,
  );
  return lines.join('\n');
}

/** The line after a shard run's summary: where its bundle is, its steps, and whether the run was resumed or reused. */
export function formatBundleLine(bundle: ShardBundle, out: string, how: 'new' | 'resumed' | 'finished'): string {
  const again =
    how === 'finished' ? ' (the run had ended: its bundle was written again)' : how === 'resumed' ? ' (resumed)' : '';
  const shard = `${bundle.shard.index}/${bundle.shard.total}`;
  return `bundle of shard ${shard} in ${safeText(out)}: ${bundle.steps.length} step patch(es), status ${bundle.status}${again}`;
}
