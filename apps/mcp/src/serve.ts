// One MCP server on stdio: a run manager for the roots, the server on it and the transport, and one way to stop all
// three (the end of stdin, a signal, a test's close).
import { RunManager, type DelegateOptions } from '@orchestrate/engine';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Readable, Writable } from 'node:stream';
import type { ProgressOptions } from './progress.js';
import { createMcpServer } from './server.js';
import type { DelegateManager } from './tools.js';

/** What `orchestrate mcp` serves: the run manager's options (roots, defaults, limits) and the server's own. */
export interface McpOptions extends DelegateOptions {
  /** The version reported in `initialize`. @default '0.0.0' */
  version?: string;
  /** The protocol's streams. @default process.stdin and process.stdout */
  stdin?: Readable;
  stdout?: Writable;
  /** Pacing of progress notifications. */
  progress?: ProgressOptions;
  /** A manager to serve instead of a new RunManager (tests). */
  manager?: DelegateManager & Pick<RunManager, 'close'>;
}

/** A server being served: `closed` settles once it has stopped, whoever stopped it. */
export interface McpServing {
  /** Stops taking calls, stops every run gracefully (see RunManager.close) and ends the transport; idempotent. */
  close(): Promise<void>;
  closed: Promise<void>;
}

/** Serves orchestrate's tools on stdio until `close()` or the end of stdin. */
export async function serveMcp(options: McpOptions): Promise<McpServing> {
  const manager = options.manager ?? new RunManager(options);
  const server = createMcpServer(manager, { version: options.version ?? '0.0.0', progress: options.progress });
  const stdin = options.stdin ?? process.stdin;
  const transport = new StdioServerTransport(stdin, options.stdout ?? process.stdout);
  let closing: Promise<void> | null = null;
  let settle: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (settle = resolve));
  const close = () =>
    (closing ??= (async () => {
      stdin.off('end', onEnd);
      // The runs first: a run stopped gracefully commits its verified work, and its tools' answers no longer matter.
      try {
        await manager.close();
      } finally {
        await server.close().catch(() => undefined);
        settle();
      }
    })());
  // The client closed stdin: nobody is left to answer, so the server stops (its runs stop gracefully).
  const onEnd = () => void close().catch((err: unknown) => console.error(`orchestrate mcp: closing: ${String(err)}`));
  stdin.on('end', onEnd);
  await server.connect(transport);
  return { close, closed };
}
