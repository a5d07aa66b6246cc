// End-to-end: a new user's first commands (issue #12, section 8): `help`, argument errors with --json, --help's
// examples and exit codes, the model and --config flags, `show` of an undone run and the dry run's wording.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fake/openai-server.js';
import { parseReport, runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { repoWithRun, SOURCE } from '../helpers/run-repo.js';
import { fakeEnv, MATH_TS, onePerCall, scripted } from './openai-script.js';

let repo: TempRepo | undefined;
let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  repo?.cleanup();
  server = undefined;
  repo = undefined;
});

/** The JSON error document `--json` must print on stdout. */
function jsonError(stdout: string): { code: string; message: string } & Record<string, unknown> {
  const doc = JSON.parse(stdout) as { error: { code: string; message: string } };
  expect(typeof doc.error.message).toBe('string');
  return doc.error;
}

describe('help', () => {
  it('`orchestrate help` and `help <command>` show help, never run a task', async () => {
    repo = makeRepo({ 'src/a.ts': SOURCE });
    const help = await runCli(['help', '-C', repo.dir]);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: orchestrate');
    expect(help.stderr).not.toContain('orchestrate: run ');
    const review = await runCli(['help', 'review']);
    expect(review.exitCode).toBe(0);
    expect(review.stdout).toContain('Usage: orchestrate review');
    expect(repo.git('branch', '--list', 'orchestrate/*').trim()).toBe('');
  });

  it('a one-word task naming a command is refused as a usage error', async () => {
    repo = makeRepo({ 'src/a.ts': SOURCE });
    const r = await runCli(['-C', repo.dir, '--json', '--', 'Runs']);
    expect(r.exitCode).toBe(2);
    expect(jsonError(r.stdout).code).toBe('E_USAGE');
  });

  it('no arguments: usage on stderr, exit 2', async () => {
    const r = await runCli([]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Usage: orchestrate');
    expect(r.stdout).toBe('');
  });

  it('--help has examples, defaults, environment variables and exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.exitCode).toBe(0);
    for (const heading of [
      'Examples:',
      'Defaults',
      'Environment:',
      'OPENAI_API_KEY',
      'Exit codes:',
      '--planner <model>',
      '--worker <model>',
      '--verifier <model>',
      '--config <file>',
    ]) {
      expect(r.stdout).toContain(heading);
    }
  });
});

describe('--json argument errors print one JSON error on stdout', () => {
  const cases: Array<[string, string[]]> = [
    ['unknown flag', ['--json', '--bogus', 'add docs']],
    ['bad --budget', ['--json', '--budget', 'lots', 'add docs']],
    ['bad choice', ['--json', '--engine', 'magic', 'add docs']],
    ['missing run id', ['show', '--json']],
    ['no task', ['--json']],
    ['unknown flag after a command', ['runs', '--json', '--bogus']],
  ];
  for (const [name, args] of cases) {
    it(name, async () => {
      repo = makeRepo({ 'src/a.ts': SOURCE });
      const r = await runCli([...args, '-C', repo.dir]);
      expect(r.exitCode).toBe(2);
      expect(jsonError(r.stdout).code).toBe('E_USAGE');
    });
  }
});

describe('model flags and --config', () => {
  it('--planner/--worker/--verifier pick the models; the journal keeps them for resume', async () => {
    repo = makeRepo(onePerCall({ 'src/math.ts': MATH_TS }));
    const seen = new Set<string>();
    const script = scripted();
    const rename: Record<string, string> = {
      'p-model': 'gpt-5.4',
      'w-model': 'gpt-5.4-nano',
      'v-model': 'gpt-5.4-mini',
    };
    server = await startFakeOpenAI((req) => {
      seen.add(req.model);
      return script({ ...req, model: rename[req.model] ?? req.model });
    });
    const r = await runCli(
      [
        '-C',
        repo.dir,
        '--json',
        '--engine',
        'openai',
        '--planning',
        'model',
        '--planner',
        'p-model',
        '--worker',
        'w-model',
        '--verifier',
        'v-model',
        'add docstrings to src/math.ts',
      ],
      fakeEnv(server),
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect([...seen].sort()).toEqual(['p-model', 'v-model', 'w-model']);
    const report = parseReport(r.stdout);
    const journal = repo.read(path.join('.orchestrate', 'runs', report.id, 'journal.jsonl'));
    const start = JSON.parse(journal.split('\n')[0]!);
    expect(start.options.models).toEqual({ planner: 'p-model', worker: 'w-model', verifier: 'v-model' });
  });

  it('--config <file> is used instead of agents.config.ts; a missing one is E_CONFIG', async () => {
    repo = makeRepo({ 'src/a.ts': SOURCE });
    const missing = await runCli([
      '-C',
      repo.dir,
      '--json',
      '--config',
      path.join(repo.dir, 'nope.config.ts'),
      '--dry-run',
      'add docstrings',
    ]);
    expect(missing.exitCode).toBe(2);
    expect(jsonError(missing.stdout).code).toBe('E_CONFIG');
    const file = path.join(repo.dir, '..', `${path.basename(repo.dir)}-other.config.mjs`);
    writeFileSync(file, 'export default { concurrency: 3, budgetUsd: 7 };\n');
    try {
      const r = await runCli(['-C', repo.dir, '--json', '--config', file, '--dry-run', 'add docstrings']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(parseReport(r.stdout).budgetUsd).toBe(7);
    } finally {
      writeFileSync(file, '');
    }
  });
});

describe('wording', () => {
  it('`show` of an undone run says so and prints no merge instructions', async () => {
    const { r, id } = await repoWithRun();
    repo = r;
    expect((await runCli(['undo', id, '-C', repo.dir])).exitCode).toBe(0);
    const show = await runCli(['show', id, '-C', repo.dir]);
    expect(show.exitCode).toBe(0);
    expect(show.stdout).toMatch(/undone/);
    expect(show.stdout).not.toContain('orchestrate apply');
    expect(show.stdout).not.toContain('git merge');
  });

  it('a dry run does not say "on branch orchestrate/<id>" as if it made one', async () => {
    repo = makeRepo({ 'src/a.ts': SOURCE });
    const r = await runCli(['-C', repo.dir, '--dry-run', 'add docstrings']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/on branch orchestrate\//);
    expect(r.stderr + r.stdout).toMatch(/nothing is created|nothing was created/);
  });
});
