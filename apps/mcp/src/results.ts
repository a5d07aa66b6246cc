// A tool's answer in MCP's shape: the structured result (what Claude Code and Codex hand the model) mirrored as one text
// block for clients that read only `content`, and errors as `isError` results the model can read and act on.
import { REPORT_HINT, safeText } from '@orchestrate/core';
import { errorInfo } from '@orchestrate/engine';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** The key of an error result's `_meta` that carries its code (clients and tests read it without parsing text). */
export const ERROR_META = 'orchestrate/error';

/** What an error result says about its error (in `_meta` and as the JSON text block). */
export interface ToolErrorInfo {
  code: string;
  message: string;
  exitCode: number;
  runId?: string;
  resume?: string;
}

/** A successful result: `out` as structuredContent, its `summary` first, and the same JSON as the one text block. */
export function toolResult(out: { summary: string } & Record<string, unknown>): CallToolResult {
  // Key order is what a model reads first in the text block: the summary says what happened before any detail.
  const { summary, ...rest } = out;
  const ordered = { summary, ...rest };
  return { content: [{ type: 'text', text: JSON.stringify(ordered) }], structuredContent: ordered };
}

/**
 * An error result: `isError`, the code and message as text and as JSON, and `_meta['orchestrate/error']`. It has no
 * structuredContent: the v1 client checks structuredContent against the tool's output schema even on an error and
 * would turn the error into a protocol error. Messages may hold repository or model text, so they are escaped.
 */
export function toolError(err: unknown, at: { runId?: string } = {}): CallToolResult {
  const info = errorInfo(err);
  let message = safeText(info.message, { multiline: true });
  if (info.code === 'E_INTERNAL' && !message.includes(REPORT_HINT))
    message = `${message.replace(/\.?$/, '.')} ${REPORT_HINT}`;
  const error: ToolErrorInfo = { code: info.code, message, exitCode: info.exitCode };
  const runId = at.runId ?? runIdOf(err);
  if (runId) error.runId = runId;
  // An interrupted run (the second stop, a crash) is finished by resuming it: the next call a model needs.
  if (runId && info.code === 'E_INTERRUPTED') error.resume = `start_run with resume: "${runId}"`;
  return {
    isError: true,
    content: [
      { type: 'text', text: `orchestrate error [${info.code}]: ${message}` },
      { type: 'text', text: JSON.stringify({ error }) },
    ],
    _meta: { [ERROR_META]: error },
  };
}

/** The run id an error carries, when its class gives it one. */
function runIdOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('runId' in err)) return undefined;
  const id = (err as { runId: unknown }).runId;
  return typeof id === 'string' && id ? id : undefined;
}
