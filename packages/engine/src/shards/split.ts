// The deterministic split of a plan's jobs into shards: whole files, balanced by estimated tokens.
import { MAX_SHARDS, UsageError, type ShardSpec } from '@orchestrate/core';

/** One job as the split sees it: the file it edits and its estimated input + output tokens. */
export interface SplitJob {
  file: string;
  tokens: number;
}

/** The shard count the user asked for, checked: an integer in 1..MAX_SHARDS, else E_USAGE saying what to pass. */
export function assertShardCount(total: number): number {
  if (!Number.isInteger(total) || total < 1 || total > MAX_SHARDS) {
    throw new UsageError(
      `--shards expects a whole number from 1 to ${MAX_SHARDS} (a GitHub Actions matrix holds at most ${MAX_SHARDS} jobs), got "${String(total)}".`,
    );
  }
  return total;
}

/**
 * Splits the jobs into at most `total` shards by file (a file's jobs are never split): files sorted by tokens (most
 * first, then by path) each go to the least loaded shard, ties to the lowest index. Asked for more shards than there
 * are files, it makes one shard per file rather than empty ones: an empty matrix entry would start a machine (checkout,
 * install) for nothing. A plan with no jobs has one empty shard, as a matrix may not be empty. Each shard's budget is
 * `budgetUsd` × its share of the tokens (an even share when no job has tokens).
 */
export function splitJobs(jobs: readonly SplitJob[], total: number, budgetUsd: number | null): ShardSpec[] {
  assertShardCount(total);
  const perFile = new Map<string, { jobs: number; tokens: number }>();
  for (const job of jobs) {
    const entry = perFile.get(job.file) ?? { jobs: 0, tokens: 0 };
    entry.jobs++;
    entry.tokens += Math.max(0, Math.round(job.tokens));
    perFile.set(job.file, entry);
  }
  const files = [...perFile]
    .map(([file, v]) => ({ file, ...v }))
    .sort((a, b) => b.tokens - a.tokens || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const count = Math.max(1, Math.min(total, files.length));
  const shards = Array.from({ length: count }, () => ({ files: [] as string[], jobs: 0, tokens: 0 }));
  for (const f of files) {
    let least = 0;
    // Ties (equal tokens) go to the shard with fewer jobs, then the lowest index: files of no tokens still spread.
    for (let i = 1; i < count; i++) {
      const a = shards[i]!;
      const b = shards[least]!;
      if (a.tokens < b.tokens || (a.tokens === b.tokens && a.jobs < b.jobs)) least = i;
    }
    const shard = shards[least]!;
    shard.files.push(f.file);
    shard.jobs += f.jobs;
    shard.tokens += f.tokens;
  }
  const allTokens = shards.reduce((n, s) => n + s.tokens, 0);
  return shards.map((s, i) => ({
    index: i + 1,
    files: [...s.files].sort(),
    jobs: s.jobs,
    estimatedTokens: s.tokens,
    budgetUsd: budgetUsd === null ? null : shareOf(budgetUsd, allTokens ? s.tokens / allTokens : 1 / count),
  }));
}

/** A budget share, rounded down to a millionth of a dollar so the shares never add up to more than the budget. */
function shareOf(budgetUsd: number, fraction: number): number {
  return Math.floor(budgetUsd * fraction * 1e6) / 1e6;
}

/** `strategy.matrix` for the shards: one `{ shard: 'i/N' }` entry per shard. */
export function shardMatrix(shards: readonly ShardSpec[]): { include: { shard: string }[] } {
  return { include: shards.map((s) => ({ shard: `${s.index}/${shards.length}` })) };
}
