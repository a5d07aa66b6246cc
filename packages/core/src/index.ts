export * from './errors.js';
export * from './config.js';
export * from './defaults.js';
export * from './pricing.js';
export * from './plan.js';
export * from './report.js';
export * from './events.js';
export * from './ledger.js';
export { textMemo } from './memo.js';
