export { runTask, newRunId, type RunTaskOptions } from './run-task.js';
export { formatSummary, writeReport, runDir } from './runs/report.js';
export { loadConfig, CONFIG_FILES } from './load-config.js';
export { undoRun, type UndoOptions, type UndoResult } from './runs/undo.js';
export { formatReview, formatRunOutput, reviewedLine, writeReviewFiles } from './runs/review-output.js';
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
} from './runs/runs.js';
