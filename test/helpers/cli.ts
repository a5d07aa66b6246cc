import { execa } from 'execa';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The real CLI entry point. */
export const CLI = path.join(ROOT, 'apps', 'cli', 'bin', 'orchestrate.js');

/** What a CLI run printed and returned. */
export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `orchestrate` CLI in a child process (stdin not a TTY), with a clean model environment. */
export async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [CLI, ...args], {
    reject: false,
    stdin: 'ignore',
    env: { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, OPENAI_AGENTS_DISABLE_TRACING: '1', ...env },
    extendEnv: true,
    timeout: 120_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Parses the JSON report printed by `--json`. */
export function parseReport(stdout: string): Record<string, any> {
  return JSON.parse(stdout) as Record<string, any>;
}
