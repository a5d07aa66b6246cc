// Bad inputs of `orchestrate plan / run --plan / merge` through the real CLI: each is E_USAGE (exit 2) naming what to
// do, checked before anything is planned — never E_INTERNAL.
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';

const TASK = 'add docstrings to src/';
const FILES: Record<string, string> = {
  'src/a.ts': 'export function alpha(): number {\n  return 1;\n}\n',
  'src/b.ts': 'export function beta(): number {\n  return 2;\n}\n',
};

let repo: TempRepo;
let dir: string;
let planFile: string;
beforeAll(async () => {
  repo = makeRepo(FILES);
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'orch-shard-usage-')));
  planFile = path.join(dir, 'plan.json');
  const planned = await runCli([
    'plan',
    TASK,
    '--shards',
    '2',
    '-C',
    repo.dir,
    '--engine',
    'offline',
    '--out',
    planFile,
  ]);
  expect(planned.exitCode, planned.stderr).toBe(0);
});
afterAll(() => {
  repo.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI with --json and gives its exit code, error code and message. */
async function usage(args: string[]) {
  const r = await runCli([...args, '--json']);
  const error = (JSON.parse(r.stdout || '{}') as { error?: { code: string; message: string } }).error;
  return { exit: r.exitCode, code: error?.code, message: error?.message ?? '', stderr: r.stderr };
}

describe('shard commands refuse bad input with E_USAGE', () => {
  it('plan --out: a folder, a missing folder, "", and an existing file that is not a plan file', async () => {
    const tracked = path.join(repo.dir, 'src', 'a.ts');
    const cases: [string, RegExp][] = [
      [dir, /is a folder/],
      [path.join(dir, 'nope', 'x', 'p.json'), /does not exist/],
      ['', /--out is empty/],
      [tracked, /exists and is not a plan file/],
    ];
    for (const [out, message] of cases) {
      const r = await usage(['plan', TASK, '--shards', '2', '-C', repo.dir, '--engine', 'offline', '--out', out]);
      expect([r.exit, r.code], out).toEqual([2, 'E_USAGE']);
      expect(r.message, out).toMatch(message);
    }
    expect(readFileSync(tracked, 'utf8')).toBe(FILES['src/a.ts']);
    // A plan file is replaced by the new plan.
    const again = await usage([
      'plan',
      TASK,
      '--shards',
      '2',
      '-C',
      repo.dir,
      '--engine',
      'offline',
      '--out',
      planFile,
    ]);
    expect(again.exit).toBe(0);
  });

  it('run --plan: an edited plan file, JSON null, and --out without --shard', async () => {
    const edited = path.join(dir, 'edited.json');
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { plan: { steps: { kind: string }[] } };
    plan.plan.steps[0]!.kind = 'reformat';
    writeFileSync(edited, JSON.stringify(plan));
    const nul = path.join(dir, 'null.json');
    writeFileSync(nul, 'null');
    const out = path.join(dir, 'out');
    const cases: [string[], RegExp][] = [
      [['--plan', edited, '--shard', '1/2', '--out', out], /changed after `orchestrate plan` wrote it: plan again/],
      [['--plan', nul, '--shard', '1/2', '--out', out], /is not a plan file/],
      [['--plan', planFile, '--out', out], /add --shard i\/N/],
    ];
    for (const [args, message] of cases) {
      const r = await usage(['run', ...args, '-C', repo.dir, '--engine', 'offline']);
      expect([r.exit, r.code], args.join(' ')).toEqual([2, 'E_USAGE']);
      expect(r.message).toMatch(message);
    }
  });

  it('flags the subcommand does not take: --batch, --detach, --planner on run; --detach on plan; --engine on merge', async () => {
    mkdirSync(path.join(dir, 'b'), { recursive: true });
    const run = ['run', '--plan', planFile, '--shard', '1/2', '--out', path.join(dir, 'b'), '-C', repo.dir];
    const cases: [string[], string][] = [
      [[...run, '--batch'], '--batch'],
      [[...run, '--detach'], '--detach'],
      [[...run, '--planner', 'gpt-x'], '--planner'],
      [['plan', TASK, '--shards', '2', '-C', repo.dir, '--out', planFile, '--detach'], '--detach'],
      [['merge', path.join(dir, 'b'), '-C', repo.dir, '--engine', 'offline'], '--engine'],
      [['merge', path.join(dir, 'b'), '-C', repo.dir, '--budget', '1'], '--budget'],
    ];
    for (const [args, flag] of cases) {
      const r = await usage(args);
      expect([r.exit, r.code], args.join(' ')).toEqual([2, 'E_USAGE']);
      expect(r.message).toContain(`does not take ${flag}`);
    }
  });
});
