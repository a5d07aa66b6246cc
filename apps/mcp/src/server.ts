// The MCP server: the tools of tools.ts registered on the SDK's McpServer. This is the one file that touches the SDK's
// server API, so a move to another SDK line changes only it.
import { isOrchestrateError } from '@orchestrate/core';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { progressSender, type ProgressOptions } from './progress.js';
import { toolError, toolResult } from './results.js';
import { INSTRUCTIONS, TOOLS, type DelegateManager, type McpTool } from './tools.js';

/** How the server presents itself and paces its progress notifications. */
export interface McpServerOptions {
  /** The version the server reports in `initialize` (the CLI's). */
  version: string;
  /** Pacing of progress notifications (tests make it immediate). */
  progress?: ProgressOptions;
  /** Where a bug's stack goes (never stdout, which is the protocol). @default console.error */
  logError?: (text: string) => void;
}

/** An McpServer with orchestrate's tools on `manager`; connect it to a transport to serve. */
export function createMcpServer(manager: DelegateManager, options: McpServerOptions): McpServer {
  const server = new McpServer(
    { name: 'orchestrate', title: 'orchestrate', version: options.version },
    { instructions: INSTRUCTIONS, capabilities: { logging: {} } },
  );
  for (const tool of TOOLS) register(server, manager, tool, options);
  return server;
}

function register(server: McpServer, manager: DelegateManager, tool: McpTool, options: McpServerOptions): void {
  const logError = options.logError ?? ((text: string) => console.error(text));
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.input,
      outputSchema: tool.output,
      annotations: { title: tool.title, ...tool.annotations },
    },
    async (args, extra): Promise<CallToolResult> => {
      const progress = tool.progress
        ? progressSender(extra, options.progress)
        : progressSender({ ...extra, _meta: {} });
      try {
        const out = (await tool.call(manager, args, { signal: extra.signal, progress })) as { summary: string };
        return toolResult(out);
      } catch (err) {
        // A bug's stack helps whoever reads the server's log (a client shows stderr); the model gets the message only.
        if (!isOrchestrateError(err) || !err.userFacing) logError(`orchestrate mcp: ${tool.name}: ${stackOf(err)}`);
        const runId = typeof args.runId === 'string' ? args.runId : undefined;
        return toolError(err, { runId });
      } finally {
        progress.stop();
      }
    },
  );
}

function stackOf(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
