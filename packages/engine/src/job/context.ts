import { jobKind, type JobTarget, type KindContext } from '@orchestrate/jobs';
import { capTokens } from '../tokens.js';

interface Cut {
  kinds: KindContext;
  maxTokens: number;
  text: string;
}

const cuts = new WeakMap<JobTarget, Cut>();

/**
 * The context a job sends: its kind's context pack, cut to the per-job token cap. The packing, the call and the
 * estimate all need it; it is built once per job (a target and its index snapshot never change during a run).
 */
export function jobContext(target: JobTarget, kinds: KindContext, maxTokens: number): string {
  const hit = cuts.get(target);
  if (hit && hit.kinds === kinds && hit.maxTokens === maxTokens) return hit.text;
  const { text } = capTokens(jobKind(target.job.kind).contextPack(target, kinds), maxTokens);
  cuts.set(target, { kinds, maxTokens, text });
  return text;
}
