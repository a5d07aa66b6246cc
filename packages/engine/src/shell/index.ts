// What every shell (the CLI, the GitHub Action, the MCP server) needs beside runTask(): parsing what a user typed,
// turning a report into an exit code, the texts and progress model they render, and the options a user sets by name.
// The summary is formatSummary (exported from the engine's entry).
export { formatDryRun } from './dry-run.js';
export { atLeast, failsOn, reviewExitCode, runExitCode, SEVERITIES, type Severity } from './exit.js';
export {
  formatDuration,
  initialProgress,
  progressAt,
  progressNotes,
  reduceProgress,
  type ProgressJobs,
  type ProgressNote,
  type ProgressNoteOptions,
  type ProgressState,
} from './progress.js';
export { parseReviewRange, type ReviewRange } from './review-range.js';
export { RUN_FLAGS, type At, type Flag, type FlagsFor, type Leaf, type LeafPaths } from './options.js';
export {
  formatMarkdownSummary,
  markdownCode,
  markdownText,
  type MarkdownSummaryOptions,
  type SummaryFinding,
  type SummaryReport,
} from './markdown-summary.js';
export { redactPosted, REDACTED } from './redact.js';
export { OPTION_PARSERS } from './options.js';
export { ensureCommits, pushRunBranch, type GitAuth, type PushRefusal, type PushResult } from './git.js';
export { errorInfo, type ErrorInfo } from './errors.js';
export { createEventLines, PLAN_LINE_MAX_JOBS, type EventLineRenderer } from './event-lines.js';
export { gracefulStop, type GracefulStop } from './stop.js';
export {
  describeModels,
  endpointOf,
  engineFor,
  keyStatus,
  loadShellConfig,
  roleRefs,
  type EngineChoice,
  type Endpoint,
  type KeyStatus,
  type ModelRole,
  type ModelRow,
  type ModelsView,
  type ProviderView,
  type ShellConfigOptions,
} from './models.js';
export {
  DOCTOR_MAX_CALLS,
  DOCTOR_MAX_OUTPUT_TOKENS,
  DOCTOR_SCHEMA,
  runDoctor,
  type DoctorOptions,
  type DoctorResult,
  type ProviderCheck,
} from './doctor.js';
