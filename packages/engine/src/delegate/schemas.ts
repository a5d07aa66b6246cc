// The delegation tools' inputs and outputs, one zod object each: the MCP server registers them as its tools' input and
// output schemas and the Agents SDK tool as its parameters, so both speak one contract. Inputs are optional where a
// client may leave a field out; outputs open with a one-paragraph `summary`, as some clients show the model only the
// structured result.
import { z } from 'zod';

const runId = z.string().min(1).max(100).describe('A run id, as start_run, plan or list_runs gave it.');
const cwd = z
  .string()
  .min(1)
  .max(4096)
  .optional()
  .describe(
    'The repository (or a folder in it) to act on: absolute, or relative to the first root. Default: the first root.',
  );
const task = z.string().min(1).max(20_000).describe('What to do, in plain words, e.g. "add docstrings to src/".');
const waitSec = (max: number, dflt: number) =>
  z.number().min(0).max(max).optional().describe(`Seconds to wait for the run to finish (default ${dflt}).`);

/** The run settings a delegating agent may set: the server's own flags are the defaults and its budget the maximum. */
export const RunKnobs = {
  engine: z.enum(['auto', 'openai', 'offline']).optional().describe("Which engine runs it (default: the server's)."),
  models: z
    .object({
      planner: z.string().min(1).optional(),
      worker: z.string().min(1).optional(),
      verifier: z.string().min(1).optional(),
    })
    .optional()
    .describe("Model names per role (default: the repository config's)."),
  budgetUsd: z
    .number()
    .positive()
    .optional()
    .describe("The most the run may spend, in US dollars (capped by the server's --budget)."),
  concurrency: z.number().int().min(1).max(256).optional().describe('Model calls in flight at once.'),
};

export const PlanInput = z.object({ task, cwd, ...RunKnobs });
export const StartInput = z.object({
  task,
  cwd,
  ...RunKnobs,
  batch: z.boolean().optional().describe('Run the workers through the Batch API (half price, slower).'),
  resume: runId
    .optional()
    .describe('Resume this interrupted run instead of starting a new one (task is then ignored).'),
});
export const StatusInput = z.object({
  runId,
  cwd,
  events: z
    .number()
    .int()
    .min(0)
    .max(200)
    .optional()
    .describe('How many of the latest event lines to return (default 20).'),
  sinceSeq: z.number().int().min(0).optional().describe('Only event lines with seq >= this (from the last nextSeq).'),
});
export const ResultInput = z.object({ runId, cwd, waitSec: waitSec(280, 0) });
export const CancelInput = z.object({ runId, cwd, waitSec: waitSec(280, 30) });
export const RunInput = StartInput.extend({ waitSec: waitSec(3600, 240) });
export const ReviewInput = z.object({
  cwd,
  range: z
    .string()
    .min(1)
    .max(300)
    .optional()
    .describe('A git range such as main..HEAD or a base ref (default: the upstream).'),
  workingTree: z.boolean().optional().describe('Review the uncommitted changes of the working tree (read-only).'),
  ...RunKnobs,
});
export const ListInput = z.object({ cwd, limit: z.number().int().min(1).max(100).optional().describe('Default 20.') });
export const ApplyInput = z.object({ runId, cwd });
export const UndoInput = z.object({
  runId,
  cwd,
  force: z
    .boolean()
    .optional()
    .describe('Delete the branch even when it was merged or holds commits the run did not make.'),
});

const summary = z.string().describe('One paragraph that says what happened and what to do next.');
const jobCounts = z.object({
  total: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  skipped: z.number(),
  unchanged: z.number(),
});
const commit = z.object({
  sha: z.string(),
  stepId: z.string(),
  subject: z.string(),
  jobs: z.number(),
  files: z.array(z.string()),
});
const error = z.object({ code: z.string(), message: z.string() });
const usage = z.record(
  z.string(),
  z.object({
    requests: z.number(),
    inputTokens: z.number(),
    cachedInputTokens: z.number(),
    outputTokens: z.number(),
    costUsd: z.number(),
  }),
);
/** An event line (see the event-line schema): open, since new line types and fields may be added. */
const eventLine = z.looseObject({ type: z.string(), seq: z.number() });
const state = z.enum(['running', 'stopping', 'completed', 'interrupted', 'failed']);

export const PlanOutput = z.object({
  summary,
  runId: z.string(),
  engine: z.enum(['openai', 'offline']),
  steps: z.array(z.object({ id: z.string(), kind: z.string(), paths: z.array(z.string()), instructions: z.string() })),
  jobs: z.object({
    total: z.number(),
    listed: z.array(z.object({ id: z.string(), kind: z.string(), file: z.string(), symbol: z.string() })),
    truncated: z.boolean(),
  }),
  estimate: z.object({
    costUsdLow: z.number(),
    costUsdHigh: z.number(),
    perModel: z.record(z.string(), z.object({ calls: z.number(), costUsdLow: z.number(), costUsdHigh: z.number() })),
  }),
  plannerCostUsd: z.number(),
  warnings: z.array(z.string()),
});
export const StartOutput = z.object({
  summary,
  runId: z.string(),
  branch: z.string(),
  baseCommit: z.string(),
  engine: z.enum(['openai', 'offline']),
  state: z.literal('running'),
});
export const StatusOutput = z.object({
  summary,
  runId: z.string(),
  state,
  finished: z.boolean(),
  phase: z.string().nullable(),
  jobs: z.object({ total: z.number(), done: z.number(), failed: z.number(), running: z.number(), queued: z.number() }),
  tokens: z.number().describe('Input and output tokens of every call so far.'),
  costUsd: z.number(),
  budgetUsd: z.number().nullable(),
  elapsedMs: z.number(),
  etaMs: z.number().nullable(),
  throttled: z.object({ model: z.string(), concurrency: z.number() }).nullable(),
  events: z.array(eventLine),
  nextSeq: z.number(),
  error: error.nullable(),
});
export const ResultOutput = z.object({
  summary,
  finished: z.boolean(),
  runId: z.string(),
  status: z.string().nullable(),
  branch: z.string().nullable(),
  baseCommit: z.string().nullable(),
  commits: z.array(commit),
  diffstat: z.object({
    files: z.number(),
    insertions: z.number(),
    deletions: z.number(),
    perFile: z.array(z.object({ path: z.string(), added: z.number(), removed: z.number() })),
  }),
  jobs: jobCounts,
  items: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      file: z.string(),
      symbol: z.string(),
      status: z.string(),
      error: z.string().nullable(),
      verdict: z.string().nullable(),
    }),
  ),
  itemsTruncated: z.boolean(),
  usage,
  costUsd: z.number(),
  budgetUsd: z.number().nullable(),
  warnings: z.array(z.string()),
  reportPath: z.string().nullable(),
  error: error.nullable(),
  next: z.object({ look: z.string().nullable(), apply: z.string().nullable(), undo: z.string().nullable() }),
});
export const CancelOutput = z.object({
  summary,
  runId: z.string(),
  state,
  commits: z.array(commit),
  resumable: z.boolean(),
  resume: z.string().nullable(),
});
export const ReviewOutput = z.object({
  summary,
  runId: z.string(),
  reviewed: z.object({
    base: z.string().nullable(),
    head: z.string().nullable(),
    label: z.string(),
    files: z.number(),
  }),
  counts: z.object({ error: z.number(), warning: z.number(), note: z.number() }),
  annotations: z.array(
    z.object({
      file: z.string(),
      line: z.number(),
      endLine: z.number(),
      severity: z.enum(['error', 'warning', 'note']),
      ruleId: z.string(),
      message: z.string(),
      suggestion: z.string().nullable(),
    }),
  ),
  truncated: z.boolean(),
});
const runInfo = z.object({
  id: z.string(),
  task: z.string(),
  status: z.string(),
  engine: z.string().nullable(),
  branch: z.string().nullable(),
  branchExists: z.boolean(),
  jobs: z.object({ total: z.number(), succeeded: z.number(), failed: z.number(), skipped: z.number() }),
  costUsd: z.number(),
  startedAt: z.string().nullable(),
});
export const ListOutput = z.object({ summary, runs: z.array(runInfo) });
export const ApplyOutput = z.object({
  summary,
  runId: z.string(),
  branch: z.string(),
  into: z.string(),
  fastForward: z.boolean(),
  commits: z.number(),
  head: z.string(),
});
export const UndoOutput = z.object({
  summary,
  runId: z.string(),
  branch: z.string(),
  deletedBranch: z.boolean(),
  removedWorktree: z.boolean(),
  markedUndone: z.boolean(),
});

export type PlanInput = z.infer<typeof PlanInput>;
export type StartInput = z.infer<typeof StartInput>;
export type StatusInput = z.infer<typeof StatusInput>;
export type ResultInput = z.infer<typeof ResultInput>;
export type CancelInput = z.infer<typeof CancelInput>;
export type RunInput = z.infer<typeof RunInput>;
export type ReviewInput = z.infer<typeof ReviewInput>;
export type ListInput = z.infer<typeof ListInput>;
export type ApplyInput = z.infer<typeof ApplyInput>;
export type UndoInput = z.infer<typeof UndoInput>;
export type PlanOutput = z.infer<typeof PlanOutput>;
export type StartOutput = z.infer<typeof StartOutput>;
export type StatusOutput = z.infer<typeof StatusOutput>;
export type ResultOutput = z.infer<typeof ResultOutput>;
export type CancelOutput = z.infer<typeof CancelOutput>;
export type ReviewOutput = z.infer<typeof ReviewOutput>;
export type ListOutput = z.infer<typeof ListOutput>;
export type ApplyOutput = z.infer<typeof ApplyOutput>;
export type UndoOutput = z.infer<typeof UndoOutput>;

/** The delegation tools by name, with their schemas and what each is for (the MCP server and the Agents tool read it). */
export const DELEGATE_TOOLS = {
  plan: { input: PlanInput, output: PlanOutput },
  start_run: { input: StartInput, output: StartOutput },
  run_status: { input: StatusInput, output: StatusOutput },
  run_result: { input: ResultInput, output: ResultOutput },
  cancel_run: { input: CancelInput, output: CancelOutput },
  run: { input: RunInput, output: ResultOutput },
  review: { input: ReviewInput, output: ReviewOutput },
  list_runs: { input: ListInput, output: ListOutput },
  apply_run: { input: ApplyInput, output: ApplyOutput },
  undo_run: { input: UndoInput, output: UndoOutput },
} as const;

/** A delegation tool's name. */
export type DelegateToolName = keyof typeof DELEGATE_TOOLS;
