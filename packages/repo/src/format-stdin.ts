import { existsSync } from 'node:fs';
import path from 'node:path';
import { BIOME_CONFIGS, readText, relative, toolEnv } from './format-support.js';
import type { FormatFileResult, FormatterInfo } from './format-types.js';
import { describeToolFailure, runTool, toolSucceeded, type ToolResult } from './tool-process.js';

/**
 * Biome through its CLI, text on stdin. Biome writes LF unless configured, so a CRLF file gets `--line-ending=crlf`
 * when neither its config nor `.editorconfig` says otherwise; it keeps a BOM itself.
 */
export async function biomeFile(
  info: FormatterInfo,
  repoRoot: string,
  file: { absolute: string; text: string },
  timeoutMs: number,
): Promise<FormatFileResult> {
  const rel = relative(repoRoot, file.absolute);
  const args = ['format', `--stdin-file-path=${rel}`];
  const firstBreak = /\r\n|\n|\r/.exec(file.text)?.[0];
  if (firstBreak === '\r\n' && !lineEndingConfigured(repoRoot)) args.push('--line-ending=crlf');
  return stdinFormatter(info.executable!, args, repoRoot, file.text, timeoutMs, `biome ${args.join(' ')}`);
}

/** dprint through its CLI: `dprint fmt --stdin <path>` formats stdin as the file at that path would be. */
export async function dprintFile(
  info: FormatterInfo,
  repoRoot: string,
  file: { absolute: string; text: string },
  timeoutMs: number,
): Promise<FormatFileResult> {
  const args = ['fmt', '--stdin', relative(repoRoot, file.absolute)];
  return stdinFormatter(info.executable!, args, repoRoot, file.text, timeoutMs, `dprint ${args.join(' ')}`);
}

async function stdinFormatter(
  bin: string,
  args: string[],
  cwd: string,
  text: string,
  timeoutMs: number,
  label: string,
): Promise<FormatFileResult> {
  const result: ToolResult = await runTool({
    command: bin,
    args,
    cwd,
    input: text,
    timeoutMs,
    maxOutputBytes: 4 * text.length + 1024 * 1024,
    env: toolEnv(),
    label,
  });
  if (!toolSucceeded(result)) return { ok: false, reason: describeToolFailure(result, timeoutMs) };
  return { ok: true, text: result.stdout };
}

function lineEndingConfigured(repoRoot: string): boolean {
  const configs = BIOME_CONFIGS.map((name) => path.join(repoRoot, name)).filter((p) => existsSync(p));
  if (configs.some((p) => /"lineEnding"/.test(readText(p)))) return true;
  const editorconfig = path.join(repoRoot, '.editorconfig');
  return existsSync(editorconfig) && /^\s*end_of_line\s*=/im.test(readText(editorconfig));
}
