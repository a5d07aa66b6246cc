// `orchestrate mcp`: the command line of the MCP server. stdout is the protocol, so everything else this process
// prints goes to stderr, and the server runs until its client closes stdin or a signal stops it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Console } from 'node:console';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { EXIT_CODES, safeText, UsageError } from '@orchestrate/core';
import { errorInfo, OPTION_PARSERS } from '@orchestrate/engine';
import { serveMcp, type McpOptions } from './serve.js';

/** `orchestrate mcp --help`. */
export const MCP_HELP = `Usage: orchestrate mcp [options]

Serve orchestrate's tools (plan, start_run, run_status, run_result, cancel_run, run, review, list_runs, apply_run,
undo_run) to an MCP client over stdio. stdout is the protocol; logs go to stderr.

Options:
  --root <dir>         a folder runs may act in (repeatable; default: the current directory)
  --engine <engine>    auto, openai or offline (default: the config's, else auto)
  --budget <usd>       the most any one run may spend, in USD (a tool call may ask for less)
  --concurrency <n>    model calls in flight per run (default: the config's)
  --planner <model>    the planner model (default: the config's)
  --worker <model>     the worker model
  --verifier <model>   the verifier model
  --config <file>      the config file to use instead of agents.config.ts (tools cannot name one)
  --max-runs <n>       runs in flight at once in this server (default 2)
  -V, --version        print the version
  -h, --help           print this help

Example (Claude Code):
  claude mcp add --transport stdio --scope project -e OPENAI_API_KEY='\${OPENAI_API_KEY}' orchestrate -- orchestrate mcp --root .
`;

const ENGINES = ['auto', 'openai', 'offline'] as const;

/** The server's options from its argv (without the `mcp` word); throws E_USAGE for what it refuses. */
export function parseMcpArgs(argv: readonly string[], cwd = process.cwd()): McpOptions | 'help' | 'version' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      root: { type: 'string', multiple: true },
      engine: { type: 'string' },
      budget: { type: 'string' },
      concurrency: { type: 'string' },
      planner: { type: 'string' },
      worker: { type: 'string' },
      verifier: { type: 'string' },
      config: { type: 'string' },
      'max-runs': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'V' },
    },
  });
  if (values.help) return 'help';
  if (values.version) return 'version';
  const roots = (values.root ?? [cwd]).map((root) => {
    const dir = path.resolve(cwd, root);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--root ${root}: no such folder`);
    return dir;
  });
  const engine = values.engine;
  if (engine !== undefined && !(ENGINES as readonly string[]).includes(engine)) {
    throw new UsageError(`--engine needs one of ${ENGINES.join(', ')} (got ${engine})`);
  }
  const configFile = values.config === undefined ? undefined : path.resolve(cwd, values.config);
  // Checked now, not at the first tool call: a server that starts with a config it cannot read fails every call.
  if (configFile !== undefined && !(existsSync(configFile) && statSync(configFile).isFile())) {
    throw new UsageError(`--config ${values.config}: no such file`);
  }
  const models = { planner: values.planner, worker: values.worker, verifier: values.verifier };
  let maxRuns: number | undefined;
  if (values['max-runs'] !== undefined) {
    maxRuns = Number(values['max-runs']);
    if (!Number.isInteger(maxRuns) || maxRuns < 1 || maxRuns > 64) {
      throw new UsageError('--max-runs needs a whole number from 1 to 64');
    }
  }
  return {
    roots,
    defaults: {
      engine: engine as (typeof ENGINES)[number] | undefined,
      concurrency:
        values.concurrency === undefined ? undefined : OPTION_PARSERS.concurrency('--concurrency')(values.concurrency),
      models: Object.values(models).some((m) => m !== undefined) ? models : undefined,
      configFile,
    },
    maxBudgetUsd: values.budget === undefined ? null : OPTION_PARSERS.budgetUsd('--budget')(values.budget),
    maxRuns,
  };
}

/** Runs `orchestrate mcp` (argv may start with the `mcp` word); resolves with the exit code once the server stopped. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const args = argv[0] === 'mcp' ? argv.slice(1) : argv;
  let parsed: ReturnType<typeof parseMcpArgs>;
  try {
    parsed = parseMcpArgs(args);
  } catch (err) {
    // parseArgs throws a TypeError for an unknown or malformed flag: what the user typed, so a usage error too.
    const coded = err instanceof UsageError ? err : new UsageError(err instanceof Error ? err.message : String(err));
    return fail(`${coded.message} (run orchestrate mcp --help for usage)`, coded.code, coded.processExitCode);
  }
  if (parsed === 'help') return (void process.stdout.write(MCP_HELP), EXIT_CODES.ok);
  if (parsed === 'version') return (void process.stdout.write(`${version()}\n`), EXIT_CODES.ok);
  // Each job's output schema is new and parsed once: zod's JIT would compile code for every one (as the CLI does).
  z.config({ jitless: true });
  const stdout = protocolStdout();
  try {
    const serving = await serveMcp({ ...parsed, version: version(), stdout });
    let signals = 0;
    const onSignal = () => {
      // A second signal does not wait for the runs' grace period; their journals still resume them.
      if (++signals > 1) process.exit(EXIT_CODES.interrupted);
      void serving.close();
    };
    process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
    process.on('unhandledRejection', (reason) => console.error(`orchestrate mcp: unhandled: ${String(reason)}`));
    await serving.closed;
    // Whatever still holds the event loop (a socket a run left) must not keep a stopped server alive.
    setTimeout(() => process.exit(EXIT_CODES.ok), 2000).unref();
    return EXIT_CODES.ok;
  } catch (err) {
    const info = errorInfo(err);
    return fail(info.message, info.code, info.userFacing ? info.exitCode : EXIT_CODES.failures);
  }
}

function fail(message: string, code: string, exitCode: number): number {
  process.stderr.write(`orchestrate mcp: error [${code}]: ${safeText(message, { multiline: true })}\n`);
  return exitCode;
}

/**
 * The protocol's stdout. Everything else that would write there (console.log, a config file's output, a stray
 * process.stdout.write) goes to stderr instead: one foreign line would corrupt the stream.
 */
function protocolStdout(): Writable {
  const out = process.stdout;
  const write = out.write.bind(out) as (chunk: Buffer | string, cb: (err?: Error | null) => void) => boolean;
  const stderrWrite = process.stderr.write.bind(process.stderr);
  out.write = stderrWrite as typeof out.write;
  globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
  return new Writable({ write: (chunk: Buffer, _encoding, cb) => void write(chunk, cb) });
}

/** The version of the package this runs from: the CLI's (its bundle lives in apps/cli/dist) or, from source, the server's. */
function version(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if ((pkg.name === '@orchestrate/cli' || pkg.name === '@orchestrate/mcp') && pkg.version) return pkg.version;
    } catch {
      // no manifest here: look further up
    }
    if (path.dirname(dir) === dir) return '0.0.0';
  }
}
