export { runTask, newRunId, type RunTaskOptions } from './run-task.js';
export { threadIndexer, serveIndex, type Indexer, type IndexThread, type IndexPort } from '@orchestrate/repo';
export { formatSummary, writeReport, writeReportHtml, runDir, REPORT_HTML } from './runs/report.js';
export { writeRunHtml } from './runs/report-html.js';
export { loadConfig, CONFIG_FILES } from './load-config.js';
export { undoRun, type UndoOptions, type UndoResult } from './runs/undo.js';
export { formatReview, formatRunOutput, reviewedLine, writeReviewFiles } from './runs/review-output.js';
export {
  findingFingerprint,
  reviewFindings,
  reviewSarif,
  FINDING_CODE_LINES,
  FINDING_FINGERPRINT_KEY,
  SARIF_MAX_RESULTS,
  type SarifLog,
} from './runs/findings.js';
export { applyRun, type ApplyResult } from './runs/apply.js';
export { formatAge, formatRun, formatRuns } from './runs/format-runs.js';
export {
  assertRunId,
  isProcessAlive,
  journalProgress,
  listRuns,
  loadRun,
  showRun,
  type RunDetail,
  type RunInfo,
  type RunState,
} from './runs/runs.js';
export * from './shell/index.js';
export * from './delegate/index.js';
export { splitJobs, shardMatrix, assertShardCount, type SplitJob } from './shards/split.js';
export { planShards, type PlanShardsOptions, type PlannedShards } from './shards/plan-file.js';
export { planIdOf } from './shards/plan-id.js';
export { assertPlanOut } from './shards/plan-out.js';
export { readPlanFile, planRunId, type FromPlan } from './shards/from-plan.js';
export { runFromPlan, type RunFromPlanOptions, type RunFromPlanResult } from './shards/run-shard.js';
export { writeBundle, readBundle, type BundleInput } from './shards/bundle.js';
export { formatShardPlan, formatBundleLine } from './shards/format.js';
export { mergeShards, type MergeShardsOptions } from './shards/merge.js';
export { formatMerge, mergeSummary } from './shards/merge-format.js';
