export * from './model-call.js';
export * from './planner.js';
export * from './offline-planner.js';
export * from './verifier.js';
export * from './rate-limit.js';
export * from './router.js';
export { outputJsonSchema } from './json-schema.js';
