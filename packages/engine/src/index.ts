export { runTask, newRunId, type RunTaskOptions } from './run-task.js';
export { formatSummary, writeReport, runDir } from './report.js';
export { loadConfig, CONFIG_FILES } from './load-config.js';
export { undoRun, type UndoOptions, type UndoResult } from './undo.js';
export { formatReview, formatRunOutput, reviewedLine, writeReviewFiles } from './review-output.js';
export {
  applyRun,
  assertRunId,
  formatAge,
  formatRun,
  formatRuns,
  isProcessAlive,
  journalProgress,
  listRuns,
  loadRun,
  showRun,
  type ApplyResult,
  type RunDetail,
  type RunInfo,
  type RunState,
} from './runs.js';
export * from './shell/index.js';
