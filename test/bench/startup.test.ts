// The light start-up paths print what the whole CLI prints: `--version` from the manifest, help from the help bundle.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startupTable, targets, type BenchResult } from './report.js';
import { CLI } from './measure.js';

const BUNDLE = path.join(path.dirname(CLI), 'bundle.mjs');
const { helpOnly } = (await import(pathToFileURL(BUNDLE).href)) as { helpOnly(argv: string[]): boolean };

const env = { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, OPENAI_AGENTS_DISABLE_TRACING: '1' };
/** The command as installed: orchestrate.js, with its light paths. */
const light = (args: string[]) =>
  execa(process.execPath, [CLI, ...args], { reject: false, stdin: 'ignore', env, extendEnv: true });
/** The whole CLI (main.cjs) on the same argv: loadCli is asked for an argv that is not help-only. */
const whole = (args: string[]) =>
  execa(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      [
        `const { loadCli } = await import(${JSON.stringify(pathToFileURL(BUNDLE).href)});`,
        "const main = await loadCli(['--no-such-flag']);",
        'process.exitCode = await main(JSON.parse(process.argv[1]));',
      ].join(' '),
      JSON.stringify(args),
    ],
    { reject: false, stdin: 'ignore', env, extendEnv: true },
  );

describe('helpOnly', () => {
  it('takes help, <command> --help, help <command> and no arguments', () => {
    for (const argv of [[], ['--help'], ['-h'], ['help'], ['help', 'review'], ['runs', '--help'], ['resume', '-h']])
      expect(helpOnly(argv), argv.join(' ')).toBe(true);
  });
  it('leaves everything else to the whole CLI', () => {
    for (const argv of [
      ['add docs'],
      ['--help', 'x', 'y'],
      ['-C', 'dir'],
      ['help', '-C', 'dir'],
      ['--', '--help'],
      ['nope', '--help'],
      ['--version'],
    ]) {
      expect(helpOnly(argv), argv.join(' ')).toBe(false);
    }
  });
});

describe('light start-up paths', () => {
  it('--version and -V print the manifest version, as commander does', async () => {
    const { version } = JSON.parse(readFileSync(path.join(path.dirname(CLI), '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const [a, b] = await Promise.all([light([flag]), whole([flag])]);
      expect(a.stdout).toBe(`${version}`);
      expect({ code: a.exitCode, out: a.stdout, err: a.stderr }).toEqual({
        code: b.exitCode,
        out: b.stdout,
        err: b.stderr,
      });
    }
  });

  it("help from the help bundle is the whole CLI's, byte for byte, with the same exit code", async () => {
    for (const argv of [['--help'], ['help', 'review'], ['resume', '--help'], []]) {
      const [a, b] = await Promise.all([light(argv), whole(argv)]);
      expect({ code: a.exitCode, out: a.stdout, err: a.stderr }, argv.join(' ')).toEqual({
        code: b.exitCode,
        out: b.stdout,
        err: b.stderr,
      });
    }
  });

  it('the help bundle itself loads (help is not the source fallback in disguise)', async () => {
    await light(['--help']);
    const dist = path.join(path.dirname(CLI), '..', 'dist');
    const { dir } = JSON.parse(readFileSync(path.join(dist, 'current.json'), 'utf8')) as { dir: string };
    const loaded = await execa(
      process.execPath,
      ['-e', `require(${JSON.stringify(path.join(dist, dir, 'help.cjs'))})`],
      {
        reject: false,
      },
    );
    expect(loaded.stderr).toBe('');
    expect(loaded.exitCode).toBe(0);
  });
});

describe('start-up targets', () => {
  const startup = {
    nodeMs: { wallMs: 80, cpuMs: 40, runs: 9 },
    versionMs: { wallMs: 90, cpuMs: 45, runs: 9 },
    helpMs: { wallMs: 200, cpuMs: 120, runs: 9 },
  };
  const math = { name: 'mathts-4', launchToPlannerMs: 280 } as unknown as BenchResult;

  it('checks --version and --help against 2× node -e 0, and launch to planner against 300 ms', () => {
    const lines = targets([math], { concurrency: 32, latency: { firstTokenMs: 1000, tokensPerSecond: 150 } }, startup);
    expect(lines.find((l) => l.includes('--version'))).toMatch(/^ {2}PASS .*90 ms = 1\.13× 80 ms/);
    expect(lines.find((l) => l.includes('--help'))).toMatch(/^ {2}FAIL .*200 ms = 2\.50× 80 ms/);
    expect(lines.find((l) => l.includes('planner'))).toMatch(/^ {2}PASS .*280 ms/);
    expect(lines.find((l) => l.includes('marginal'))).toMatch(/NOT MEASURED/);
  });

  it('prints a table of the three commands', () => {
    expect(startupTable(startup)).toContain('| orchestrate --help    |     200 |    120 |         2.50 |');
  });
});
