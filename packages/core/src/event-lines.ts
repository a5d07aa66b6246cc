// The lines of `orchestrate exec --json` and of the MCP server's run_status: one JSON object per run event, with a
// dotted `type` and snake_case fields (what Codex `exec --json` and Claude `stream-json` consumers parse). The zod
// schemas here are the contract: the engine's renderer (shell/event-lines.ts) builds the lines, and the JSON Schema
// generated from them ships as schema/run-events.schema.json. Types may be added; a type or a field is never renamed.
import { z } from 'zod';
import type { Phase } from './events.js';
import type { RunStatus } from './report.js';

/** The `schema` field of `run.started`: the version of this contract. */
export const EVENT_LINES_VERSION = 'orchestrate.events/1';
/** The `$id` of the shipped JSON Schema. */
export const EVENT_LINES_SCHEMA_ID = 'urn:orchestrate:schema:run-events:1';

// Listed here (not derived) because a JSON Schema needs the values; `satisfies` plus the checks below keep them in step
// with the types they mirror.
const PHASES = ['setup', 'index', 'plan', 'expand', 'work', 'verify', 'commit', 'report'] as const satisfies Phase[];
const RUN_STATUSES = [
  'completed',
  'completed-with-failures',
  'budget-exceeded',
  'nothing-to-do',
  'dry-run',
  'cancelled',
  'detached',
  'interrupted',
] as const satisfies RunStatus[];
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : never;
const everyPhase: Missing<Phase, (typeof PHASES)[number]> = true;
const everyStatus: Missing<RunStatus, (typeof RUN_STATUSES)[number]> = true;
void everyPhase;
void everyStatus;

const count = z.number().int().nonnegative();
const usd = z.number().nonnegative();
const text = z.string();

/** The fields every line opens with; `run_id` is null only on an `error` line before the run had an id. */
function line<T extends string, S extends z.ZodRawShape>(type: T, description: string, shape: S) {
  return z
    .object({
      type: z.literal(type),
      run_id: z.string(),
      seq: count.describe('0-based; +1 per line of the run'),
      ts: z.iso.datetime().describe('when the line was made (ISO 8601, UTC)'),
      ...shape,
    })
    .describe(description);
}

const target = {
  step_id: text,
  kind: text,
  file: text.describe('repository-relative'),
  symbol: text.describe('the declaration, `(file)` for a whole-file job, or `lines a-b` for a diff hunk'),
};
const jobFields = { job_id: text, ...target };
const commit = z.object({
  sha: text,
  step_id: text,
  subject: text.describe("the commit message's first line"),
  jobs: count,
  files: z.array(text).describe('the files the commit changed, repository-relative'),
});
const models = z.object({ planner: text, worker: text, verifier: text });

/** One zod object per line type, keyed by the type. */
export const EVENT_LINE_SCHEMAS = {
  'run.started': line('run.started', 'Always the first line of a run.', {
    schema: z.literal(EVENT_LINES_VERSION),
    task: text.nullable(),
    engine: z.enum(['openai', 'offline']),
    models: models.nullable().describe('the models the resolved config chose (`offline` on the offline engine)'),
    base_commit: text,
    branch: text.nullable().describe("the run's branch; null on a dry run"),
    dry_run: z.boolean().nullable(),
    resumed: z.boolean().nullable(),
    scope: text
      .nullable()
      .describe('the folder the run is scoped to (repository-relative); null for the whole repository'),
    budget_usd: usd.nullable(),
    dirty: z.boolean().describe("whether the user's working tree had uncommitted changes (never touched)"),
  }),
  'phase.started': line('phase.started', 'The run entered a phase.', {
    phase: z.enum(PHASES),
    detail: text.nullable(),
  }),
  'index.completed': line('index.completed', 'The code index is built.', {
    files: count,
    declarations: count,
    skipped: count,
    ms: count,
  }),
  'plan.completed': line('plan.completed', 'The plan and the jobs it expands to, with the estimate.', {
    source: text.describe("the planner model's name, or `offline`"),
    steps: z.array(
      z.object({
        id: text,
        kind: text,
        variant: text.nullable(),
        paths: z.array(text),
        instructions: text,
        model: text.optional().describe("the step's worker model (absent: models.worker)"),
      }),
    ),
    jobs: z.array(z.object({ id: text, ...target })).describe('the first 1000 jobs; each also has its job.* lines'),
    jobs_total: count,
    jobs_truncated: z.boolean(),
    estimate: z.object({
      cost_usd_low: usd,
      cost_usd_high: usd,
      per_model: z.record(
        text,
        z.object({ calls: count, input_tokens: count, output_tokens: count, cost_usd_low: usd, cost_usd_high: usd }),
      ),
    }),
  }),
  warning: line('warning', 'Something the run dropped or worked around.', { message: text }),
  'job.started': line('job.started', 'A job is handed to a model (or to the offline rules), once per attempt.', {
    ...jobFields,
    model: text.nullable(),
    attempt: count.nullable().describe('1 for the worker, then retries and escalations'),
    pack: count.nullable().describe('how many jobs the model call holds'),
  }),
  'job.verified': line('job.verified', 'The job passed its gates and the verifier; it waits for its commit.', {
    job_id: text,
  }),
  ...jobEnds(),
  'verify.completed': line('verify.completed', 'The verification of a round of jobs finished.', {
    round: count,
    verified: count,
    rejected: count,
    failed: count,
    calls: count,
  }),
  'commit.created': line('commit.created', "A commit on the run's branch, as it is made.", commit.shape),
  'budget.reached': line('budget.reached', 'The budget refused a model call: no further calls start.', {
    model: text,
    spent_usd: usd,
    budget_usd: usd,
  }),
  throttled: line('throttled', 'Rate limiting lowered the calls in flight for a model.', {
    model: text,
    concurrency: count,
    reason: text,
  }),
  'run.completed': line('run.completed', 'The run ended with a report (the last line unless an error follows).', {
    status: z.enum(RUN_STATUSES),
    exit_code: count.describe('what `orchestrate exec` exits with'),
    jobs: z.object({ total: count, succeeded: count, failed: count, skipped: count, unchanged: count }),
    usage: z.record(
      text,
      z.object({
        requests: count,
        input_tokens: count,
        cached_input_tokens: count,
        output_tokens: count,
        cost_usd: usd,
      }),
    ),
    total_cost_usd: usd,
    budget_usd: usd.nullable(),
    branch: text.nullable().describe('the branch holding the commits; null when nothing was committed'),
    base_commit: text,
    commits: z.array(commit),
    report_path: text.nullable().describe('absolute path of report.json; null on a dry run'),
    duration_ms: count,
    warnings: z.array(text),
  }),
  error: line('error', '', {
    code: text.describe('a stable error code, e.g. E_NOT_GIT_REPO'),
    message: text,
    exit_code: count,
    resume: text.nullable().describe('the command that finishes an interrupted run'),
    report_path: text.nullable(),
  })
    .extend({ run_id: z.string().nullable().describe('null when the run failed before it had an id') })
    .describe('The run (or the command) failed: always the last line.'),
};

/** `job.completed` (succeeded) and `job.failed` (failed or skipped): the job's line of the report. */
function jobEnds() {
  const shape = {
    ...jobFields,
    status: z.enum(['succeeded', 'failed', 'skipped']),
    model: text.nullable(),
    attempts: count.nullable().describe('model calls made for the job (worker, retries, escalations)'),
    tokens: z.object({ input: count, cached_input: count, output: count }).nullable(),
    cost_usd: usd.nullable(),
    reason: text.nullable().describe('why the job failed or was skipped'),
    verdict: text.nullable().describe("the verifier's reason"),
    unchanged: z.boolean().nullable().describe('succeeded with nothing to change'),
    escalated: text
      .optional()
      .describe("the worker's reason when it said the job was beyond it and the job went to the verifier's model"),
  };
  return {
    'job.completed': line('job.completed', 'A job succeeded (its commit, if any, was made).', shape),
    'job.failed': line('job.failed', 'A job failed or was skipped.', shape),
  };
}

/** Every line type. */
export type EventLineType = keyof typeof EVENT_LINE_SCHEMAS;

/** One event line, any type: the union of {@link EVENT_LINE_SCHEMAS}, told apart by `type`. */
export const EventLine = z.discriminatedUnion('type', Object.values(EVENT_LINE_SCHEMAS) as LineSchemas);
type LineSchemas = [(typeof EVENT_LINE_SCHEMAS)[EventLineType], ...(typeof EVENT_LINE_SCHEMAS)[EventLineType][]];

/** One event line: `type`, the run's id, its 0-based sequence number, its time, and the type's own fields. */
export type EventLine = z.output<typeof EventLine>;

/** The line of one type. */
export type EventLineOf<T extends EventLineType> = z.output<(typeof EVENT_LINE_SCHEMAS)[T]>;

/**
 * The JSON Schema (draft 2020-12) of every line. Generated from the zod input form, so it has no
 * `additionalProperties: false`: a line that gains a field still validates. Consumers validate the types they know.
 */
export function eventLinesJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(EventLine, { target: 'draft-2020-12', io: 'input' });
  return { ...schema, $id: EVENT_LINES_SCHEMA_ID, title: 'orchestrate run event lines (orchestrate.events/1)' };
}
