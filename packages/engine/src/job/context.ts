import { jobKind, type JobTarget, type KindContext } from '@orchestrate/jobs';
import { capTokens, estimateTokens } from '../tokens.js';

interface Cut {
  kinds: KindContext;
  maxTokens: number;
  text: string;
  /** The cap cut the kind's pack. */
  cut: boolean;
  /** The context split into the job's own part and the conventions block ending it (built for packs only). */
  split?: Split;
}

/** A job's context as its own part and the AGENTS.md conventions block after it ('' when it has none). */
interface Split {
  own: string;
  block: string;
}

const cuts = new WeakMap<JobTarget, Cut>();

/**
 * The context a job sends: its kind's context pack, cut to the per-job token cap. The packing, the call and the
 * estimate all need it; it is built once per job (a target and its index snapshot never change during a run).
 */
export function jobContext(target: JobTarget, kinds: KindContext, maxTokens: number): string {
  return cutOf(target, kinds, maxTokens).text;
}

function cutOf(target: JobTarget, kinds: KindContext, maxTokens: number): Cut {
  const hit = cuts.get(target);
  if (hit && hit.kinds === kinds && hit.maxTokens === maxTokens) return hit;
  const { text, cut } = capTokens(jobKind(target.job.kind).contextPack(target, kinds), maxTokens);
  const entry: Cut = { kinds, maxTokens, text, cut };
  cuts.set(target, entry);
  return entry;
}

/** The contexts of a worker call's jobs: one per job, and the conventions block every job shares ('' when none). */
export interface PackContexts {
  /** Each job's context, without the shared block when there is one. */
  items: string[];
  /** The conventions block that ended every job's context, sent once after the items; '' when they differ. */
  shared: string;
}

/** The heading the shared block of a packed call comes under, after the `## item<n>` sections. */
export const SHARED_HEADING = '## For every item above';

/**
 * What a worker call sends of its jobs' contexts. A pack of several jobs whose contexts all end with the same AGENTS.md
 * conventions block (jobs of one file) sends that block once instead of once per item; otherwise, and for one job,
 * each job's context is what `jobContext` gives. A context the per-job cap cut is never split.
 */
export function packContexts(targets: JobTarget[], kinds: KindContext, maxTokens: number): PackContexts {
  const whole = (): PackContexts => ({ items: targets.map((t) => jobContext(t, kinds, maxTokens)), shared: '' });
  if (targets.length < 2) return whole();
  const splits = targets.map((t) => splitOf(t, kinds, maxTokens));
  const block = splits[0]!.block;
  if (!block || splits.some((s) => s.block !== block)) return whole();
  return { items: splits.map((s) => s.own), shared: block };
}

/** The shared block as a packed call sends it, under its heading. */
export function sharedSection(shared: string): string {
  return `${SHARED_HEADING}\n${shared}`;
}

/**
 * The parts of a call's input that are jobs' contexts, as the packing, the estimate and the reservation count them:
 * the items' contexts and, when there is one, the shared section.
 */
export function contextParts(targets: JobTarget[], kinds: KindContext, maxTokens: number): string[] {
  const { items, shared } = packContexts(targets, kinds, maxTokens);
  return shared ? [...items, sharedSection(shared)] : items;
}

/** Context tokens of a would-be pack, as its call would send them (the packing's `maxInputTokens` measure). */
export function packTokens(targets: JobTarget[], kinds: KindContext, maxTokens: number): number {
  return contextParts(targets, kinds, maxTokens).reduce((n, part) => n + estimateTokens(part), 0);
}

/** A view of the run's context without AGENTS files: the kinds' packs built on it have no conventions block. */
const bareKinds = new WeakMap<KindContext, KindContext>();

/**
 * Splits a job's context at its conventions block. The kind's pack is built again without AGENTS files: when the
 * context is that pack, a line break and more, the more is the block `withConventions` appended. A context that has
 * no block, that the cap cut, or whose block sits elsewhere (a kind that puts it inside its pack) stays whole.
 */
function splitOf(target: JobTarget, kinds: KindContext, maxTokens: number): Split {
  const entry = cutOf(target, kinds, maxTokens);
  if (entry.split) return entry.split;
  entry.split = { own: entry.text, block: '' };
  const agents = kinds.agentsMdFor ? kinds.agentsMdFor(target.file.path).length > 0 : !!kinds.agentsMd?.trim();
  if (!agents) return entry.split;
  let bare = bareKinds.get(kinds);
  if (!bare) bareKinds.set(kinds, (bare = { ...kinds, agentsMdFor: () => [], agentsMd: null }));
  const own = jobKind(target.job.kind).contextPack(target, bare);
  const prefix = own ? `${own}\n` : '';
  if (!entry.cut && entry.text.length > prefix.length && entry.text.startsWith(prefix)) {
    entry.split = { own, block: entry.text.slice(prefix.length) };
  }
  return entry.split;
}
