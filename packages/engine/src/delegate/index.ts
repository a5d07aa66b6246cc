// Delegation: what the MCP server and the Agents SDK tool share (one run manager, one set of tool schemas).
export { RunManager, type DelegateOptions, type Knobs, type ProgressListener } from './run-manager.js';
export { resolveInRoots } from './roots.js';
export { diffstatView, CAPS as DELEGATE_CAPS } from './views.js';
export { resumeHint } from './summary.js';
export * from './schemas.js';
