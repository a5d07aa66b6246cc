import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError, type Estimate, type RunEventListener } from '@orchestrate/core';
import type { Indexer } from '@orchestrate/repo';
import { stripUndefined } from './load-config.js';
import { runDir } from './runs/report.js';
import type { FromPlan } from './shards/from-plan.js';
import { assertRunId } from './runs/runs.js';

/** Options of one run. CLI flags map one to one onto these. */
export interface RunTaskOptions {
  task: string;
  /** A directory inside the target repository. @default process.cwd() */
  cwd?: string;
  engine?: 'auto' | 'openai' | 'offline';
  /** Plan, expand and estimate; create nothing and call no worker. */
  dryRun?: boolean;
  concurrency?: number;
  budgetUsd?: number;
  /** Models per role, over the config file's (`--planner`, `--worker`, `--verifier`). */
  models?: { planner?: string; worker?: string; verifier?: string };
  /**
   * Who plans: `auto` = the offline rules when they map the task (no planner call), else the planner model; `model`
   * always asks the model; `rules` never does. Over the config file's `planning`. @default the config's, else 'auto'
   */
  planning?: 'auto' | 'model' | 'rules';
  /** An explicit config file (absolute) instead of `agents.config.ts` at the repository root; missing: E_CONFIG. */
  configFile?: string;
  /**
   * The commit the run starts from (its branch is made from it; a review's head when `review.head` is not given)
   * instead of HEAD; a ref or commit id that must exist locally. The working tree is then never read (no snapshot of
   * uncommitted changes). @default HEAD
   */
  from?: string;
  /**
   * Read the config file (agents.config.*) and AGENTS.md from this commit (the config is copied to
   * `.orchestrate/config/<sha>/` and loaded from there), never from the working tree: a pull request's head must not
   * configure, or run code in, a run its base trusts. Such a config may import packages (`orchestrate`), not files
   * beside it. @default the working tree's config and the run's base commit's AGENTS.md
   */
  configAt?: string;
  /**
   * false: start none of the repository's own tools (its test command, formatter and formatter config, generated-test
   * runs): steps that need them do no work and gates that run them are skipped, each with a warning saying why; the
   * type checker (orchestrate's own, reading tsconfig.json as data) still runs. The config file is not a tool: pass
   * `configAt` to keep it from the working tree too. @default true
   */
  runRepositoryCode?: boolean;
  /** Environment to read OPENAI_API_KEY / OPENAI_BASE_URL from. @default process.env */
  env?: Record<string, string | undefined>;
  onEvent?: RunEventListener;
  signal?: AbortSignal;
  /**
   * Review a range instead of planning: `base` (default: the merge base with the default branch) to `head` (default
   * HEAD). No planner call; one review step over the changed lines.
   */
  review?: {
    base: string | null;
    head: string | null;
    /**
     * Review the working tree's uncommitted changes (staged, unstaged, untracked files that are not ignored) on top of
     * `head`: read-only, through a temporary index. @default true when `head` is null, as `git diff <base>` compares
     * with the working tree
     */
    workingTree?: boolean;
  };
  /** Send worker and verifier calls through the OpenAI Batch API (half price; the run waits for each batch). */
  batch?: boolean;
  /** With `batch`: submit the first batch and stop; `resume` collects it later. */
  detach?: boolean;
  /**
   * Resume a run by id ('' = the newest resumable run): a detached one collects its batches; an interrupted one (killed,
   * or stopped with Ctrl-C) is redone from its base commit with every answer its journal holds, so nothing is paid twice.
   */
  resume?: string;
  /**
   * The new run's id instead of a generated one (a delegating process names its run before it starts). It must have
   * the shape of a run id (letters, digits, `.`, `_`, `-`) and name no run of the repository: else E_USAGE. With
   * `resume` it may only repeat the resumed run's id, which a resumed run always keeps. @default newRunId()
   */
  runId?: string;
  /** Stop gracefully: start no new call, let calls in flight finish, commit what was verified, report `interrupted`. */
  stop?: AbortSignal;
  /** Asked after planning with the jobs and the estimate; resolving false cancels the run before anything is spent on jobs. */
  confirm?: (info: { jobs: number; estimate: Estimate }) => Promise<boolean>;
  /**
   * Indexes the files instead of this thread (the CLI's worker thread, started with the process, see threadIndexer):
   * same result, sooner. @default this thread
   */
  indexer?: Indexer;
  /**
   * Run a saved plan file (`orchestrate plan --shards N`) instead of planning: its steps (no planner call), its scope and,
   * with `shard`, only the jobs of that shard's files. `runFromPlan` sets the base commit and the run id. @default none
   */
  fromPlan?: FromPlan;
}

/** The model flags over those a resumed run was started with; undefined when neither names one. */
export function modelOverrides(...layers: Array<RunTaskOptions['models']>): RunTaskOptions['models'] {
  const models = Object.assign({}, ...layers.map((m) => stripUndefined(m ?? {})));
  return Object.keys(models).length ? models : undefined;
}

/** A new run id: sortable by time, unique enough for branch names. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * The run's id: a resumed run's own, else `options.runId` (refused when a run of the repository has it), else a new one.
 * A resumed run asked for under another id is refused rather than renamed: its branch and journal carry its id.
 */
export function runIdFor(options: RunTaskOptions, root: string, resumed: string | null): string {
  const asked = options.runId;
  if (asked !== undefined) assertRunId(asked);
  // The two `git check-ref-format` rules a run id's shape leaves open: the branch orchestrate/<id> must exist.
  if (asked !== undefined && (asked.endsWith('.') || asked.endsWith('.lock'))) {
    throw new UsageError(`git cannot name a branch orchestrate/${asked}: a run id may not end in \`.\` or \`.lock\`.`);
  }
  if (resumed !== null) {
    if (asked !== undefined && asked !== resumed) {
      throw new UsageError(`A resumed run keeps its id ${resumed}: drop the run id ${asked}, or pass ${resumed}.`);
    }
    return resumed;
  }
  if (asked === undefined) return newRunId();
  if (existsSync(runDir(root, asked))) {
    throw new UsageError(
      `A run ${asked} already exists in this repository (${path.join('.orchestrate', 'runs', asked)}): ` +
        'choose another run id, or leave it out for a new one (`orchestrate runs` lists them).',
    );
  }
  return asked;
}
