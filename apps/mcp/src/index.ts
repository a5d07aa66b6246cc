// @orchestrate/mcp: orchestrate's delegation tools as an MCP server (`orchestrate mcp`); the Agents SDK tool is the
// package's `./agents` entry.
export { serveMcp, type McpOptions, type McpServing } from './serve.js';
export { createMcpServer, type McpServerOptions } from './server.js';
export { TOOLS, INSTRUCTIONS, type DelegateManager, type McpTool } from './tools.js';
export { toolError, toolResult, ERROR_META } from './results.js';
