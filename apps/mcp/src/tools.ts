// The MCP tools: each is one of the run manager's operations under the schemas the engine declares for it
// (DELEGATE_TOOLS), with the words a model reads to choose it and the hints a client reads to ask before it runs.
import { DELEGATE_TOOLS, type DelegateToolName, type RunManager } from '@orchestrate/engine';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { ProgressSender } from './progress.js';

/** The part of the run manager the tools call: a test passes a stub of these. */
export type DelegateManager = Pick<
  RunManager,
  'plan' | 'start' | 'status' | 'result' | 'cancel' | 'run' | 'review' | 'list' | 'apply' | 'undo'
>;

/** What a tool's call gets besides its arguments: the client's cancellation and where its progress goes. */
export interface CallContext {
  signal: AbortSignal;
  progress: ProgressSender;
}

/** One MCP tool: its name, the words and hints a client shows, its schemas and what it calls. */
export interface McpTool<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: DelegateToolName;
  title: string;
  description: string;
  annotations: ToolAnnotations;
  input: I;
  output: O;
  /** Whether the call reports progress (only the blocking tools do). */
  progress?: boolean;
  /** Runs the tool (a method, so tools of different schemas share one list). */
  call(manager: DelegateManager, args: z.output<I>, ctx: CallContext): Promise<z.output<O>>;
}

function tool<N extends DelegateToolName>(
  name: N,
  def: Omit<
    McpTool<(typeof DELEGATE_TOOLS)[N]['input'], (typeof DELEGATE_TOOLS)[N]['output']>,
    'name' | 'input' | 'output'
  >,
): McpTool {
  return { name, input: DELEGATE_TOOLS[name].input, output: DELEGATE_TOOLS[name].output, ...def } as McpTool;
}

const RUN_ID = 'Everything a later call needs is the runId.';

/** The tools, in the order a client lists them. */
export const TOOLS: readonly McpTool[] = [
  tool('plan', {
    title: 'Plan a task (dry run)',
    description:
      'Plans a coding task without changing anything: the steps, the jobs it fans out to (file and symbol) and the ' +
      'estimated cost per model. Only the planner model is paid. Use it to check scope and cost before start_run or run.',
    annotations: { readOnlyHint: true, openWorldHint: true },
    call: (m, args, ctx) => m.plan(args, ctx.signal),
  }),
  tool('start_run', {
    title: 'Start a run',
    description:
      'Starts a task in the background and returns at once with its runId and branch. The work is verified and ' +
      "committed on a new branch orchestrate/<runId>; the user's working tree and current branch are never touched. " +
      'Use it for large tasks, then poll run_status and read run_result. Pass resume: <runId> to finish an ' +
      `interrupted run without paying again for answers already received. ${RUN_ID}`,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    call: (m, args) => m.start(args),
  }),
  tool('run_status', {
    title: 'Run status',
    description:
      'Where a run stands: its phase, job counts, tokens, cost against the budget, time left, and its latest event ' +
      'lines (pass sinceSeq: the last nextSeq to get only new ones). Cheap: call it as often as needed.',
    annotations: { readOnlyHint: true, openWorldHint: false },
    call: (m, args) => m.status(args),
  }),
  tool('run_result', {
    title: 'Run result',
    description:
      "A run's outcome: status, commits with their files, a diffstat, the jobs that failed and why, usage and cost, " +
      'and the next steps (look, apply_run, undo_run). waitSec waits for a run still going; finished: false means ' +
      'it is not done yet.',
    annotations: { readOnlyHint: true, openWorldHint: false },
    call: (m, args) => m.result(args),
  }),
  tool('cancel_run', {
    title: 'Cancel a run',
    description:
      'Stops a run as Ctrl-C does: work already verified is committed on its branch, the rest is not paid for, and ' +
      'the run can be resumed later with start_run resume: <runId>. Waits up to waitSec for the run to stop.',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    call: (m, args) => m.cancel(args),
  }),
  tool('run', {
    title: 'Run a task and wait',
    description:
      'Runs a small task to the end and returns its result (as run_result does). It waits up to waitSec (default ' +
      '240 s); a run not finished by then goes on and the answer says finished: false with its runId. Prefer ' +
      'start_run with run_status for large tasks. Cancelling this call stops the run gracefully (resumable).',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    progress: true,
    call: (m, args, ctx) => m.run(args, { signal: ctx.signal, onProgress: (state) => ctx.progress.update(state) }),
  }),
  tool('review', {
    title: 'Review changes',
    description:
      'Annotates the changed lines of a git range (or the uncommitted changes of the working tree) with findings: ' +
      'file, line, severity, rule and message. It changes nothing.',
    annotations: { readOnlyHint: true, openWorldHint: true },
    progress: true,
    call: (m, args, ctx) => m.review(args, ctx.signal),
  }),
  tool('list_runs', {
    title: 'List runs',
    description: 'The runs of a repository, newest first: id, task, status, branch, jobs and cost.',
    annotations: { readOnlyHint: true, openWorldHint: false },
    call: (m, args) => m.list(args),
  }),
  tool('apply_run', {
    title: 'Merge a run',
    description:
      "Merges a finished run's branch into the user's current branch (as `orchestrate apply`). It changes the " +
      "user's branch and working tree, which must be clean: call it only when the user asked for the merge.",
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    call: (m, args) => m.apply(args),
  }),
  tool('undo_run', {
    title: 'Discard a run',
    description:
      "Deletes a run's branch and worktree (as `orchestrate undo`). Refuses a merged branch or one with commits " +
      'the run did not make unless force is set. Call it only when the user asked to discard the run.',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    call: (m, args) => m.undo(args),
  }),
];

/** What the server tells a client about using its tools (MCP `instructions`). */
export const INSTRUCTIONS =
  'orchestrate plans a coding task, fans it out to small model jobs, verifies each result and commits the verified ' +
  "work on a new branch orchestrate/<runId>; the user's working tree, index and current branch are never touched. " +
  'Small task: `run` (blocks, with progress). Large task: `start_run`, then `run_status` now and then, then ' +
  '`run_result`. Check scope and cost first with `plan`. Stop with `cancel_run` (resumable with start_run resume). ' +
  'Merge with `apply_run` or discard with `undo_run` only when the user asks. `cwd` picks the repository (default: ' +
  'the first root the server was started with). Errors come back as isError results whose text starts with ' +
  '"orchestrate error [E_CODE]:" and says what to do.';
