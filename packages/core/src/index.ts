export * from './errors.js';
export * from './config.js';
export * from './defaults.js';
export * from './pricing.js';
export * from './plan.js';
export * from './report.js';
export * from './events.js';
export * from './ledger.js';
export { textMemo } from './memo.js';
export { safeText, type SafeTextOptions } from './text.js';
export {
  EVENT_LINE_SCHEMAS,
  EVENT_LINES_SCHEMA_ID,
  EVENT_LINES_VERSION,
  EventLine,
  eventLinesJsonSchema,
  type EventLineOf,
  type EventLineType,
} from './event-lines.js';
export * from './providers.js';
export { modelRefs } from './resolve-models.js';
export * from './shards.js';
