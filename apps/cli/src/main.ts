import { createInterface } from 'node:readline/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isOrchestrateError, UsageError, type RunReport } from '@orchestrate/core';
import { formatSummary, runTask } from '@orchestrate/engine';
import { createProgress } from './progress.js';
import { VERSION } from './version.js';

/** Exit codes: 0 all jobs succeeded; 1 some failed or the budget stopped the run; 2 usage, config or environment error. */
export const EXIT = { ok: 0, failures: 1, usage: 2 } as const;

interface CliOptions {
  cwd?: string;
  dryRun?: boolean;
  yes?: boolean;
  engine?: 'auto' | 'openai' | 'offline';
  concurrency?: number;
  budget?: number;
  json?: boolean;
}

function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!value.trim() || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} needs a positive number of USD, e.g. ${flag} 0.50`);
    return n;
  };
}

function concurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError('--concurrency needs a whole number from 1 to 256');
  return n;
}

/** The command line, declared here and handed to runTask; returns the exit code. */
export async function main(argv: string[], io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }): Promise<number> {
  const program = new Command('orchestrate')
    .description('Plan a coding task, fan it out to small model jobs, verify them and commit the verified work on a new branch.')
    .argument('[task...]', 'the task, e.g. "add docstrings to the public API"')
    .option('-C, --cwd <dir>', 'run in this repository')
    .option('--dry-run', 'show the plan, the jobs and the estimated tokens and $ per model; spend nothing on jobs')
    .option('-y, --yes', 'do not ask for confirmation (implied when stdin is not a TTY)')
    .addOption(new Option('--engine <engine>', 'auto = openai when an API key is configured, else offline').choices(['auto', 'openai', 'offline']))
    .option('--concurrency <n>', 'model calls in flight at once', concurrency)
    .option('--budget <usd>', 'hard cap on spend in USD', positiveNumber('--budget'))
    .option('--json', 'print the final report as JSON on stdout (progress goes to stderr)')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run orchestrate --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  let parsed: { task: string; opts: CliOptions };
  try {
    program.parse(argv, { from: 'user' });
    parsed = { task: (program.args as string[]).join(' ').trim(), opts: program.opts<CliOptions>() };
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw err;
  }
  const { task, opts } = parsed;
  try {
    if (!task) throw new UsageError('No task given. Usage: orchestrate [options] "<task>", e.g. orchestrate "add docstrings to src/"');
    const live = Boolean(io.stderr.isTTY) && !process.env.CI;
    const progress = createProgress(io.stderr, live);
    const interactive = Boolean(io.stdin.isTTY) && !opts.yes && !opts.json;
    let report: RunReport;
    try {
      report = await runTask({
        task,
        cwd: opts.cwd,
        engine: opts.engine,
        dryRun: opts.dryRun,
        concurrency: opts.concurrency,
        budgetUsd: opts.budget,
        onEvent: progress.onEvent,
        confirm: interactive
          ? (info) => {
              progress.stop();
              return ask(info.jobs, info.estimate.costUsdHigh, io);
            }
          : undefined,
      });
    } finally {
      progress.stop();
    }
    if (opts.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout.write(`${report.status === 'dry-run' ? formatDryRun(report) : formatSummary(report)}\n`);
    return report.status === 'completed-with-failures' || report.status === 'budget-exceeded' ? EXIT.failures : EXIT.ok;
  } catch (err) {
    if (isOrchestrateError(err) && err.userFacing) {
      io.stderr.write(`orchestrate: error [${err.code}]: ${err.message}\n`);
      if (opts.json) io.stdout.write(`${JSON.stringify({ error: { code: err.code, message: err.message } }, null, 2)}\n`);
      return err.code === 'E_BUDGET' ? EXIT.failures : EXIT.usage;
    }
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    io.stderr.write(`orchestrate: internal error — this is a bug, please report it with the output below.\n${detail}\n`);
    return EXIT.failures;
  }
}

async function ask(jobs: number, maxUsd: number, io: { stdin: NodeJS.ReadStream; stderr: NodeJS.WriteStream }): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const cost = maxUsd > 0 ? `at most $${maxUsd.toFixed(4)}` : 'no model calls';
    const answer = await rl.question(`Run ${jobs} jobs (${cost})? [Y/n] `);
    return !/^n/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function formatDryRun(report: RunReport): string {
  const lines = [`orchestrate dry run (${report.engine} engine): nothing was created${report.engine === 'openai' ? ' and no worker was called' : ''}.`];
  for (const step of report.plan.steps) lines.push(`  ${step.id}: ${step.kind}${step.selector.paths.length ? ` in ${step.selector.paths.join(', ')}` : ''}`);
  lines.push(`  jobs: ${report.jobs.total}`);
  for (const item of report.items.slice(0, 50)) lines.push(`    ${item.file} ${item.symbol}`);
  if (report.items.length > 50) lines.push(`    … ${report.items.length - 50} more`);
  const est = report.estimate;
  if (est && Object.keys(est.perModel).length) {
    lines.push('  estimate per model (calls, input tokens, output tokens low, $ low–high):');
    for (const [model, m] of Object.entries(est.perModel)) {
      lines.push(`    ${model}: ${m.calls} calls, ${m.inputTokens} in, ${m.outputTokens} out, $${m.costUsdLow.toFixed(4)}–$${m.costUsdHigh.toFixed(4)}`);
    }
    lines.push(`  total: $${est.costUsdLow.toFixed(4)}–$${est.costUsdHigh.toFixed(4)}`);
  } else lines.push('  estimate: $0 (offline engine, no model calls)');
  for (const [model, u] of Object.entries(report.usage)) lines.push(`  spent on planning: ${model} ${u.inputTokens} in, ${u.outputTokens} out, $${u.costUsd.toFixed(4)}`);
  return lines.join('\n');
}
