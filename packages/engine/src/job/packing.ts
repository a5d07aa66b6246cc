import { jobKind } from '@orchestrate/jobs';
import { packTokens } from './context.js';
import { nextModel } from './ladder.js';
import { jobsPerCall } from './per-call.js';
import type { JobState } from './state.js';
import type { PhaseContext } from './types.js';

/**
 * Groups the pending jobs into worker calls: small jobs of a packable kind that go to the same model are packed (same
 * file first) up to `packing.maxJobs` jobs (fewer when that spreads a small run over the concurrency: `jobsPerCall`)
 * and `packing.maxInputTokens` context tokens, counted as the call sends them (`packContexts`); every other job is alone.
 */
export function formPacks(states: JobState[], ctx: Pick<PhaseContext, 'config' | 'client' | 'kinds'>): JobState[][] {
  const { maxJobs, maxInputTokens } = ctx.config.packing;
  const singles: JobState[][] = [];
  const groups = new Map<string, JobState[]>();
  for (const s of states) {
    const kind = jobKind(s.target.job.kind);
    const modelMade = ctx.client && !kind.deterministic?.(s.target, ctx.kinds);
    if (!modelMade || !kind.packable || maxJobs < 2) {
      singles.push([s]);
      continue;
    }
    const key = `${s.target.job.kind}\u0000${s.target.step.id}\u0000${nextModel(s, ctx)}`;
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  const packs: JobState[][] = [...singles];
  for (const group of groups.values()) {
    const most = jobsPerCall(group.length, ctx.config.concurrency, maxJobs);
    group.sort((a, b) =>
      a.target.file.path < b.target.file.path ? -1 : a.target.file.path > b.target.file.path ? 1 : 0,
    );
    let pack: JobState[] = [];
    // A pack's tokens are counted as its call sends them: a conventions block its jobs share counts once.
    const max = ctx.config.maxJobInputTokens;
    const tokensWith = (s: JobState) => packTokens([...pack.map((p) => p.target), s.target], ctx.kinds, max);
    for (const s of group) {
      if (pack.length && (pack.length >= most || tokensWith(s) > maxInputTokens)) {
        packs.push(pack);
        pack = [];
      }
      pack.push(s);
    }
    if (pack.length) packs.push(pack);
  }
  return packs;
}
