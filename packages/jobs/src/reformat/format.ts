import path from 'node:path';
import type { Job, PlanStep } from '@orchestrate/core';
import { detectFormatter, formatText, proveFormattingOnly, type FormatterInfo } from '@orchestrate/repo';
import { pathMatcher } from '../docstring/select.js';
import { emptyOutcome, type JobKindModule, type JobTarget, type KindContext } from '../kind.js';

const formatters = new Map<string, Promise<FormatterInfo>>();

/** The repository's formatter, detected once per root. */
function formatterFor(root: string): Promise<FormatterInfo> {
  let info = formatters.get(root);
  if (!info) {
    info = detectFormatter(root);
    formatters.set(root, info);
  }
  return info;
}

/** Files of the step (paths, changedSince), one job each. */
export function selectFiles(step: PlanStep, ctx: KindContext, suffix: string): JobTarget[] {
  const inPaths = pathMatcher(step.selector.paths);
  return ctx.files
    .filter((f) => inPaths(f.path) && (!step.selector.changedSince || !ctx.changed || ctx.changed.has(f.path)))
    .map((file) => {
      const job: Job = { id: `${step.id}:${file.path}#${suffix}`, stepId: step.id, kind: step.kind, file: file.path, symbol: '(file)', declarationKind: 'file' };
      return { job, step, file, declaration: null, lines: null };
    });
}

/**
 * reformat/format: formatting is a formatter's job, not a model's. The repository's own prettier or biome and its config
 * (else prettier's defaults) format each file; the gate proves the change is formatting only. No model call on any engine.
 */
export const formatKind: Omit<JobKindModule<{ text: string }>, 'kind'> = {
  select: (step, ctx) => selectFiles(step, ctx, 'format'),
  deterministic: () => true,
  workerInstructions: () => '',
  contextPack: () => '',
  outputSchema: () => {
    throw new Error('internal: formatting never calls a model');
  },
  async offline(target, ctx) {
    const info = await formatterFor(ctx.root);
    return { text: await formatText(info, ctx.root, path.join(ctx.root, target.file.path), target.file.text) };
  },
  apply(target, output) {
    const before = target.file.text;
    if (output.text === before) return emptyOutcome();
    return { ...emptyOutcome(), edits: [{ owner: target.job.id, start: 0, end: before.length, text: output.text, expect: before }] };
  },
  gate(target, before, after) {
    const proof = proveFormattingOnly(target.file.path, before, after);
    return proof.ok ? { ok: true } : { ok: false, gate: 'formatting-only', reason: proof.reason };
  },
  heavyGates: () => [],
  verifyByDefault: () => false,
  verifierInstructions: () => 'Format the file.',
  describeForVerifier: (target) => `formatted ${target.file.path}`,
};
