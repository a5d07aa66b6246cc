// Delegation: what the MCP server and the Agents SDK tool share (one run manager, one set of tool schemas).
export { RunManager, type DelegateOptions, type ProgressListener } from './run-manager.js';
export * from './schemas.js';
