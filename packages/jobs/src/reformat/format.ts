import { InternalError, type Job, type PlanStep } from '@orchestrate/core';
import {
  describeFormatter,
  detectFormatter,
  formatEach,
  proveFormattingOnly,
  type FormatFileResult,
  type FormatterInfo,
} from '@orchestrate/repo';
import { pathMatcher } from '../select/index.js';
import { emptyOutcome, JobRejected, type JobTarget, type KindContext } from '../kind.js';
import { notePlanStep, planStepNote, skipForRepositoryCode } from '../plan-notes.js';
import type { KindPart } from '../variants.js';

/** A formatted file, or why the formatter could not format it (that job fails; the others go on). */
export type FormatOutput = { text: string } | { error: string };

/** Per run (a KindContext is made once per run): the repository's formatter, detected once. */
const formatters = new WeakMap<KindContext, FormatterInfo>();
/** Per step: the files it formats (so the first job starts the batches for all) and their results as they come. */
const stepFiles = new WeakMap<PlanStep, JobTarget[]>();
const batches = new WeakMap<PlanStep, Map<string, Promise<FormatFileResult>>>();

/** The repository's formatter, detected once per run from its files and the indexed code. */
function formatterFor(ctx: KindContext): FormatterInfo {
  let info = formatters.get(ctx);
  if (!info) {
    info = detectFormatter(ctx.root, ctx.files);
    formatters.set(ctx, info);
  }
  return info;
}

/** Files of the step (paths, changedSince), one job each. */
export function selectFiles(step: PlanStep, ctx: KindContext, suffix: string): JobTarget[] {
  const inPaths = pathMatcher(step.selector.paths);
  return ctx.files
    .filter((f) => inPaths(f.path) && (!step.selector.changedSince || !ctx.changed || ctx.changed.has(f.path)))
    .map((file) => {
      const job: Job = {
        id: `${step.id}:${file.path}#${suffix}`,
        stepId: step.id,
        kind: step.kind,
        file: file.path,
        symbol: '(file)',
        declarationKind: 'file',
      };
      return { job, step, file, declaration: null, lines: null };
    });
}

/**
 * The plan's note for a step once it was expanded: for a formatting step which formatter runs, why, and the options
 * derived for a repository without a formatter config; for a step that needs the repository's own tools in a run that
 * starts none, why it does nothing; null for other steps.
 */
export function formatPlanNote(step: PlanStep): string | null {
  return planStepNote(step);
}

/**
 * The formatter's result for one job's file. The first job of a step starts the batches for every file of the step
 * (one prettier process formats many files); later jobs wait for theirs.
 */
function resultFor(target: JobTarget, ctx: KindContext): Promise<FormatFileResult> {
  const info = formatterFor(ctx);
  let results = batches.get(target.step);
  if (!results || !results.has(target.file.path)) {
    const pending = (stepFiles.get(target.step) ?? [target]).filter((t) => !results?.has(t.file.path));
    if (!pending.some((t) => t.file.path === target.file.path)) pending.push(target);
    const promises = formatEach(
      info,
      ctx.root,
      pending.map((t) => ({ path: t.file.path, text: t.file.text })),
    );
    results ??= new Map();
    pending.forEach((t, i) => results!.set(t.file.path, promises[i]!));
    batches.set(target.step, results);
  }
  return results.get(target.file.path)!;
}

/**
 * reformat/format: formatting is a formatter's job, not a model's. The repository's own formatter (prettier, biome or
 * dprint, as its scripts run it) formats each file in a child process; without one, orchestrate's prettier does, with
 * the repository's config or, lacking that, options derived from its style. A file the formatter cannot format fails
 * its own job with the formatter's reason; the gate proves each change is formatting only. No model call on any engine.
 */
export const formatKind: KindPart<FormatOutput> = {
  select(step, ctx) {
    // The formatter, its config (a .prettierrc.js runs) and its plugins are the repository's code.
    const skipped = skipForRepositoryCode(step, ctx, 'its formatter');
    if (skipped) return skipped;
    const targets = selectFiles(step, ctx, 'format');
    stepFiles.set(step, targets);
    if (targets.length) notePlanStep(step, `${step.id}: ${describeFormatter(formatterFor(ctx))}`);
    return targets;
  },
  deterministic: () => true,
  workerInstructions: () => '',
  contextPack: () => '',
  outputSchema: () => {
    throw new InternalError('formatting never calls a model');
  },
  async offline(target, ctx) {
    try {
      const result = await resultFor(target, ctx);
      return result.ok ? { text: result.text } : { error: result.reason };
    } catch (err) {
      return { error: `the formatter could not be run: ${err instanceof Error ? err.message : String(err)}` };
    }
  },
  apply(target, output) {
    if ('error' in output) throw new JobRejected(output.error);
    const before = target.file.text;
    if (output.text === before) return emptyOutcome();
    return {
      ...emptyOutcome(),
      edits: [{ owner: target.job.id, start: 0, end: before.length, text: output.text, expect: before }],
    };
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
